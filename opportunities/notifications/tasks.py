"""Celery tasks of the notifications: thin wrappers around the digest service."""

from celery import shared_task

from opportunities.notifications import digests, instant


@shared_task(acks_late=True)
def send_digests(frequency: str) -> int:
    """Queue the daily or weekly digests (beat)."""
    return digests.queue_digests(frequency)


@shared_task(acks_late=True)
def send_instant_batches() -> int:
    """Send the instant-notification batches whose window closed (beat, every minute)."""
    return instant.send_instant_batches()

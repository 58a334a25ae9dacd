"""Celery tasks of the notifications: thin wrappers around the outbox and digest services."""

from celery import shared_task

from opportunities.notifications import digests, instant, outbox


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_outbox() -> int:
    """Send the due emails of the outbox."""
    return outbox.send_queued()


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Re-queue emails a dead worker left claimed, then send what is due (beat, every minutes)."""
    swept = outbox.sweep_stale()
    outbox.send_queued()
    return swept


@shared_task(acks_late=True)
def send_digests(frequency: str) -> int:
    """Queue the daily or weekly digests (beat)."""
    return digests.queue_digests(frequency)


@shared_task(acks_late=True)
def send_instant_batches() -> int:
    """Send the instant-notification batches whose window closed (beat, every minute)."""
    return instant.send_instant_batches()

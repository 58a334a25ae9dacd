"""Celery tasks of the opportunities app: thin wrappers that call domain functions."""

from celery import shared_task

from opportunities import notifications


@shared_task(acks_late=True)
def send_outbox() -> int:
    """Send queued emails from the outbox."""
    return notifications.send_queued()

"""Celery tasks of the opportunities app: thin wrappers that call domain functions."""

from celery import shared_task

from opportunities import demand, notifications, services


@shared_task(acks_late=True)
def send_outbox() -> int:
    """Send queued emails from the outbox."""
    return notifications.send_queued()


@shared_task(acks_late=True)
def regenerate_demand() -> dict[str, int]:
    """Recompute market-demand opportunities from the trade statistics (idempotent)."""
    return demand.regenerate()


@shared_task(acks_late=True)
def close_expired_requests() -> int:
    """Close buyer requests past their deadline (scheduled by Celery beat)."""
    return services.close_expired_requests()

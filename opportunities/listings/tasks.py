"""Celery tasks of the opportunities: thin wrappers that call the listings' services."""

from celery import shared_task

from opportunities.listings import services


@shared_task(acks_late=True)
def close_expired_requests() -> int:
    """Close buyer requests past their deadline (scheduled by Celery beat)."""
    return services.close_expired_requests()

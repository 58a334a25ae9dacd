"""Celery tasks of the companies app: thin wrappers that call domain functions."""

from celery import shared_task

from companies import services


@shared_task(acks_late=True)
def delete_unverified_accounts() -> int:
    """Delete accounts never verified within 30 days of sign-up (scheduled by Celery beat)."""
    return services.delete_unverified_accounts()

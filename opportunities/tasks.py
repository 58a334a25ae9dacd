"""Celery tasks of the opportunities app: thin wrappers that call domain functions."""

from celery import shared_task

from opportunities import demand, services


@shared_task(acks_late=True)
def regenerate_demand() -> dict[str, int]:
    """Recompute market-demand opportunities, then rematch the companies they touch."""
    from django.db import transaction

    from opportunities.matching import tasks as matching

    counts = demand.regenerate()
    transaction.on_commit(matching.full_rematch.delay)
    return counts


@shared_task(acks_late=True)
def close_expired_requests() -> int:
    """Close buyer requests past their deadline (scheduled by Celery beat)."""
    return services.close_expired_requests()

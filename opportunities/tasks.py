"""Celery tasks of the opportunities app: thin wrappers that call domain functions."""

from celery import shared_task

from opportunities import demand, services
from opportunities.productspace import build


@shared_task(acks_late=True)
def regenerate_demand() -> dict[str, int]:
    """Recompute market-demand opportunities, then rematch the companies they touch."""
    from django.db import transaction

    from opportunities.matching import tasks as matching

    counts = demand.regenerate()
    transaction.on_commit(matching.full_rematch.delay)
    transaction.on_commit(build_product_space.delay)
    return counts


@shared_task(acks_late=True)
def build_product_space() -> list[int]:
    """Recompute the product space from the trade data now loaded; returns the levels built."""
    return [stored.level for stored in build.build_all()]


@shared_task(acks_late=True)
def close_expired_requests() -> int:
    """Close buyer requests past their deadline (scheduled by Celery beat)."""
    return services.close_expired_requests()


@shared_task(acks_late=True)
def import_trade_upload(upload_id: int) -> str:
    """Import a file staff uploaded in the admin; the upload records the result or the reason
    (with the line number) it was rejected. Running it again after it finished changes nothing."""
    return services.import_trade_upload(upload_id)

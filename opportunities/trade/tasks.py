"""Celery tasks of the trade statistics: thin wrappers that call domain functions."""

from celery import shared_task

from opportunities.trade.productspace import build


@shared_task(acks_late=True)
def build_product_space() -> list[int]:
    """Recompute the product space from the trade data now loaded; returns the levels built."""
    return [stored.level for stored in build.build_all()]

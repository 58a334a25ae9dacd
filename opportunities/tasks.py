"""Celery tasks of the opportunities app: thin wrappers that call domain functions."""

from celery import shared_task
from django.db import transaction

from companies.models import Company
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


@shared_task(acks_late=True)
def import_trade_upload(upload_id: int) -> str:
    """Import a file staff uploaded in the admin; the upload records the result or the reason
    (with the line number) it was rejected, then what the new data changed: opportunities
    published, updated and closed, and the firms rematched. Running it again after it finished
    changes nothing."""
    from opportunities.matching import tasks as matching  # as regenerate_demand does, until the
    # layering moves these tasks above matching

    status = services.import_trade_upload(upload_id)
    if status == "done":
        counts = demand.regenerate()
        firms = Company.objects.filter(products__isnull=False).distinct().count()
        services.record_upload_summary(upload_id=upload_id, demand=counts, companies=firms)
        transaction.on_commit(matching.full_rematch.delay)
    return status

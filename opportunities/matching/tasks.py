"""Matching tasks: idempotent, enqueued after commit, batched into few large units of work."""

from celery import shared_task
from django.db import transaction

from companies.models import Company
from opportunities.listings import demand
from opportunities.listings.models import Opportunity
from opportunities.matching import conversations, engine, interests, runs, withdrawal
from opportunities.trade import tasks as trade_tasks
from opportunities.trade import uploads
from opportunities.trade.models import TradeUpload

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3, "acks_late": True}


@shared_task(**RETRY)
def rematch_company(company_id: int) -> int:
    """Recompute one company's matches (after a profile change that matters)."""
    return engine.rematch([company_id], kind="company")


@shared_task(**RETRY)
def rematch_company_and_counterparts(company_id: int) -> int:
    """Recompute a company's matches and those of the firms whose lists it may now enter (after
    its verification: a new supplier reaches its buyers' lists at once, not the next night)."""
    return engine.rematch([company_id, *engine.counterparts_of(company_id)], kind="company")


@shared_task(**RETRY)
def match_opportunity(opportunity_id: int) -> int:
    """Match a published or changed opportunity with the companies trading in its chapter."""
    code = (
        Opportunity.objects.filter(pk=opportunity_id).values_list("hs_code_id", flat=True).first()
    )
    if code is None:
        return 0
    return engine.rematch(engine.companies_trading([code]), kind="opportunity")


@shared_task(**RETRY)
def rematch_affected(hs_prefixes: list[str]) -> int:
    """Rematch the companies touched by a trade data import or a sector's HS change."""
    return engine.rematch(engine.companies_trading(hs_prefixes), kind="affected")


@shared_task(**RETRY)
def rematch_chunk(chunk_id: int) -> int:
    """One chunk of a full rematch (a MatchingChunk id); a chunk already done is skipped."""
    return runs.run_chunk(chunk_id)


@shared_task(acks_late=True)
def full_rematch(chunk: int = engine.CHUNK) -> int:
    """Rematch every company in parallel chunks of `chunk` companies (nightly by beat).

    The chunks are recorded before they are sent, so `redispatch_lost_chunks` can send again
    those a broker restart lost; the last chunk to finish closes the run.
    """
    run_id, chunk_ids = runs.start_full_run(chunk)
    # start_full_run has committed (tasks run in autocommit): the chunks exist for the workers.
    for chunk_id in chunk_ids:
        rematch_chunk.delay(chunk_id)
    return run_id


@shared_task(acks_late=True)
def redispatch_lost_chunks() -> int:
    """Send again the full-rematch chunks unfinished long after their dispatch (beat)."""
    chunk_ids = runs.lost_chunks()
    for chunk_id in chunk_ids:
        rematch_chunk.delay(chunk_id)
    return len(chunk_ids)


@shared_task(acks_late=True)
def close_expired_requests() -> int:
    """Close the buyer requests past their deadline and withdraw their matches (beat, every 15
    minutes)."""
    return withdrawal.close_expired_requests()


@shared_task(acks_late=True)
def follow_up_interests() -> dict[str, int]:
    """Send the 7-day reminders and the 30-day outcome questions (Celery beat, daily)."""
    return {"reminders": interests.send_reminders(), "outcomes": interests.ask_outcomes()}


@shared_task(**RETRY)
def send_conversation_emails() -> int:
    """Email the conversation messages that waited for their thread's window (beat, every
    minute)."""
    return conversations.send_due_emails()


@shared_task(acks_late=True)
def regenerate_demand() -> dict[str, int]:
    """Recompute market-demand opportunities, then rematch the companies (after that commits)."""
    counts = demand.regenerate()
    transaction.on_commit(full_rematch.delay)
    transaction.on_commit(trade_tasks.build_product_space.delay)
    return counts


@shared_task(acks_late=True)
def import_trade_upload(upload_id: int) -> str:
    """Import a file staff uploaded in the admin; the upload records the result or the reason
    (with the line number) it was rejected, then what the new data changed: opportunities
    published, updated and closed, and the firms rematched. Running it again after it finished
    changes nothing."""
    status = uploads.import_trade_upload(upload_id)
    if status == TradeUpload.Status.DONE:
        counts = demand.regenerate()
        firms = Company.objects.filter(products__isnull=False).distinct().count()
        uploads.record_upload_summary(upload_id=upload_id, demand=counts, companies=firms)
        transaction.on_commit(full_rematch.delay)
    return status

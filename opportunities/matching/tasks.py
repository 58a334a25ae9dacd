"""Matching tasks: idempotent, enqueued after commit, batched into few large units of work."""

from celery import chord, shared_task

from opportunities.matching import engine

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3, "acks_late": True}


@shared_task(**RETRY)
def rematch_company(company_id: int) -> int:
    """Recompute one company's matches (after a profile change that matters)."""
    return engine.rematch([company_id], kind="company")


@shared_task(**RETRY)
def match_opportunity(opportunity_id: int) -> int:
    """Match a published or changed opportunity with the companies trading in its chapter."""
    from opportunities.models import Opportunity

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
def rematch_chunk(company_ids: list[int], run_id: int | None = None) -> int:
    """One chunk of a full rematch (the run's candidates are loaded once per worker process)."""
    candidates = engine.run_candidates(run_id) if run_id is not None else None
    return engine.match_companies(company_ids, candidates)


@shared_task(acks_late=True)
def full_rematch(chunk: int = engine.CHUNK) -> int:
    """Rematch every company in parallel chunks of `chunk` companies (a chord; nightly by beat)."""
    from companies.models import Company
    from opportunities.models import MatchingRun

    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    chunks = [ids[i : i + chunk] for i in range(0, len(ids), chunk)]
    run = MatchingRun.objects.create(kind=MatchingRun.Kind.FULL, companies=len(ids))
    if not chunks:
        return finish_full_rematch([], run.pk)
    chord(rematch_chunk.s(part, run.pk) for part in chunks)(finish_full_rematch.s(run.pk))
    return run.pk


@shared_task(acks_late=True)
def finish_full_rematch(written: list[int], run_id: int) -> int:
    """Record the end of a full rematch for the health page."""
    from django.utils import timezone

    from opportunities.models import MatchingRun

    run = MatchingRun.objects.get(pk=run_id)
    run.finished_at = timezone.now()
    run.duration_s = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.matches_written = sum(written)
    run.save(update_fields=["finished_at", "duration_s", "matches_written"])
    return run.matches_written


@shared_task(acks_late=True)
def follow_up_interests() -> dict[str, int]:
    """Send the 7-day reminders and the 30-day outcome questions (Celery beat, daily)."""
    from opportunities.matching import interests

    return {"reminders": interests.send_reminders(), "outcomes": interests.ask_outcomes()}

"""Matching tasks: enqueued after commit, the health report, a full rematch on a real worker."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opportunities.matching import health, runs, services, tasks
from opportunities.models import Match, MatchingChunk, MatchingRun
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    OpportunityFactory,
    RegionFactory,
)

DEMAND = {"kind": "demand", "imports_partner_usd": 5e6, "period_end": 2024, "growth_pct": 6.0}


def grape_world(exporters: int = 1):
    lima = RegionFactory(code="PE-LIM", country="PE")
    heading = HSCodeFactory(code="0806", description_es="Uvas", description_en="Grapes")
    fresh = HSCodeFactory(code="080610", description_es="Uvas frescas", description_en="Grapes")
    OpportunityFactory(
        market_country="MX", hs_code=heading, value_usd=3e8, imports_world_usd=3e8, **DEMAND
    )
    firms = [CompanyFactory(region=lima, legal_name=f"Uvas {n} S.A.C.") for n in range(exporters)]
    for firm in firms:
        CompanyProductFactory(company=firm, hs_code=fresh)
    return firms, fresh


@pytest.mark.django_db
def test_a_product_change_enqueues_the_rematch_only_when_it_commits(
    django_capture_on_commit_callbacks,
):
    lima = RegionFactory(code="PE-LIM", country="PE")
    # A firm still in verification: its change refreshes no public page, the rematch is all.
    firm = CompanyFactory(region=lima, status="pending")
    code = HSCodeFactory(code="0806", description_es="Uvas", description_en="Grapes")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.add_product(company=firm, hs_code=code, direction="export")
        assert Match.objects.count() == 0  # nothing ran inside the transaction
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_rolled_back_change_never_enqueues_a_rematch(django_capture_on_commit_callbacks):
    lima = RegionFactory(code="PE-LIM", country="PE")
    firm = CompanyFactory(region=lima)
    code = HSCodeFactory(code="0806", description_es="Uvas", description_en="Grapes")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.add_product(company=firm, hs_code=code, direction="export")
        raise RuntimeError
    assert callbacks == []
    assert MatchingRun.objects.count() == 0


@pytest.mark.django_db
def test_the_committed_callback_matches_the_company(django_capture_on_commit_callbacks):
    (firm,), fresh = grape_world()
    Match.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_product(company=firm, hs_code=fresh, direction="export")
    assert Match.objects.filter(company=firm, is_stale=False).count() == 1
    assert MatchingRun.objects.filter(kind="company", companies=1).exists()


@pytest.mark.django_db
def test_health_lists_unmatched_companies_with_the_reason(admin_client):
    (matched,), _fresh = grape_world()
    lima = RegionFactory(code="PE-ARE", country="PE")
    bare = CompanyFactory(region=lima, legal_name="Sin Productos S.A.C.")
    shampoo = CompanyFactory(region=lima, legal_name="Champús S.A.C.")
    CompanyProductFactory(
        company=shampoo, hs_code=HSCodeFactory(code="330510", description_en="Shampoos")
    )
    tasks.full_rematch.delay(chunk=2)
    report = health.report()
    assert report["last_run"].matches_written == 1
    assert report["last_run"].companies == 3
    reasons = {company.pk: why for company, why in report["unmatched"]["listed"]}
    assert set(reasons) == {bare.pk, shampoo.pk}
    assert reasons[bare.pk] == health.WHY[health.NO_PRODUCTS]
    assert reasons[shampoo.pk] == health.WHY[health.NO_DEMAND]
    assert matched.pk not in reasons
    page = admin_client.get(reverse("admin:opportunities_matchingrun_changelist"))
    assert page.status_code == 200
    assert "Sin Productos S.A.C." in page.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_full_rematch_runs_its_chunks_on_a_real_worker(celery_worker_process):
    firms, _fresh = grape_world(exporters=5)
    result = tasks.full_rematch.apply_async(kwargs={"chunk": 2}, queue=celery_worker_process.queue)
    run_id = result.get(timeout=60)
    run = MatchingRun.objects.get(pk=run_id)
    for _ in range(300):
        run.refresh_from_db()
        if run.finished_at:
            break
        time.sleep(0.1)
    assert run.finished_at is not None, "the last chunk never closed the run"
    assert run.companies == 5 and run.matches_written == 5
    assert Match.objects.filter(company__in=firms, is_stale=False).count() == 5
    # a second run finds the same matches and writes no new rows
    tasks.full_rematch.apply_async(kwargs={"chunk": 2}, queue=celery_worker_process.queue).get(
        timeout=60
    )
    assert Match.objects.count() == 5


@pytest.mark.django_db
def test_a_chunk_whose_message_the_broker_lost_is_sent_again_and_closes_the_run():
    firms, _fresh = grape_world(exporters=3)
    run_id, (first, _unsent) = runs.start_full_run(chunk_size=2)  # recorded, not sent
    tasks.rematch_chunk.delay(first)
    assert tasks.redispatch_lost_chunks.delay().get() == 0  # still within the grace period
    MatchingChunk.objects.update(dispatched_at=timezone.now() - timedelta(hours=1))
    assert tasks.redispatch_lost_chunks.delay().get() == 1  # only the unfinished one
    run = MatchingRun.objects.get(pk=run_id)
    assert run.finished_at is not None and run.matches_written == 3
    assert Match.objects.filter(company__in=firms, is_stale=False).count() == 3


@pytest.mark.django_db
def test_a_chunk_delivered_twice_is_matched_and_counted_once():
    grape_world(exporters=2)
    run_id, (chunk,) = runs.start_full_run(chunk_size=5)
    assert tasks.rematch_chunk.delay(chunk).get() == 2
    assert tasks.rematch_chunk.delay(chunk).get() == 0
    assert MatchingRun.objects.get(pk=run_id).matches_written == 2
    assert Match.objects.count() == 2

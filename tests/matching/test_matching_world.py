"""Correctness on a hand-made world of Mexican and Peruvian firms and demand."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.matching import engine, reasons
from opportunities.models import Match, Opportunity
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    OpportunityFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    codes = {
        c: HSCodeFactory(code=c, description_es=es, description_en=en)
        for c, es, en in [
            ("0806", "Uvas, frescas o secas", "Grapes"),
            ("080610", "Uvas frescas", "Grapes; fresh"),
            ("3305", "Preparaciones capilares", "Hair preparations"),
            ("330510", "Champúes", "Shampoos"),
            ("8528", "Monitores y proyectores", "Monitors"),
            ("852852", "Monitores para computadoras", "Monitors for computers"),
        ]
    }
    grapes_pe = CompanyFactory(region=lima, legal_name="Uvas del Sur S.A.C.")
    CompanyProductFactory(company=grapes_pe, hs_code=codes["080610"])
    shampoo_pe = CompanyFactory(region=lima, legal_name="Champús Andinos S.A.C.")
    CompanyProductFactory(company=shampoo_pe, hs_code=codes["330510"])
    monitors_mx = CompanyFactory(region=cdmx, legal_name="Pantallas del Norte S.A. de C.V.")
    CompanyProductFactory(company=monitors_mx, hs_code=codes["852852"])
    demand = {"kind": "demand", "imports_partner_usd": 5e6, "period_end": 2024, "growth_pct": 6.0}
    mx_grapes = OpportunityFactory(
        market_country="MX",
        hs_code=codes["0806"],
        value_usd=300e6,
        imports_world_usd=300e6,
        **demand,
    )
    pe_monitors = OpportunityFactory(
        market_country="PE",
        hs_code=codes["8528"],
        value_usd=1.4e9,
        imports_world_usd=1.4e9,
        **demand,
    )
    pe_grapes = OpportunityFactory(
        market_country="PE", hs_code=codes["0806"], value_usd=20e6, imports_world_usd=20e6, **demand
    )
    return locals()


def score_of(company, opportunity) -> float:
    match = Match.objects.filter(company=company, opportunity=opportunity, is_stale=False).first()
    return match.score if match else 0.0


def test_a_peruvian_grape_exporter_matches_mexican_grape_demand_above_a_shampoo_maker(world):
    engine.match_companies([world["grapes_pe"].pk, world["shampoo_pe"].pk])
    assert score_of(world["grapes_pe"], world["mx_grapes"]) > 50
    assert score_of(world["shampoo_pe"], world["mx_grapes"]) == 0


def test_a_mexican_monitor_maker_matches_peruvian_demand_for_8528(world):
    engine.match_companies([world["monitors_mx"].pk])
    assert score_of(world["monitors_mx"], world["pe_monitors"]) > 50


def test_a_company_never_matches_demand_in_its_own_country(world):
    engine.match_companies([world["grapes_pe"].pk])
    assert score_of(world["grapes_pe"], world["pe_grapes"]) == 0


def test_a_buyer_request_demanding_haccp_ranks_the_certified_supplier_first(world):
    buyer = CompanyFactory(region=world["cdmx"], legal_name="Supermercados del Centro")
    request = OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        hs_code=world["codes"]["080610"],
        value_usd=None,
        required_certifications=["haccp"],
        deadline=timezone.now() + timedelta(days=30),
    )
    certified = CompanyFactory(region=world["lima"], certifications=["haccp"])
    CompanyProductFactory(company=certified, hs_code=world["codes"]["080610"])
    engine.match_companies([certified.pk, world["grapes_pe"].pk])
    assert score_of(certified, request) > score_of(world["grapes_pe"], request) > 0


def test_matches_are_explained_with_the_trade_numbers_in_the_readers_language(world):
    engine.match_companies([world["monitors_mx"].pk])
    match = Match.objects.get(company=world["monitors_mx"], opportunity=world["pe_monitors"])
    spanish = reasons.render(match.reasons, "es")
    english = reasons.render(match.reasons, "en")
    assert spanish[0].startswith(
        "Perú importó US$ 1\xa0400 M de Monitores y proyectores (SA 8528) en 2024"
    )
    assert english[0].startswith("Peru imported US$1.40B of Monitors (HS 8528) in 2024")
    assert set(match.components) >= {"product", "sector", "demand", "profile"}


def test_rematching_twice_changes_nothing(world):
    ids = [world["grapes_pe"].pk, world["monitors_mx"].pk]
    engine.match_companies(ids)
    first = sorted(Match.objects.values_list("company", "opportunity", "counterpart", "score"))
    engine.match_companies(ids)
    assert (
        sorted(Match.objects.values_list("company", "opportunity", "counterpart", "score")) == first
    )


def test_a_match_that_no_longer_holds_is_stale_and_keeps_its_mark(world):
    engine.match_companies([world["grapes_pe"].pk])
    match = Match.objects.get(company=world["grapes_pe"], opportunity=world["mx_grapes"])
    Match.objects.filter(pk=match.pk).update(status=Match.Status.INTERESTED)
    Opportunity.objects.filter(pk=world["mx_grapes"].pk).update(status="closed")
    engine.match_companies([world["grapes_pe"].pk])
    match.refresh_from_db()
    assert match.is_stale and match.status == Match.Status.INTERESTED


def test_a_dismissal_lowers_similar_matches_in_later_runs(world):
    engine.match_companies([world["grapes_pe"].pk])
    before = score_of(world["grapes_pe"], world["mx_grapes"])
    Match.objects.filter(company=world["grapes_pe"]).update(status=Match.Status.DISMISSED)
    engine.match_companies([world["grapes_pe"].pk])
    assert score_of(world["grapes_pe"], world["mx_grapes"]) == pytest.approx(before * 0.5, abs=0.01)


def test_suppliers_and_buyers_across_the_two_countries_match_each_other(world):
    buyer = CompanyFactory(region=world["cdmx"], legal_name="Importadora de Frutas")
    CompanyProductFactory(company=buyer, hs_code=world["codes"]["080610"], direction="import")
    engine.match_companies([world["grapes_pe"].pk, buyer.pk])
    assert Match.objects.get(company=world["grapes_pe"], counterpart=buyer).kind == "buyer"
    assert Match.objects.get(company=buyer, counterpart=world["grapes_pe"]).kind == "supplier"


def test_only_the_best_matches_above_the_floor_are_kept(world, settings):
    from opportunities.models import MatchingSettings

    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 1})
    for index in range(5):
        OpportunityFactory(market_country="MX", hs_code=HSCodeFactory(code=f"08{index + 10}"))
    engine.match_companies([world["grapes_pe"].pk])
    assert Match.objects.filter(company=world["grapes_pe"], is_stale=False).count() == 1


def test_the_engine_write_batches_one_instant_email_and_none_on_a_rematch(world):
    from datetime import timedelta

    from django.utils import timezone

    from opportunities.notifications.instant import send_instant_batches
    from tests.notifications.test_outbox_support import member
    from tradeportal.models import OutboxEmail

    membership = member("instant", company=world["monitors_mx"], min_score=50)
    engine.match_companies([world["monitors_mx"].pk])
    assert not OutboxEmail.objects.filter(template="match-instant").exists()  # the window waits
    assert send_instant_batches(now=timezone.now() + timedelta(minutes=11)) == 1
    [email] = OutboxEmail.objects.filter(template="match-instant")
    assert email.to_email == membership.user.email
    assert email.context["match"]["reasons"][0].startswith("Perú importó US$ 1\xa0400 M")
    engine.match_companies([world["monitors_mx"].pk])
    assert send_instant_batches(now=timezone.now() + timedelta(minutes=30)) == 0
    assert OutboxEmail.objects.filter(template="match-instant").count() == 1

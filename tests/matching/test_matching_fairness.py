"""Fair exposure of counterpart firms: equals share the lists instead of the oldest ids taking
every place, and a firm verified today reaches its buyers' lists with its own rematch."""

from datetime import timedelta

import pytest
from django.utils import timezone

from companies.models import Company
from opportunities.matching import engine
from opportunities.matching import services as matching_services
from opportunities.models import Match
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    OpportunityFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    grapes = HSCodeFactory(code="080610")
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    suppliers = [CompanyFactory(region=lima) for _ in range(200)]
    for supplier in suppliers:
        CompanyProductFactory(company=supplier, hs_code=grapes)
    buyers = [CompanyFactory(region=cdmx) for _ in range(50)]
    for buyer in buyers:
        CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
    month_ago = timezone.now() - timedelta(days=30)
    Company.objects.update(updated_at=month_ago, verified_at=month_ago)
    return grapes, lima, suppliers, buyers


def suppliers_shown(buyers) -> dict[int, set[int]]:
    live = Match.objects.live().filter(company__in=buyers, kind="supplier")
    shown: dict[int, set[int]] = {buyer.pk: set() for buyer in buyers}
    for company_id, counterpart_id in live.values_list("company_id", "counterpart_id"):
        shown[company_id].add(counterpart_id)
    return shown


def test_every_one_of_200_equal_suppliers_is_shown_to_some_of_50_buyers_keeping_20(market):
    _grapes, _lima, suppliers, buyers = market
    engine.match_companies([buyer.pk for buyer in buyers])
    shown = suppliers_shown(buyers)
    assert all(len(kept) == 20 for kept in shown.values())
    assert set().union(*shown.values()) == {supplier.pk for supplier in suppliers}


def test_a_supplier_verified_today_enters_its_buyers_lists_with_its_own_rematch(
    market, django_capture_on_commit_callbacks
):
    grapes, lima, _suppliers, buyers = market
    engine.match_companies([buyer.pk for buyer in buyers])
    newcomer = CompanyFactory(region=lima, status="pending", legal_name="Viñedos Nuevos S.A.C.")
    CompanyProductFactory(company=newcomer, hs_code=grapes)
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.set_verification(
            companies=Company.objects.filter(pk=newcomer.pk), status="verified"
        )
    shown = suppliers_shown(buyers)
    assert all(newcomer.pk in kept for kept in shown.values())


def test_a_buyer_that_posted_a_request_shows_once_with_both_reasons():
    grapes = HSCodeFactory(code="080610")
    supplier = CompanyFactory(region=RegionFactory(code="PE-LIM", country="PE"))
    CompanyProductFactory(company=supplier, hs_code=grapes)
    buyer = CompanyFactory(region=RegionFactory(code="MX-CMX"))
    CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
    request = OpportunityFactory(
        kind="request", company=buyer, market_country="MX", hs_code=grapes, title="Uva red globe"
    )
    engine.match_companies([supplier.pk])
    cards = list(Match.objects.live().filter(company=supplier))
    assert len(cards) == 1 and cards[0].counterpart_id in (buyer.pk, None)
    assert cards[0].opportunity_id in (request.pk, None)
    assert {"buyer_request", "counterpart"} <= {r["key"] for r in cards[0].reasons}


def test_a_buyer_card_names_the_certifications_its_requests_require():
    grapes, shampoo = HSCodeFactory(code="080610"), HSCodeFactory(code="330510")
    supplier = CompanyFactory(
        region=RegionFactory(code="PE-LIM", country="PE"), certifications=["globalgap"]
    )
    CompanyProductFactory(company=supplier, hs_code=grapes)
    buyer = CompanyFactory(region=RegionFactory(code="MX-CMX"))
    CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
    OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        hs_code=shampoo,
        required_certifications=["globalgap", "organic"],
    )
    engine.match_companies([supplier.pk])
    card = Match.objects.live().get(company=supplier, counterpart=buyer)
    certifications = [r for r in card.reasons if r["key"] == "certifications"]
    assert certifications == [
        {"key": "certifications", "params": {"met": ["globalgap"], "missing": ["organic"]}}
    ]
    assert card.components["requirements"] == 0.5

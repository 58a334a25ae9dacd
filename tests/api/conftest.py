"""A small world for the API tests: two companies of two users, a staff member, opportunities,
matches, products, trade rows; clients authenticated by personal token."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from companies import tokens
from companies.models import Company, Membership, User
from companies.services import set_sectors
from opportunities.models import Match, Opportunity
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    RegionFactory,
    SectorFactory,
    TradeFlowFactory,
    UserFactory,
)
from tradeportal.text import fold


@dataclass
class World:
    owner: User  # owner of `mine`
    colleague: User  # a plain member of `mine`
    stranger: User  # owner of `theirs`, nothing to do with `mine`
    staff: User  # site staff, member of no company
    mine: Company
    theirs: Company
    my_match: Match
    their_match: Match
    their_request: Opportunity
    my_request: Opportunity  # awaiting moderation
    demand: Opportunity


def code(number: str, es: str, en: str):
    return HSCodeFactory(
        code=number, description_es=es, description_en=en, search_text=fold(f"{number} {en} {es}")
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    cdmx = RegionFactory(code="MX-CMX", name="Ciudad de México", national_code="09")
    lima = RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    RegionFactory(code="PE-ARE", country="PE", name="Arequipa", national_code="040000")
    coffee = code("0901", "Café, incluso tostado o descafeinado", "Coffee")
    grapes = code("080610", "Uvas frescas", "Grapes; fresh")
    code("7403", "Cobre refinado y aleaciones de cobre", "Copper; refined")
    agro = SectorFactory(slug="agribusiness", name_es="Agroindustria", name_en="Agribusiness")
    SectorFactory(slug="mining", name_es="Minería", name_en="Mining")

    owner = UserFactory(email="duena@cafe.mx")
    colleague = UserFactory(email="colega@cafe.mx", language="en")
    stranger = UserFactory(email="gerente@uvas.pe")
    staff = UserFactory(email="staff@tradeportal.test", is_staff=True)
    mine = CompanyFactory(legal_name="Café de Altura S.A. de C.V.", region=cdmx, city="Coyoacán")
    theirs = CompanyFactory(
        legal_name="Uvas del Sur S.A.C.", region=lima, description="Uva de mesa de Ica"
    )
    set_sectors(company=mine, sectors=[agro])
    set_sectors(company=theirs, sectors=[agro])
    MembershipFactory(user=owner, company=mine)
    MembershipFactory(user=colleague, company=mine, role=Membership.Role.MEMBER)
    MembershipFactory(user=stranger, company=theirs)
    CompanyProductFactory(company=mine, hs_code=coffee, direction="export")
    CompanyProductFactory(company=theirs, hs_code=grapes, direction="export")

    soon = timezone.now() + timedelta(days=30)
    demand = OpportunityFactory(
        market_country="PE",
        hs_code=coffee,
        sector=agro,
        value_usd=3_000_000,
        search_text=fold("0901 cafe coffee"),
        figures={
            "years": [2023, 2024],
            "world": [2.0, 3.0],
            "partner": [0.1, 0.2],
            "origins": [["COL", 1.5]],
        },
    )
    OpportunityFactory(
        market_country="MX",
        hs_code=grapes,
        value_usd=9_000_000,
        search_text=fold("080610 uvas grapes"),
    )
    their_request = OpportunityFactory(
        kind="request",
        company=theirs,
        market_country="PE",
        title="Café de especialidad",
        hs_code=coffee,
        deadline=soon,
        search_text=fold("cafe de especialidad 0901"),
    )
    OpportunityFactory(
        kind="request",
        company=theirs,
        status="pending",
        market_country="PE",
        title="Pedido en moderación",
        hs_code=coffee,
        deadline=soon,
        published_at=None,
    )
    my_request = OpportunityFactory(
        kind="request",
        company=mine,
        status="pending",
        market_country="MX",
        title="Compramos uva",
        hs_code=grapes,
        deadline=soon,
        published_at=None,
    )
    my_match = MatchFactory(
        company=mine,
        opportunity=their_request,
        score=88,
        reasons=[{"key": "buyer_request", "params": {"buyer": "Uvas del Sur", "code": "0901"}}],
    )
    MatchFactory(company=mine, opportunity=demand, score=60)
    their_match = MatchFactory(company=theirs, opportunity=demand, score=70)
    for year, value in ((2023, 100), (2024, 250)):
        TradeFlowFactory(reporter="PER", partner="MEX", hs_code=coffee, year=year, value_usd=value)
        TradeFlowFactory(reporter="PER", partner="WLD", hs_code=grapes, year=year, value_usd=value)
    return World(
        owner,
        colleague,
        stranger,
        staff,
        mine,
        theirs,
        my_match,
        their_match,
        their_request,
        my_request,
        demand,
    )


def token_client(user: User | None, language: str = "es") -> APIClient:
    """A client that authenticates with a fresh personal token of `user` (anonymous if None)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        _token, key = tokens.create_token(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return token_client(None)


@pytest.fixture
def as_owner(world) -> APIClient:
    return token_client(world.owner)


@pytest.fixture
def as_stranger(world) -> APIClient:
    return token_client(world.stranger)


@pytest.fixture
def as_staff(world) -> APIClient:
    return token_client(world.staff)


def error(response) -> dict:
    """The error body of a response, after checking its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    assert {"code", "message"} <= set(body["error"])
    return body["error"]

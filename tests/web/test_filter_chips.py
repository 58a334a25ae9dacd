"""The active filters as removable chips on the browse, directory and dashboard pages (one
helper, one include): each chip's link drops exactly its filter and keeps the others; on phones
the filters sit behind a "Filtros" disclosure that works without JavaScript."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    RegionFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

CHIP = re.compile(r'<a class="chip" href="([^"]*)">([^<]*)<span')


def chips(page: str) -> dict[str, dict[str, list[str]]]:
    """Each chip's text and the query its link leaves."""
    return {
        html.unescape(text).replace("\xa0", " "): parse_qs(urlsplit(html.unescape(href)).query)
        for href, text in CHIP.findall(page)
    }


def assert_each_chip_drops_only_itself(client, path: str, query: dict[str, str], expected):
    page = client.get(path, query).content.decode()
    assert '<details class="filters-disclosure"' in page and "Filtros" in page
    found = chips(page)
    assert sorted(found) == sorted(expected)
    for text, name in expected.items():
        left = found[text]
        assert name not in left, text
        assert left == {k: [v] for k, v in query.items() if k != name}, text
        # Following it shows the other chips, not this one.
        others = chips(client.get(path, {k: v[0] for k, v in left.items()}).content.decode())
        assert sorted(others) == sorted(t for t in expected if t != text)


@pytest.fixture
def grapes():
    sector = SectorFactory(slug="agroindustria", name_es="Agroindustria", name_en="Agribusiness")
    code = HSCodeFactory(code="0806", description_es="Uvas, frescas o secas")
    return sector, code


def test_the_directory_s_chips_each_drop_one_filter(client, grapes):
    sector, _code = grapes
    lima = RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    firm = CompanyFactory(legal_name="Uvas del Sur S.A.C.", region=lima, size="medium")
    firm.sectors.add(sector)
    query = {"q": "uvas", "sector": "agroindustria", "size": "medium"}
    assert_each_chip_drops_only_itself(
        client,
        "/companies/",
        query,
        {
            "Nombre, producto o descripción: uvas": "q",
            "Sector: Agroindustria": "sector",
            "Tamaño: Mediana (51-250 empleados)": "size",
        },
    )


def test_the_directory_drops_the_region_with_its_country(client):
    lima = RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    page = client.get("/companies/", {"country": "PE", "region": lima.pk}).content.decode()
    found = chips(page)
    assert found["País: Perú"] == {}  # the region goes with its country
    assert found["Estado o región: Lima"] == {"country": ["PE"]}


def test_the_dashboard_s_chips_each_drop_one_filter(client, grapes):
    sector, code = grapes
    company = CompanyFactory(legal_name="Uvas del Sur S.A.C.")
    client.force_login(MembershipFactory(company=company).user)
    MatchFactory(company=company, opportunity=OpportunityFactory(hs_code=code, sector=sector))
    query = {"kind": "opportunity", "sector": "agroindustria", "show": "dismissed"}
    assert_each_chip_drops_only_itself(
        client,
        "/dashboard/",
        query,
        {
            "Tipo: Oportunidad": "kind",
            "Sector: Agroindustria": "sector",
            "Se muestran: también las marcadas como no relevantes": "show",
        },
    )


def test_the_browse_chips_come_from_the_same_include(client, grapes):
    sector, code = grapes
    OpportunityFactory(hs_code=code, sector=sector, market_country="MX")
    page = client.get("/opportunities/", {"market": "MX", "sector": "agroindustria"})
    found = chips(page.content.decode())
    assert found["Mercado: México"] == {"sector": ["agroindustria"]}
    assert found["Sector: Agroindustria"] == {"market": ["MX"]}

"""Public endpoints: reference data, opportunities with the browse page's filters, trade
statistics, the company directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Region
from opportunities.reference.models import Sector
from tests.api.conftest import error, token_client
from tests.factories import CompanyFactory, OpportunityFactory, TradeFlowFactory
from tradeportal import pagecache

pytestmark = pytest.mark.django_db


def results(response) -> list:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_hs_codes_are_found_by_words_or_digits_in_either_language(world, anonymous):
    assert [c["code"] for c in results(anonymous.get("/api/v1/hs-codes/?q=cafe"))] == ["0901"]
    assert [c["code"] for c in results(anonymous.get("/api/v1/hs-codes/?q=copper"))] == ["7403"]
    assert [c["code"] for c in results(anonymous.get("/api/v1/hs-codes/?q=08.06"))] == [
        "0806",
        "080610",
    ]
    chapters = results(anonymous.get("/api/v1/hs-codes/?level=2"))
    assert {c["code"] for c in chapters} == {"08", "09", "74"}


def test_names_follow_the_clients_language(world):
    from tests.api.conftest import token_client

    english = token_client(None, "en").get("/api/v1/hs-codes/0901/").json()
    spanish = token_client(None, "es").get("/api/v1/sectors/agribusiness/").json()
    assert english["description"] == "Coffee"
    assert spanish["name"] == "Agroindustria"


def test_regions_filter_by_country(world, anonymous):
    codes = [r["code"] for r in results(anonymous.get("/api/v1/regions/?country=PE"))]
    assert codes == ["PE-ARE", "PE-LIM"]


def test_opportunities_list_only_what_the_browse_page_shows(world, anonymous):
    listed = {o["id"] for o in results(anonymous.get("/api/v1/opportunities/"))}
    assert world.their_request.pk in listed and world.demand.pk in listed
    assert world.my_request.pk not in listed  # awaiting moderation
    assert anonymous.get(f"/api/v1/opportunities/{world.my_request.pk}/").status_code == 404


def test_opportunities_filter_search_and_sort_like_the_browse_page(world, anonymous):
    def ids(query):
        return [o["id"] for o in results(anonymous.get(f"/api/v1/opportunities/?{query}"))]

    assert ids("q=cafe&sort=value") == [world.their_request.pk, world.demand.pk]
    assert ids("market=PE&kind=demand") == [world.demand.pk]
    assert ids("sector=agribusiness") == [world.demand.pk]
    assert ids("hs=09&max_value=5000000") == [world.demand.pk]
    assert len(ids("hs=0806")) == 1


def test_opportunity_pages_do_not_overlap_and_queries_do_not_grow_with_page_size(world, anonymous):
    for index in range(30):
        OpportunityFactory(value_usd=1_000_000, hs_code=world.demand.hs_code, title=f"o{index}")
    first = results(anonymous.get("/api/v1/opportunities/?sort=value&page_size=10"))
    second = results(anonymous.get("/api/v1/opportunities/?sort=value&page_size=10&page=2"))
    assert not {o["id"] for o in first} & {o["id"] for o in second}
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(results(anonymous.get(f"/api/v1/opportunities/?page_size={size}"))) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


def every_page(client, url: str) -> tuple[list[dict], int]:
    """Follow `next` from `url` to the last page; return the rows and the pages read."""
    rows, pages = [], 0
    while url:
        body = client.get(url).json()
        assert "count" not in body and "previous" not in body, body
        rows += body["results"]
        url, pages = body["next"], pages + 1
    return rows, pages


@pytest.mark.parametrize("sort", ["relevance", "value", "newest", "closing"])
def test_keyset_pages_give_every_opportunity_once_in_the_sorts_order(world, anonymous, sort):
    # Ties and missing values (no value, no deadline) are where keyset pages go wrong.
    for index in range(23):
        OpportunityFactory(
            value_usd=None if index % 3 == 0 else 1_000_000 * (index % 4),
            hs_code=world.demand.hs_code,
            title=f"o{index}",
        )
    everything = results(anonymous.get(f"/api/v1/opportunities/?sort={sort}&page=1&page_size=100"))
    rows, pages = every_page(anonymous, f"/api/v1/opportunities/?sort={sort}&page_size=4")
    assert [o["id"] for o in rows] == [o["id"] for o in everything]
    assert pages == -(-len(everything) // 4) and len(everything) > 23


def test_keyset_pages_follow_a_search_by_relevance(world, anonymous):
    for index in range(7):
        OpportunityFactory(hs_code=world.demand.hs_code, title=f"café de altura {index}")
    url = "/api/v1/opportunities/?q=cafe&page_size=3"
    everything = results(anonymous.get(url.replace("page_size=3", "page=1&page_size=100")))
    assert [o["id"] for o in every_page(anonymous, url)[0]] == [o["id"] for o in everything]


def test_numbered_pages_keep_their_count_for_the_clients_written_for_them(world, anonymous):
    everything = results(anonymous.get("/api/v1/opportunities/?page=1&page_size=100"))
    body = anonymous.get("/api/v1/opportunities/?page=1&page_size=1").json()
    assert body["count"] == len(everything) > 1 and body["previous"] is None
    assert "page=2" in body["next"]


def test_a_tampered_cursor_is_a_404_in_the_shape(world, anonymous):
    for cursor in ("nonsense", "W1siaWQiXSxbMV1d", "W1sidmFsdWVfdXNkIiwicGsiXSxbW10sMV1d"):
        response = anonymous.get(f"/api/v1/opportunities/?cursor={cursor}")
        assert response.status_code == 404
        assert error(response)["code"] == "not_found"


def test_keyset_pages_read_the_same_few_queries_at_any_size_and_depth(world, anonymous):
    for index in range(30):
        OpportunityFactory(value_usd=1_000_000, hs_code=world.demand.hs_code, title=f"o{index}")
    counts = []
    for url in (
        "/api/v1/opportunities/?page_size=5",
        "/api/v1/opportunities/?page_size=30&market=PE&sort=value",
        anonymous.get("/api/v1/opportunities/?page_size=5").json()["next"],
    ):
        with CaptureQueriesContext(connection) as queries:
            assert results(anonymous.get(url))
        counts.append(len(queries))
        assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    # The page itself: the filter form's sector and region choices come from the cache.
    assert counts == [1, 1, 1]


def test_a_new_sector_or_region_is_a_filter_at_once_despite_the_cached_choices(
    world, anonymous, django_capture_on_commit_callbacks
):
    assert anonymous.get("/api/v1/opportunities/").status_code == 200  # choices now cached
    assert anonymous.get("/api/v1/opportunities/?sector=brand-new").status_code == 400
    # every writer of sectors and regions (admin, importers) announces the change
    with django_capture_on_commit_callbacks(execute=True):
        Sector.objects.create(slug="brand-new", name_es="Nuevo", name_en="New")
        pagecache.public_pages_changed(pagecache.SECTORS)
    assert anonymous.get("/api/v1/opportunities/?sector=brand-new").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        region = Region.objects.create(
            country="PE", code="PE-ZZZ", national_code="99", name="Nueva"
        )
        pagecache.public_pages_changed(*pagecache.AREAS)
    assert anonymous.get(f"/api/v1/opportunities/?region={region.code}").status_code == 200


def test_each_request_gets_the_filters_of_its_market_and_language(world, anonymous):
    # The filters' form is built once per set of choices (tradeportal/filtersets.py), not per
    # request: a market still limits the regions, and messages follow the client's language.
    english = token_client(None, "en")
    for _ in range(2):
        assert anonymous.get("/api/v1/opportunities/?market=PE&region=PE-LIM").status_code == 200
        refused = anonymous.get("/api/v1/opportunities/?market=MX&region=PE-LIM")
        assert refused.status_code == 400
        assert error(refused)["fields"] == {
            "region": ["Escoja una opción válida. PE-LIM no es una de las opciones disponibles."]
        }
        refused = english.get("/api/v1/opportunities/?sector=none&min_value=a&sort=up")
        assert error(refused)["fields"] == {
            "sector": ["Select a valid choice. none is not one of the available choices."],
            "min_value": ["Enter a number."],
            "sort": ["Select a valid choice. up is not one of the available choices."],
        }
        assert results(english.get("/api/v1/opportunities/?sector=agribusiness"))


def test_page_size_is_capped(world, anonymous):
    for index in range(105):
        OpportunityFactory(hs_code=world.demand.hs_code, title=f"o{index}")
    assert len(results(anonymous.get("/api/v1/opportunities/?page_size=500"))) == 100


def test_opportunity_detail_has_the_numbers_behind_it(world, anonymous):
    body = anonymous.get(f"/api/v1/opportunities/{world.demand.pk}/").json()
    assert body["figures"]["years"] == [2023, 2024]
    assert body["hs_code"] == {
        "code": "0901",
        "level": 4,
        "description": body["hs_code"]["description"],
    }
    assert body["url"].endswith(f"/opportunities/{world.demand.pk}/")
    request = anonymous.get(f"/api/v1/opportunities/{world.their_request.pk}/").json()
    assert request["buyer"] == {"id": world.theirs.pk, "name": "Uvas del Sur S.A.C."}
    assert "moderation_note" not in request


def test_trade_statistics_are_summed_by_market_partner_code_and_year(world, anonymous):
    TradeFlowFactory(
        reporter="PER", partner="MEX", hs_code=world.demand.hs_code, year=2024, value_usd=50
    )
    rows = results(anonymous.get("/api/v1/trade-statistics/?market=PER&partner=MEX&level=4"))
    assert [(r["hs_code"], r["year"], r["value_usd"]) for r in rows] == [
        ("0901", 2023, "100.00"),
        ("0901", 2024, "300.00"),
    ]
    chapters = results(anonymous.get("/api/v1/trade-statistics/?level=2&year=2024"))
    assert {(r["partner"], r["hs_code"]): r["value_usd"] for r in chapters} == {
        ("MEX", "09"): "300.00",
        ("WLD", "08"): "250.00",
    }
    subheadings = results(anonymous.get("/api/v1/trade-statistics/?level=6&hs=08"))
    assert {r["hs_code"] for r in subheadings} == {"080610"}


def test_trade_statistics_validate_their_parameters(world, anonymous):
    response = anonymous.get("/api/v1/trade-statistics/?level=3&market=ARG")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"level", "market"}


def test_the_directory_shows_only_public_verified_companies_and_public_fields(world, anonymous):
    CompanyFactory(legal_name="Oculta S.A.", is_public=False)
    CompanyFactory(legal_name="Pendiente S.A.", status="pending")
    listed = results(anonymous.get("/api/v1/companies/"))
    assert [c["name"] for c in listed] == ["Café de Altura S.A. de C.V.", "Uvas del Sur S.A.C."]
    company = anonymous.get(f"/api/v1/companies/{world.theirs.pk}/").json()
    assert company["products"] == [
        {"hs_code": "080610", "hs_description": "Uvas frescas", "direction": "export"}
    ]
    for private in ("tax_id", "members", "status", "legal_name", "is_public"):
        assert private not in company


def test_the_directory_filters_like_the_directory_page(world, anonymous):
    def names(query):
        return [c["name"] for c in results(anonymous.get(f"/api/v1/companies/?{query}"))]

    assert names("country=PE") == ["Uvas del Sur S.A.C."]
    assert names("q=uvas") == ["Uvas del Sur S.A.C."]
    assert names("region=MX-CMX&sector=agribusiness") == ["Café de Altura S.A. de C.V."]


def test_directory_queries_do_not_grow_with_page_size(world, anonymous):
    for _ in range(12):
        company = CompanyFactory()
        company.sectors.add(*world.mine.sectors.all())
    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert len(results(anonymous.get(f"/api/v1/companies/?page_size={size}"))) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_list_entry_is_the_detail_without_its_figures(world, anonymous):
    OpportunityFactory(hs_code=world.demand.hs_code, title="plain", sector=None, market_region=None)
    for entry in results(anonymous.get("/api/v1/opportunities/?page_size=50")):
        detail = anonymous.get(f"/api/v1/opportunities/{entry['id']}/").json()
        detail.pop("figures")
        detail.pop("data_source")
        assert entry == detail

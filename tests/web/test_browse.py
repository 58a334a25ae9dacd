"""Visitors find opportunities by words, filters in the URL, sorting and pages."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies.models import Region
from opportunities.models import Opportunity, Sector
from opportunities.web import cards
from tests.factories import HSCodeFactory, OpportunityFactory, RegionFactory, SectorFactory
from tradeportal import pagecache
from tradeportal.text import fold

pytestmark = pytest.mark.django_db


def demand(code: str, es: str, en: str, **fields) -> Opportunity:
    heading = HSCodeFactory(
        code=code, description_es=es, description_en=en, search_text=fold(f"{code} {es} {en}")
    )
    return OpportunityFactory(hs_code=heading, search_text=heading.search_text, **fields)


@pytest.fixture
def catalogue():
    return {
        "coffee": demand(
            "0901", "Café, incluso tostado", "Coffee", market_country="MX", value_usd=30_000_000
        ),
        "grapes": demand(
            "0806",
            "Uvas, frescas o secas",
            "Grapes; fresh or dried",
            market_country="MX",
            value_usd=90_000_000,
        ),
        "monitors": demand(
            "8528",
            "Monitores y proyectores",
            "Monitors and projectors",
            market_country="PE",
            value_usd=3_000_000_000,
        ),
        "copper": demand(
            "7403",
            "Cobre refinado",
            "Copper; refined",
            market_country="MX",
            value_usd=2_000_000_000,
        ),
    }


def titles(response) -> list[str]:
    return [o.hs_code_id for o in response.context["page"]]


def test_search_is_accent_insensitive(client, catalogue):
    assert titles(client.get("/opportunities/", {"q": "cafe"})) == ["0901"]
    assert titles(client.get("/opportunities/", {"q": "Café"})) == ["0901"]


def test_search_finds_spanish_and_english_words_with_stemming(client, catalogue):
    assert titles(client.get("/opportunities/", {"q": "uva"})) == ["0806"]
    assert titles(client.get("/opportunities/", {"q": "grape"})) == ["0806"]
    assert titles(client.get("/opportunities/", {"q": "cobre"})) == ["7403"]


def test_filters_and_sorting_live_in_the_url(client, catalogue):
    response = client.get("/opportunities/", {"market": "MX", "sort": "value"})
    assert titles(response) == ["7403", "0806", "0901"]
    assert "market=MX" in response.context["query"]
    assert titles(client.get("/opportunities/", {"hs": "08"})) == ["0806"]
    assert titles(client.get("/opportunities/", {"min_value": "100000000", "sort": "value"})) == [
        "8528",
        "7403",
    ]


def test_filters_by_sector_and_state(client, catalogue):
    sector = SectorFactory(slug="agribusiness")
    Opportunity.objects.filter(pk=catalogue["coffee"].pk).update(sector=sector)
    state = RegionFactory(code="MX-BCS")
    Opportunity.objects.filter(pk=catalogue["grapes"].pk).update(market_region=state)
    assert titles(client.get("/opportunities/", {"sector": "agribusiness"})) == ["0901"]
    assert titles(client.get("/opportunities/", {"region": "MX-BCS"})) == ["0806"]


def test_closing_soon_sorts_by_deadline_and_past_deadlines_are_hidden(client, catalogue):
    now = timezone.now()
    soon = OpportunityFactory(kind="curated", title="Feria", deadline=now + timedelta(days=3))
    later = OpportunityFactory(
        kind="curated", title="Licitación", deadline=now + timedelta(days=30)
    )
    OpportunityFactory(kind="curated", title="Pasada", deadline=now - timedelta(days=1))
    response = client.get("/opportunities/", {"kind": "curated", "sort": "closing"})
    assert [o.pk for o in response.context["page"]] == [soon.pk, later.pk]


def test_an_opportunity_leaves_the_list_the_moment_its_deadline_passes(
    client, catalogue, no_page_cache
):
    client.get("/opportunities/")  # the process has built its list's query
    fair = OpportunityFactory(
        kind="curated", title="Feria", deadline=timezone.now() + timedelta(seconds=0.5)
    )
    assert fair in client.get("/opportunities/", {"kind": "curated"}).context["page"]
    time.sleep(0.6)
    assert fair not in client.get("/opportunities/", {"kind": "curated"}).context["page"]
    assert client.get(fair.get_absolute_url()).status_code == 404


def test_closed_and_draft_opportunities_are_not_listed(client, catalogue):
    Opportunity.objects.filter(pk=catalogue["coffee"].pk).update(status="closed")
    Opportunity.objects.filter(pk=catalogue["grapes"].pk).update(status="draft")
    assert set(titles(client.get("/opportunities/"))) == {"8528", "7403"}


def test_results_are_paginated_with_the_filters_kept(client):
    for index in range(25):
        demand(f"01{index:02d}", f"Producto {index}", f"Product {index}", market_country="PE")
    first = client.get("/opportunities/", {"market": "PE"})
    second = client.get("/opportunities/", {"market": "PE", "page": 2})
    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 5
    assert "?market=PE&amp;page=2" in first.content.decode()


def test_htmx_requests_get_only_the_results(client, catalogue):
    response = client.get("/opportunities/", {"q": "cafe"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "result-count" in body


def test_the_page_works_in_spanish_and_english(client, catalogue):
    assert "4 oportunidades" in client.get("/opportunities/").content.decode()
    assert "4 opportunities" in client.get("/en/opportunities/").content.decode()


def test_bad_filter_values_are_explained_not_crashed(client, catalogue):
    response = client.get("/opportunities/", {"min_value": "mucho", "market": "XX"})
    assert response.status_code == 200
    assert "Introduzca un número" in response.content.decode()


def test_browse_uses_a_bounded_number_of_queries(client, catalogue, django_assert_max_num_queries):
    for index in range(30):
        demand(f"02{index:02d}", f"Carne {index}", f"Meat {index}", market_country="PE")
    with django_assert_max_num_queries(10):
        client.get("/opportunities/", {"q": "carne", "market": "PE"})


def test_search_results_are_counted_in_the_query_that_reads_them(client, catalogue, no_page_cache):
    for index in range(30):
        demand(f"02{index:02d}", f"Carne {index}", f"Meat {index}", market_country="PE")
    client.get("/opportunities/", {"q": "carne", "page": 2})  # the cards, stored for next time
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/opportunities/", {"q": "carne", "page": 2}).content.decode()
    assert "30 oportunidades" in page and "Página 2 de 2" in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "OVER" in counts[0].upper()


def test_the_active_filters_show_as_chips_that_remove_themselves(client, catalogue):
    RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    page = client.get("/opportunities/?market=PE&region=PE-LIM&q=uvas").content.decode()
    assert 'class="chips"' in page
    assert "Mercado: Perú" in page
    # Removing the market also removes its region; removing the words keeps the rest.
    assert 'href="?q=uvas"' in page
    assert 'href="?market=PE&amp;region=PE-LIM"' in page
    assert "---------" not in page


def test_regions_are_grouped_by_country_and_limited_to_the_chosen_market(client, catalogue):
    RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    RegionFactory(code="MX-JAL", country="MX", name="Jalisco", national_code="14")
    both = client.get("/opportunities/").content.decode()
    assert '<optgroup label="México"><option value="MX-JAL">Jalisco</option></optgroup>' in both
    assert '<optgroup label="Perú"><option value="PE-LIM">Lima</option></optgroup>' in both
    peru = client.get("/opportunities/?market=PE").content.decode()
    assert "PE-LIM" in peru and "MX-JAL" not in peru


@pytest.fixture
def no_page_cache(settings):
    """Pages rendered every time, as for a signed-in visitor or a new URL: the cards' own cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def test_a_changed_opportunity_shows_its_new_card_at_once(client, catalogue, no_page_cache):
    assert "Café, incluso tostado" in client.get("/opportunities/").content.decode()
    coffee = catalogue["coffee"]
    coffee.title = "Café de altura para Jalisco"
    coffee.save()
    page = client.get("/opportunities/").content.decode()
    assert "Café de altura para Jalisco" in page
    assert "Café, incluso tostado" not in page


def test_a_renamed_sector_shows_in_the_cards_at_once(
    client, catalogue, no_page_cache, django_capture_on_commit_callbacks
):
    coffee = catalogue["coffee"]
    coffee.sector = SectorFactory(name_es="Agroalimentos", slug="agro")
    coffee.save()
    assert "Agroalimentos" in client.get("/opportunities/").content.decode()
    coffee.sector.name_es = "Alimentos y bebidas"
    coffee.sector.save()
    with django_capture_on_commit_callbacks(execute=True):  # as the sector admin does
        pagecache.public_pages_changed(pagecache.SECTORS)
    page = client.get("/opportunities/").content.decode()
    assert "Alimentos y bebidas" in page
    assert "Agroalimentos" not in page


def test_cards_are_rendered_once_and_reused_by_the_next_pages(
    client, catalogue, no_page_cache, monkeypatch
):
    rendered = []
    render = cards.render
    monkeypatch.setattr(cards, "render", lambda o: rendered.append(o.pk) or render(o))
    first = client.get("/opportunities/").content.decode()
    assert sorted(rendered) == sorted(o.pk for o in catalogue.values())
    rendered.clear()
    assert client.get("/opportunities/", {"sort": "value"}).status_code == 200
    assert client.get("/opportunities/").content.decode() == first
    assert rendered == []  # every card came from the cache
    assert "4 oportunidades" in first
    english = client.get("/en/opportunities/").content.decode()
    assert "Coffee" in english and len(rendered) == 4  # each language its own cards


def test_the_filters_read_sectors_and_regions_once_per_version(
    client, catalogue, no_page_cache, django_capture_on_commit_callbacks
):
    SectorFactory(name_es="Agroalimentos", slug="agro")
    assert "Agroalimentos" in client.get("/opportunities/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/opportunities/", {"sort": "value"})
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert Sector._meta.db_table not in read and Region._meta.db_table not in read
    with django_capture_on_commit_callbacks(execute=True):  # as the sector admin does
        SectorFactory(name_es="Minería", slug="mineria")
        pagecache.public_pages_changed(pagecache.SECTORS)
    page = client.get("/opportunities/").content.decode()
    assert "Minería" in page and "Agroalimentos" in page


def test_the_filter_options_follow_the_language_and_the_choice(client, catalogue, no_page_cache):
    SectorFactory(slug="agro", name_es="Agroindustria", name_en="Agribusiness")
    kinds = "/opportunities/?kind=request&sector=agro"
    spanish = client.get(kinds).content.decode()
    english = client.get(f"/en{kinds}").content.decode()
    again = client.get(kinds).content.decode()
    assert '<option value="agro" selected>Agroindustria</option>' in spanish
    assert '<option value="agro" selected>Agribusiness</option>' in english
    assert '<option value="">Todos los tipos</option>' in spanish and "All kinds" not in spanish
    assert '<option value="">All kinds</option>' in english and "Todos los tipos" not in english
    assert again == spanish
    other = client.get("/opportunities/?sector=agro").content.decode()
    assert '<option value="request" selected>' in spanish and '<option value="request">' in other

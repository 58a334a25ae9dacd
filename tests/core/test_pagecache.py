"""Public pages are cached whole for anonymous visitors, per URL and language; never shared with a
signed-in visitor; and rendered afresh once a write that changes them commits."""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory

from companies import services as company_services
from companies.models import Company
from opportunities.listings import demand, services
from opportunities.models import Opportunity, TradeDataset
from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    SectorFactory,
    TradeDatasetFactory,
    TradeFlowFactory,
)
from tradeportal import pagecache

pytestmark = pytest.mark.django_db
PUBLIC = [
    "/",
    "/opportunities/",
    "/opportunities/?q=cafe&market=PE",
    "/opportunities/{pk}/",
    "/sectors/",
    "/sectors/agribusiness/",
    "/market/",
    "/methodology/",
]


@pytest.fixture
def coffee():
    sector = SectorFactory(slug="agribusiness", name_es="Agroindustria", name_en="Agribusiness")
    code = HSCodeFactory(code="0901", description_es="Café", description_en="Coffee")
    return OpportunityFactory(
        hs_code=code, sector=sector, title="Café verde para Lima", search_text="cafe verde lima"
    )


def test_the_language_links_lead_to_the_same_page_in_the_other_language(client, coffee):
    spanish = client.get("/opportunities/", {"q": "cafe", "market": "PE"}).content.decode()
    assert 'href="/en/opportunities/?q=cafe&amp;market=PE" hreflang="en"' in spanish
    english = client.get("/en/opportunities/", {"q": "cafe", "market": "PE"}).content.decode()
    assert 'href="/opportunities/?q=cafe&amp;market=PE" hreflang="es"' in english
    assert "Café verde para Lima" in english


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_carry_nothing_of_one_visitor_and_are_served_again_from_the_cache(
    client, coffee, path
):
    url = path.format(pk=coffee.pk)
    first = client.get(url)
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert (first["X-Cache"], client.get(url)["X-Cache"]) == ("miss", "hit")


def test_a_cached_page_keeps_its_language_its_htmx_variant_and_the_security_headers(client, coffee):
    client.get("/opportunities/")
    client.get("/en/opportunities/")
    spanish = client.get("/opportunities/", secure=True)
    assert spanish["X-Cache"] == "hit" and "1 oportunidad" in spanish.content.decode()
    assert "script-src 'self'" in spanish["Content-Security-Policy"]
    assert spanish["X-Frame-Options"] == "DENY"
    results = client.get("/opportunities/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in results and "1 oportunidad" in results


def test_signed_in_visitors_never_get_someone_elses_page(client, coffee):
    ana = MembershipFactory(company__legal_name="Tostadores Ana").user
    luis = MembershipFactory(company__legal_name="Frutas Luis").user
    client.get(coffee.get_absolute_url())  # cached for anonymous visitors

    client.force_login(ana)
    page = client.get(coffee.get_absolute_url())
    assert "X-Cache" not in page and "Tostadores Ana" in page.content.decode()
    assert "Me interesa" in page.content.decode()
    client.force_login(luis)
    page = client.get(coffee.get_absolute_url()).content.decode()
    assert "Frutas Luis" in page and "Tostadores Ana" not in page

    client.logout()
    page = client.get(coffee.get_absolute_url()).content.decode()
    assert "Frutas Luis" not in page and "Me interesa" not in page


def test_a_message_for_the_visitor_is_not_hidden_behind_a_cached_page(client, coffee):
    user = MembershipFactory().user
    client.get("/")
    client.force_login(user)
    page = client.post("/accounts/logout/", follow=True)
    assert page.request["PATH_INFO"] == "/" and "cerrado sesión" in page.content.decode()


def test_a_change_nobody_announces_waits_for_the_cache_to_expire(client, coffee):
    client.get(coffee.get_absolute_url())
    Opportunity.objects.filter(pk=coffee.pk).update(title="Café tostado para Lima")
    page = client.get(coffee.get_absolute_url())
    assert page["X-Cache"] == "hit" and "Café verde para Lima" in page.content.decode()


def save_in_admin(obj, rf):
    """Save `obj` as its admin does after a staff member edits it."""
    model_admin = admin.site._registry[type(obj)]
    model_admin.save_model(rf.post("/admin/"), obj, form=None, change=True)


def test_an_opportunity_changed_in_the_admin_shows_at_once(
    client, coffee, rf, django_capture_on_commit_callbacks
):
    client.get(coffee.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        coffee.title = "Café tostado para Lima"
        save_in_admin(coffee, rf)
    assert "Café tostado para Lima" in client.get(coffee.get_absolute_url()).content.decode()


def test_publishing_and_closing_show_at_once(client, coffee, django_capture_on_commit_callbacks):
    buyer = CompanyFactory()
    request = OpportunityFactory(
        kind="request", company=buyer, title="Compramos café orgánico", search_text="cafe"
    )
    curated = OpportunityFactory(
        kind="curated", status="draft", title="Feria del café", search_text="cafe feria"
    )
    assert "3 oportunidades" not in client.get("/opportunities/", {"q": "cafe"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_curated(opportunity=curated)
    assert "Feria del café" in client.get("/opportunities/", {"q": "cafe"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_request(opportunity=request)
    page = client.get("/opportunities/", {"q": "cafe"}).content.decode()
    assert "Compramos café orgánico" not in page and "Feria del café" in page


def test_a_sector_renamed_in_the_admin_shows_at_once(
    client, coffee, rf, django_capture_on_commit_callbacks
):
    assert "Agroindustria" in client.get("/opportunities/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coffee.sector.name_es = "Agronegocios"
        save_in_admin(coffee.sector, rf)
    page = client.get("/opportunities/").content.decode()
    assert "Agronegocios" in page and "Agroindustria" not in page


def test_regenerated_demand_shows_at_once(client, django_capture_on_commit_callbacks):
    dataset = TradeDatasetFactory(source=TradeDataset.Source.DEMO)
    HSCodeFactory(code="8528", description_es="Monitores", description_en="Monitors")
    code = HSCodeFactory(code="852852")
    assert "0 oportunidades" in client.get("/opportunities/").content.decode()
    for year in (2022, 2023, 2024):
        for partner in ("MEX", "CHN"):
            TradeFlowFactory(dataset=dataset, hs_code=code, year=year, partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        demand.regenerate()
    assert "Monitores" in client.get("/opportunities/").content.decode()


def cached(client, path, params=None):
    """How the page was served: "hit", "miss" (rendered and stored) or None (rendered only)."""
    return client.get(path, params or {}).get("X-Cache")


def test_junk_parameters_share_the_page_of_the_clean_url_and_are_never_stored(client, coffee):
    assert cached(client, "/opportunities/", {"v": "123"}) is None  # rendered, not stored
    assert cached(client, "/opportunities/") == "miss"
    assert cached(client, "/opportunities/", {"v": "124"}) == "hit"
    assert cached(client, "/opportunities/", {"q": " cafe ", "utm": "x"}) is None
    assert cached(client, "/opportunities/", {"market": "PE", "q": "cafe"}) == "miss"
    assert cached(client, "/opportunities/", {"q": "cafe ", "market": "PE", "x": "1"}) == "hit"
    assert cached(client, "/sectors/", {"v": "1"}) is None
    assert cached(client, "/sectors/") == "miss"
    assert cached(client, "/sectors/", {"v": "2"}) == "hit"


def test_an_invalid_filter_is_rendered_with_its_message_and_never_stored(client, coffee):
    for _ in range(2):
        page = client.get("/opportunities/", {"market": "XX"})
        assert page.get("X-Cache") is None and "XX" in page.content.decode()
    assert cached(client, "/opportunities/", {"page": "abc"}) is None


def test_a_pending_firm_saving_a_wizard_step_flushes_no_public_page(
    client, coffee, django_capture_on_commit_callbacks
):
    pending = CompanyFactory(status=Company.Status.PENDING)
    assert cached(client, "/sectors/agribusiness/") == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        company_services.update_company(
            company=pending, data={"description": "Café de altura"}, next_step=2
        )
    assert cached(client, "/sectors/agribusiness/") == "hit"


def test_a_verified_firm_changing_refreshes_the_pages_that_show_firms_only(
    client, coffee, django_capture_on_commit_callbacks
):
    firm = CompanyFactory(status=Company.Status.VERIFIED)
    assert cached(client, "/sectors/") == "miss"
    before = client.get("/sectors/agribusiness/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        company_services.update_company(company=firm, data={"sectors": [coffee.sector]})
    assert cached(client, "/sectors/") == "hit"  # lists the sectors, no firm
    after = client.get("/sectors/agribusiness/")
    assert after["X-Cache"] == "miss" and after.content.decode() != before


def test_a_request_reads_the_areas_versions_once_and_sees_its_own_changes(
    django_capture_on_commit_callbacks,
):
    """Every fragment of one page keys on the same versions (one read for the request); a change
    the request itself commits moves them for what it renders next; outside a request each read
    is fresh."""
    seen = {}

    def view(request):
        seen["first"] = pagecache.versions(pagecache.SECTORS, pagecache.TRADE)
        cache.set(f"public-pages:version:{pagecache.SECTORS}", "moved by another process", None)
        seen["again"] = pagecache.versions(pagecache.TRADE, pagecache.SECTORS)
        with django_capture_on_commit_callbacks(execute=True):
            pagecache.public_pages_changed(pagecache.TRADE)
        seen["after"] = pagecache.versions(pagecache.SECTORS, pagecache.TRADE)
        return "rendered"

    pagecache.versions(pagecache.SECTORS)  # the versions exist before the request
    assert pagecache.VersionsPerRequest(view)(RequestFactory().get("/")) == "rendered"
    assert seen["again"] == (seen["first"][1], seen["first"][0])  # as read first
    assert seen["after"][1] != seen["first"][1]  # its own change of TRADE
    assert seen["after"][0] == "moved by another process"  # read again with it
    assert pagecache.versions(pagecache.SECTORS) == ("moved by another process",)

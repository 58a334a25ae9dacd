"""The opportunity, sector, market insights and methodology pages."""

from io import StringIO

import pytest
from django.core.management import call_command

from opportunities.listings import demand
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
from tests.reference_data import data_dir

pytestmark = pytest.mark.django_db
DATA = data_dir()


@pytest.fixture
def monitors():
    """Peru's (synthetic demo) imports of monitors from Mexico and China over three years."""
    dataset = TradeDatasetFactory(source=TradeDataset.Source.DEMO, is_synthetic=True)
    HSCodeFactory(
        code="8528",
        description_es="Monitores y proyectores",
        description_en="Monitors and projectors",
    )
    code = HSCodeFactory(code="852852", description_es="Monitores", description_en="Monitors")
    for year, mexico, china in [(2022, 100, 500), (2023, 120, 520), (2024, 143, 600)]:
        TradeFlowFactory(
            dataset=dataset,
            reporter="PER",
            partner="MEX",
            hs_code=code,
            year=year,
            value_usd=mexico * 1_000_000,
        )
        TradeFlowFactory(
            dataset=dataset,
            reporter="PER",
            partner="CHN",
            hs_code=code,
            year=year,
            value_usd=china * 1_000_000,
        )
    sector = SectorFactory(slug="telecom_ict", name_es="Telecomunicaciones", name_en="Telecoms")
    sector.codes.add(code.parent)
    demand.regenerate()
    return Opportunity.objects.get(hs_code="8528", market_country="PE")


def test_the_opportunity_page_shows_its_numbers_chart_table_and_source(client, monitors):
    body = client.get(monitors.get_absolute_url()).content.decode()
    assert "US$ 743 M" in body  # Peru's imports from the world in 2024
    assert "US$ 143 M" in body  # of which from Mexico
    assert '<svg class="bar-chart"' in body and 'role="img"' in body
    assert "<caption>Importaciones por año (US$)</caption>" in body
    assert "China" in body and "México" in body
    assert "datos de demostración (sintéticos)" in body.lower()


def test_the_opportunity_page_shows_the_largest_others_of_its_chapter_first(client, monitors):
    """However many open opportunities other chapters hold, the related list is the five
    largest of the page's HS chapter (85), biggest first; one with no value is not "largest"."""
    for n, value in enumerate([5, 40, 20, 30, 10, 50]):
        OpportunityFactory(
            title=f"Chapter 85 number {value}",
            hs_code=HSCodeFactory(code=f"85{n:02d}"),
            value_usd=value * 1_000_000,
        )
    OpportunityFactory(title="Chapter 85 no value", hs_code_id="8500", value_usd=None)
    OpportunityFactory(title="Chapter 08 giant", hs_code=HSCodeFactory(code="0806"), value_usd=1e11)
    OpportunityFactory(
        title="Chapter 85 closed",
        hs_code_id="8501",
        value_usd=1e11,
        status=Opportunity.Status.CLOSED,
    )
    page = client.get(monitors.get_absolute_url()).content.decode()
    related = page.split('id="related-title"')[1]
    shown = [f"number {v}" for v in (50, 40, 30, 20, 10, 5) if f"Chapter 85 number {v}<" in related]
    assert shown == ["number 50", "number 40", "number 30", "number 20", "number 10"]
    assert [related.index(f"Chapter 85 {n}<") for n in shown] == sorted(
        related.index(f"Chapter 85 {n}<") for n in shown
    )
    for absent in ("no value", "closed"):
        assert f"Chapter 85 {absent}" not in related
    assert "Chapter 08 giant" not in related


def test_the_opportunity_page_is_in_english_too(client, monitors):
    body = client.get(f"/en/opportunities/{monitors.pk}/").content.decode()
    assert "Imports from the world, Peru, 2024" in body
    assert "demo data (synthetic)" in body


def test_a_closed_opportunity_is_not_found(client, monitors):
    Opportunity.objects.filter(pk=monitors.pk).update(status="closed")
    assert client.get(monitors.get_absolute_url()).status_code == 404


def test_the_opportunity_page_uses_few_queries(client, monitors, django_assert_max_num_queries):
    for index in range(8):
        OpportunityFactory(hs_code=HSCodeFactory(code=f"85{index + 10}"))
    with django_assert_max_num_queries(10):
        assert client.get(monitors.get_absolute_url()).status_code == 200


def test_the_sector_page_shows_what_each_market_buys_and_who_is_there(client, monitors):
    CompanyFactory(region__code="MX-CMX").sectors.add(monitors.sector)
    CompanyFactory(region__code="MX-CMX", status="pending").sectors.add(monitors.sector)
    body = client.get("/sectors/telecom_ict/").content.decode()
    assert "Lo que compra Perú" in body and "8528 Monitores y proyectores" in body
    assert "Empresas verificadas en este sector: 1 en México, 0 en Perú." in body


def test_a_hidden_sector_has_no_page(client, monitors):
    monitors.sector.is_active = False
    monitors.sector.save()
    assert client.get("/sectors/telecom_ict/").status_code == 404


def test_the_market_insights_page_shows_the_articles_figures_with_source(
    client, settings, monitors
):
    settings.TRADEPORTAL_DATA_DIR = DATA
    HSCodeFactory(code="7403")
    call_command("import_regions", stdout=StringIO())
    call_command("import_article_figures", stdout=StringIO())
    body = client.get("/market/").content.decode()
    assert "US$ 310 M" in body and "Estado de México" in body
    assert "Mexico–Peru Trade: Opportunities for Pacific Alliance" in body
    assert "Lo que Perú le compra a México" in body
    assert "provienen de datos de demostración (sintéticos)" in body


@pytest.mark.parametrize(
    ("path", "words"), [("/methodology/", "VCR de Balassa"), ("/en/methodology/", "Balassa RCA")]
)
def test_the_methodology_page_explains_the_formula(client, path, words):
    body = client.get(path).content.decode()
    assert words in body and "s × M" in body


def test_a_changed_opportunity_page_shows_its_new_numbers_at_once(client, monitors, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # rendered each time: its parts' own cache
    first = client.get(f"/opportunities/{monitors.pk}/").content.decode()
    assert client.get(f"/opportunities/{monitors.pk}/").content.decode() == first
    monitors.title = "Monitores para Lima"
    monitors.save()
    page = client.get(f"/opportunities/{monitors.pk}/").content.decode()
    assert '<h1 class="opportunity-title">Monitores para Lima</h1>' in page


def test_a_buyer_request_page_read_again_shows_its_title_and_the_quote_link(
    client, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # rendered each time: its body from its own cache
    buyer = CompanyFactory(region__code="PE-LIM", region__country="PE")
    request = OpportunityFactory(
        kind=Opportunity.Kind.REQUEST,
        company=buyer,
        title="Compra de uva Red Globe",
        hs_code=HSCodeFactory(code="0806", description_es="Uvas", description_en="Grapes"),
    )
    seller = MembershipFactory(company=CompanyFactory(region__code="MX-SON", region__country="MX"))
    client.force_login(seller.user)
    client.get(request.get_absolute_url())  # its body rendered and stored
    with django_assert_max_num_queries(6):
        page = client.get(request.get_absolute_url()).content.decode()
    assert "<title>Compra de uva Red Globe · TradePortal</title>" in page
    assert "Enviar una cotización" in page and "Me interesa" in page
    client.force_login(MembershipFactory(company=buyer).user)
    assert "Enviar una cotización" not in client.get(request.get_absolute_url()).content.decode()
    request.title = ""
    request.save()
    english = client.get(f"/en{request.get_absolute_url()}").content.decode()
    assert "<title>Grapes · TradePortal</title>" in english

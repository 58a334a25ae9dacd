"""Real chapter figures on the market pages, and every figure naming its area, period and kind."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from opportunities.listings import demand
from opportunities.matching.reasons import render_one
from opportunities.models import Opportunity, TradeDataset
from opportunities.notifications import content
from opportunities.trade.chapters import chapter_trade
from opportunities.trade.importing import import_trade_file, import_world_chapters
from tests.factories import MatchFactory, OpportunityFactory, TradeDatasetFactory
from tests.reference_data import STATE_FILE, WORLD_CHAPTERS_FILE, data_dir
from tradeportal.formatting import scope, usd

DATA = data_dir()
pytestmark = pytest.mark.django_db


@pytest.fixture
def chapters(settings):
    settings.TRADEPORTAL_DATA_DIR = DATA
    for command in ("import_hs", "import_regions"):
        call_command(command, stdout=StringIO())
    return import_world_chapters(DATA)


def real(country: str, flow: str, chapter: str) -> float:
    with (DATA / WORLD_CHAPTERS_FILE).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["country_iso3"], row["flow"], row["hs2"]) == (country, flow, chapter):
                return float(row["value_usd"])
    raise LookupError(chapter)


def test_the_market_page_shows_a_countrys_real_trade_by_chapter_with_the_world_and_rca(
    client, chapters
):
    page = client.get("/market/mx/").content.decode()
    assert "CEPII BACI via OEC, 2024" in page and "Datos reales" in page
    with translation.override("es"):
        assert usd(real("MEX", "import", "85")) in page  # chapter 85, US$ 124.5 bn
        assert usd(real("MEX", "export", "85")) in page
    assert "Máquinas, aparatos y material eléctrico" in page or "85 " in page


def test_rca_is_the_chapters_weight_in_the_countrys_exports_over_its_weight_in_the_worlds(
    client, chapters
):
    trade = chapter_trade("PER")
    rows = {r.code: r for r in trade.rows}
    with (DATA / WORLD_CHAPTERS_FILE).open(encoding="utf-8") as handle:
        exports = [r for r in csv.DictReader(handle) if r["flow"] == "export"]
    world = sum(float(r["value_usd"]) for r in exports)
    peru = sum(float(r["value_usd"]) for r in exports if r["country_iso3"] == "PER")
    world_74 = sum(float(r["value_usd"]) for r in exports if r["hs2"] == "74")
    expected = (real("PER", "export", "74") / peru) / (world_74 / world)
    assert rows["74"].rca == pytest.approx(expected)
    assert rows["74"].rca > 1  # Peru exports copper: a revealed advantage
    assert f"{expected:.2f}".replace(".", ",") in client.get("/market/pe/").content.decode()


def test_an_unknown_market_is_not_found(client, chapters):
    assert client.get("/market/br/").status_code == 404


def test_the_world_chapters_are_never_a_basis_of_market_demand(chapters):
    national, _states = demand.basis_datasets()
    assert chapters not in national


def test_one_month_of_one_state_says_so_on_the_card_and_the_page(client, chapters, settings):
    settings.DEMAND_MIN_STATE_IMPORTS_USD = 0  # the test's state file holds a few rows
    import_trade_file(path=DATA / STATE_FILE, fmt="datamexico")
    with translation.override("es"):
        demand.regenerate()
    state = Opportunity.objects.filter(market_region__isnull=False).first()
    assert state.period_months == [12]
    region = state.market_region.name
    expected = f"{region}, diciembre 2024, 1 mes"
    assert expected in client.get("/opportunities/").content.decode()
    page = client.get(state.get_absolute_url()).content.decode()
    assert expected in page
    assert "México, 2024" not in page.split("<main")[1].split("Para dar escala")[0]


def test_the_scope_of_a_whole_year_and_of_several_months():
    with translation.override("es"):
        assert scope("México", 2024) == "México, 2024"
        assert scope("Colima", 2024, [1, 2, 3]) == "Colima, enero–marzo 2024, 3 meses"
    with translation.override("en"):
        assert scope("Colima", 2024, [12]) == "Colima, December 2024, 1 month"


def test_a_list_mixing_real_and_demo_figures_marks_each_card(client, chapters):
    OpportunityFactory(dataset=TradeDatasetFactory(), is_demo=True, period_end=2024)
    real_data = TradeDatasetFactory(source=TradeDataset.Source.DATAMEXICO, is_synthetic=False)
    OpportunityFactory(dataset=real_data, is_demo=False, period_end=2024, hs_code_id="0806")
    page = client.get("/opportunities/").content.decode()
    cards = page.split('class="card opportunity-card"')[1:]
    assert len(cards) == 2
    assert sum("Datos de demostración (sintéticos)" in c for c in cards) == 1
    assert sum("Datos reales" in c for c in cards) == 1


def test_a_card_claims_real_data_only_when_its_real_dataset_is_on_file(client, chapters):
    """A dataset deleted under its opportunities (SET_NULL), or one marked synthetic while the
    opportunity's demo flag was cleared by hand, must not read "Datos reales"."""
    orphan = OpportunityFactory(dataset=None, is_demo=False, period_end=2024, hs_code_id="0806")
    OpportunityFactory(
        dataset=TradeDatasetFactory(is_synthetic=True), is_demo=False, period_end=2024
    )
    cards = client.get("/opportunities/").content.decode().split('class="card opportunity-card"')
    assert len(cards[1:]) == 2
    assert not any("Datos reales" in c for c in cards[1:])
    assert sum("Fuente no registrada" in c for c in cards[1:]) == 1
    assert sum("Datos de demostración (sintéticos)" in c for c in cards[1:]) == 1
    page = client.get(orphan.get_absolute_url()).content.decode()
    numbers = page.split("<main")[1].split("Para dar escala")[0]  # the chapter line is real
    assert "Fuente no registrada" in numbers and "Datos reales" not in numbers


def test_the_methodology_page_lists_each_dataset_with_source_licence_and_coverage(client, chapters):
    import_trade_file(path=DATA / STATE_FILE, fmt="datamexico")
    page = client.get("/methodology/").content.decode()
    assert "CEPII BACI via OEC" in page and "CC BY 4.0" in page
    reporters = chapters.coverage["reporters"]
    assert f"exportaciones de {reporters['X']} países e importaciones de {reporters['M']}" in page
    assert "por capítulo SA, con el mundo" in page
    assert "diciembre 2024, 1 mes" in page  # the state file's coverage


def test_an_email_quoting_a_demo_figure_says_it_is_demo_data(chapters):
    demo = MatchFactory(opportunity=OpportunityFactory(is_demo=True, period_end=2024))
    real_match = MatchFactory(
        opportunity=OpportunityFactory(is_demo=False, period_end=2024, hs_code_id="0806")
    )
    items = content.match_items([demo, real_match], "es")
    assert [item["demo"] for item in items] == [True, False]
    with translation.override("es"):
        text = render_to_string("emails/_match-item.txt", {"m": items[0]})
        html = render_to_string("emails/_match-item.html", {"m": items[0]})
        plain = render_to_string("emails/_match-item.txt", {"m": items[1]})
    assert "demostración" in text and "demostración" in html
    assert "demostración" not in plain


def test_a_match_reason_names_the_month_of_a_state_figure_and_says_when_it_is_demo():
    params = {"market": "MX", "region": "Colima", "value": 258_316, "code": "0304", "year": 2024}
    params |= {"partner": "PE", "share": 0}
    with translation.override("es"):
        state = render_one({"key": "market_imports", "params": {**params, "months": [12]}}, {})
        demo = render_one({"key": "market_imports", "params": {**params, "demo": True}}, {})
    assert "Colima" in state and "diciembre 2024, 1 mes" in state
    assert "demostración" not in state
    assert "en 2024" in demo and "demostración" in demo


def test_the_admin_shows_each_datasets_source_url_licence_fetch_time_and_rows(
    admin_client, chapters
):
    page = admin_client.get("/admin/opportunities/tradedataset/").content.decode()
    assert "https://oec.world/en/resources/datasets" in page and "CC BY 4.0" in page
    assert f">{chapters.rows}<" in page or f"{chapters.rows:,}".replace(",", ".") in page
    detail = admin_client.get(f"/admin/opportunities/tradedataset/{chapters.pk}/change/")
    assert detail.status_code == 200 and "fetched_at" in detail.content.decode()

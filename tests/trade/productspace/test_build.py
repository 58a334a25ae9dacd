"""Computing and storing the product space from loaded trade rows."""

import pytest
from django.core.management import call_command

from opportunities.matching import tasks
from opportunities.models import CountryProduct, ProductProximity, ProductSpace, TradeFlow
from opportunities.trade import tasks as trade_tasks
from opportunities.trade.productspace.build import build_all
from tests.factories import HSCodeFactory, TradeDatasetFactory
from tests.trade.productspace.conftest import add_rows

pytestmark = pytest.mark.django_db


def figures(country, product):
    return CountryProduct.objects.get(country=country, product_id=product)


def test_chapter_space_stores_the_hand_computed_proximity_and_density(world_by_chapter):
    [stored] = build_all()
    assert (stored.level, stored.year, stored.countries, stored.products) == (2, 2024, 4, 4)
    phi = dict(ProductProximity.objects.filter(product="01").values_list("other_id", "proximity"))
    assert phi == {
        "02": pytest.approx(2 / 3),
        "03": pytest.approx(2 / 3),
        "04": pytest.approx(1 / 3),
    }
    assert figures("MEX", "03").density == pytest.approx(2 / 3)
    assert figures("MEX", "04").density == pytest.approx(1 / 2)
    assert figures("PER", "04").density == pytest.approx(1)
    mex_01 = figures("MEX", "01")
    assert (mex_01.rca, mex_01.specialised, mex_01.exports_usd) == (
        pytest.approx(2),
        True,
        50_000_000,
    )
    assert figures("PER", "04").imports_usd == 1_234_000_000
    assert figures("PER", "01").imports_usd is None  # no import row: "no data", never zero


def test_synthetic_rows_and_older_years_are_left_out(world_by_chapter):
    demo = TradeDatasetFactory(is_synthetic=True)
    add_rows(demo, [{"reporter": "MEX", "flow": "X", "hs_code_id": "04", "value_usd": 10**12}])
    older = TradeDatasetFactory(source="baci_oec", name="2019.csv", is_synthetic=False)
    TradeFlow.objects.create(
        dataset=older,
        year=2019,
        reporter="MEX",
        partner="WLD",
        flow="X",
        hs_code_id="04",
        value_usd=10**12,
    )
    build_all()
    assert figures("MEX", "04").exports_usd == 0
    assert figures("MEX", "04").specialised is False


def test_heading_space_reads_baci_imports_summed_over_importers(world_by_chapter):
    baci = TradeDatasetFactory(source="baci", name="BACI_HS22_Y2024.csv", is_synthetic=False)
    importers = [f"I{n:02d}" for n in range(10)]
    HSCodeFactory(code="010110")
    HSCodeFactory(code="010210")
    rows = []
    for importer in importers:
        # Every importer buys 0101 from MEX and 0102 from PER: each exporter specialises in one.
        rows.append(
            {"reporter": importer, "partner": "MEX", "hs_code_id": "010110", "value_usd": 3}
        )
        rows.append(
            {"reporter": importer, "partner": "PER", "hs_code_id": "010210", "value_usd": 4}
        )
    rows.append({"reporter": "PER", "partner": "MEX", "hs_code_id": "010110", "value_usd": 90})
    TradeFlow.objects.bulk_create(
        TradeFlow(dataset=baci, year=2024, flow="M", **row) for row in rows
    )
    chapter, heading = build_all()
    assert (heading.level, heading.countries, heading.products) == (4, 2, 2)
    assert figures_at(heading, "MEX", "0101").exports_usd == 30 + 90
    assert figures_at(heading, "PER", "0101").imports_usd == 90
    assert chapter.level == 2


def figures_at(space, country, product):
    return CountryProduct.objects.get(space=space, country=country, product_id=product)


def test_a_baci_file_of_a_few_importers_builds_no_heading_level(world_by_chapter):
    baci = TradeDatasetFactory(source="baci", name="two.csv", is_synthetic=False)
    HSCodeFactory(code="010110")
    TradeFlow.objects.create(
        dataset=baci,
        year=2024,
        reporter="PER",
        partner="MEX",
        flow="M",
        hs_code_id="010110",
        value_usd=5,
    )
    assert [s.level for s in build_all()] == [2]


def test_rebuilding_replaces_the_level_and_drops_one_without_data(world_by_chapter):
    build_all()
    build_all()
    assert ProductSpace.objects.count() == 1
    assert CountryProduct.objects.count() == 8
    world_by_chapter.delete()
    assert build_all() == []
    assert not ProductSpace.objects.exists()


def test_command_reports_what_it_built(world_by_chapter, capsys):
    call_command("build_product_space")
    out = capsys.readouterr().out
    assert "4 countries, 4 products" in out
    assert "2024" in out


def test_command_without_data_says_so(capsys):
    call_command("build_product_space")
    assert "nothing to compute" in capsys.readouterr().out


def test_regenerating_demand_after_an_import_rebuilds_the_product_space(
    world_by_chapter, django_capture_on_commit_callbacks
):

    with django_capture_on_commit_callbacks(execute=True):
        tasks.regenerate_demand()
    assert ProductSpace.objects.get().level == 2
    assert trade_tasks.build_product_space() == [2]

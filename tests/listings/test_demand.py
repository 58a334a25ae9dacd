"""Market demand is derived from the trade statistics, explained by its numbers, kept current."""

from decimal import Decimal

import pytest

from opportunities.listings import demand
from opportunities.models import Opportunity, TradeDataset
from tests.factories import (
    HSCodeFactory,
    RegionFactory,
    SectorFactory,
    TradeDatasetFactory,
    TradeFlowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitors(settings):
    """Peru's imports of monitors (HS 8528) from Mexico, China and the US, 2022-2024."""
    settings.DEMAND_MIN_IMPORTS_USD = 1_000_000
    dataset = TradeDatasetFactory(source=TradeDataset.Source.BACI, is_synthetic=False)
    code = HSCodeFactory(code="852852")
    for year, mexico, china, usa in [
        (2022, 80, 500, 120),
        (2023, 100, 560, 140),
        (2024, 120, 600, 280),
    ]:
        for partner, millions in (("MEX", mexico), ("CHN", china), ("USA", usa)):
            TradeFlowFactory(
                dataset=dataset,
                reporter="PER",
                partner=partner,
                hs_code=code,
                year=year,
                value_usd=millions * 1_000_000,
            )
    # What Mexico exports of other products, and what Peru buys of them (RCA's denominators).
    other = HSCodeFactory(code="740311")
    TradeFlowFactory(
        dataset=dataset,
        reporter="MEX",
        partner="PER",
        hs_code=other,
        year=2024,
        value_usd=300_000_000,
    )
    TradeFlowFactory(
        dataset=dataset,
        reporter="PER",
        partner="CHL",
        hs_code=other,
        year=2024,
        value_usd=200_000_000,
    )
    return dataset


def test_it_publishes_perus_demand_for_monitors_with_its_numbers(monitors):
    demand.regenerate()
    opportunity = Opportunity.objects.get(market_country="PE", hs_code="8528")
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert opportunity.kind == Opportunity.Kind.DEMAND and opportunity.market_region is None
    assert opportunity.imports_world_usd == Decimal("1000000000")
    assert opportunity.imports_partner_usd == Decimal("120000000")
    assert (opportunity.period_start, opportunity.period_end) == (2022, 2024)
    assert opportunity.growth_pct == pytest.approx(((1000 / 700) ** 0.5 - 1) * 100, abs=0.1)
    assert opportunity.dataset == monitors and not opportunity.is_demo
    assert not opportunity.is_thin_data


def test_unrealised_potential_scales_the_partners_share_by_its_advantage(monitors):
    demand.regenerate()
    opportunity = Opportunity.objects.get(market_country="PE", hs_code="8528")
    # All of Mexico's exports in the data are monitors (120 of 120); monitors are 1000 of the
    # 1500 traded: RCA 1.5. Mexico's 12% of Peru's market scaled: 18%, under the leader's 60%.
    assert opportunity.potential_usd == Decimal("180000000")
    assert opportunity.unrealised_usd == Decimal("60000000")


def test_a_market_below_the_threshold_is_not_published(monitors, settings):
    settings.DEMAND_MIN_IMPORTS_USD = 2_000_000_000
    demand.regenerate()
    assert not Opportunity.objects.filter(hs_code="8528").exists()


def test_regenerating_twice_changes_nothing(monitors):
    first = demand.regenerate()
    rows = list(
        Opportunity.objects.values_list("demand_key", "value_usd", "status", "published_at")
    )
    second = demand.regenerate()
    assert first["published"] == second["updated"] and second["published"] == 0
    assert (
        list(Opportunity.objects.values_list("demand_key", "value_usd", "status", "published_at"))
        == rows
    )


def test_an_opportunity_that_no_longer_holds_is_closed_not_deleted(monitors, settings):
    demand.regenerate()
    settings.DEMAND_MIN_IMPORTS_USD = 2_000_000_000
    counts = demand.regenerate()
    opportunity = Opportunity.objects.get(market_country="PE", hs_code="8528")
    assert counts["closed"] >= 1
    assert opportunity.status == Opportunity.Status.CLOSED and opportunity.closed_at


def test_real_data_is_preferred_to_the_synthetic_demo(monitors):
    demo = TradeDatasetFactory(source=TradeDataset.Source.DEMO, is_synthetic=True)
    TradeFlowFactory(
        dataset=demo,
        reporter="PER",
        partner="MEX",
        hs_code__code="852852",
        year=2024,
        value_usd=9_000_000_000,
    )
    demand.regenerate()
    opportunity = Opportunity.objects.get(market_country="PE", hs_code="8528")
    assert opportunity.imports_world_usd == Decimal("1000000000")


def test_demo_data_makes_demo_opportunities_when_nothing_real_is_loaded():
    demo = TradeDatasetFactory(source=TradeDataset.Source.DEMO, is_synthetic=True)
    TradeFlowFactory(
        dataset=demo,
        reporter="MEX",
        partner="PER",
        hs_code__code="080610",
        year=2024,
        value_usd=50_000_000,
    )
    demand.regenerate()
    opportunity = Opportunity.objects.get(market_country="MX", hs_code="0806")
    assert opportunity.is_demo and opportunity.dataset == demo


def test_a_mexican_states_demand_comes_from_its_datamexico_figures_and_is_flagged_thin(settings):
    settings.DEMAND_MIN_STATE_IMPORTS_USD = 50_000
    state_file = TradeDatasetFactory(source=TradeDataset.Source.DATAMEXICO, is_synthetic=False)
    region = RegionFactory(code="MX-BCS", name="Baja California Sur")
    TradeFlowFactory(
        dataset=state_file,
        reporter="MEX",
        region=region,
        partner="PER",
        hs_code__code="080610",
        year=2024,
        month=12,
        value_usd=125_000,
    )
    TradeFlowFactory(
        dataset=state_file,
        reporter="MEX",
        region=region,
        partner="CHL",
        hs_code__code="080610",
        year=2024,
        month=12,
        value_usd=98_000,
    )
    demand.regenerate()
    opportunity = Opportunity.objects.get(market_region=region, hs_code="0806")
    assert opportunity.market_country == "MX" and opportunity.dataset == state_file
    assert opportunity.imports_world_usd == Decimal("223000") and opportunity.is_thin_data


def test_the_opportunity_takes_the_sector_of_its_heading(monitors):
    telecom = SectorFactory(slug="telecom_ict")
    telecom.codes.add(HSCodeFactory(code="8528"))
    demand.regenerate()
    assert Opportunity.objects.get(hs_code="8528").sector == telecom

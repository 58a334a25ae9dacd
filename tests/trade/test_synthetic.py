"""The synthetic demo is believable: real chapter totals, plausible suppliers, reported bilateral.

Generated from the whole HS 2022 nomenclature and the real 2024 trade by chapter (CEPII BACI via
OEC) of the shared reference data, as `make run` does.
"""

import csv
import functools
import itertools
from collections import Counter, defaultdict

import pytest

from opportunities.trade.synthetic import (
    CALIBRATED_YEAR,
    DemoRow,
    benchmark_rows,
    demo_rows,
    distinct,
    read_world_chapters,
    split,
)
from tests.reference_data import HS_FILE, WORLD_CHAPTERS_FILE, shared_dir

# Reported bilateral trade: ADEX (Peru's exporters' association) for 2023, the article's surplus.
PERU_IMPORTS_FROM_MEXICO = 1.76e9
PERU_EXPORTS_TO_MEXICO = 0.87e9
MEXICO_SURPLUS = 1.26e9


@functools.cache
def world():
    return read_world_chapters(shared_dir() / WORLD_CHAPTERS_FILE)


@functools.cache
def hs6_codes() -> tuple[str, ...]:
    with (shared_dir() / HS_FILE).open(encoding="utf-8", newline="") as handle:
        return tuple(r[1] for r in csv.reader(handle) if len(r[1]) == 6 and r[1].isdigit())


@functools.cache
def rows() -> tuple[DemoRow, ...]:
    return tuple(demo_rows(list(hs6_codes()), world(), seed=2025))


def totals(level: int) -> Counter:
    """(reporter, flow, code[:level]) -> US$ in the calibrated year."""
    summed = Counter()
    for row in rows():
        if row.year == CALIBRATED_YEAR:
            summed[row.reporter, row.flow, row.code[:level]] += row.value
    return summed


def suppliers() -> dict[tuple[str, str], Counter]:
    """(market, chapter) -> supplier -> US$ of imports in the calibrated year."""
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows():
        if row.year == CALIBRATED_YEAR and row.flow == "M":
            found[row.reporter, row.code[:2]][row.partner] += row.value
    return found


@pytest.mark.parametrize("country", ["MEX", "PER"])
@pytest.mark.parametrize("flow", ["M", "X"])
def test_each_chapter_adds_up_to_its_real_2024_total_within_one_percent(country, flow):
    chapters = totals(2)
    real = {c: v for (who, f, c), v in world().values.items() if (who, f) == (country, flow)}
    assert len(real) > 90
    for chapter, value in real.items():
        assert chapters[country, flow, chapter] == pytest.approx(value, rel=0.01), chapter


def test_mexicos_2024_imports_add_up_to_the_real_551_billion():
    imports = sum(v for (who, flow, _c), v in totals(2).items() if (who, flow) == ("MEX", "M"))
    assert imports == pytest.approx(551.2e9, rel=0.01)


def test_no_heading_is_worth_more_than_its_whole_chapter():
    for (country, flow, heading), value in totals(4).items():
        assert value <= world().total(country, flow, heading[:2]), (country, flow, heading)


def test_shoe_polish_and_fairground_rides_stay_below_their_real_chapters():
    headings = totals(4)
    assert headings["MEX", "M", "3405"] < 1.47e9  # Mexico's chapter 34, 2024
    assert headings["MEX", "M", "9508"] < 2.93e9  # chapter 95


def test_no_two_headings_share_a_value_in_any_market_flow_and_year():
    values = defaultdict(Counter)
    for row in rows():
        values[row.year, row.reporter, row.flow][row.code[:4]] += row.value
    for key, headings in values.items():
        assert len(set(headings.values())) == len(headings), key


def test_the_united_states_is_mexicos_first_supplier_in_most_chapters():
    mexico = {c: s for (market, c), s in suppliers().items() if market == "MEX"}
    first = [c for c, s in mexico.items() if s.most_common(1)[0][0] == "USA"]
    assert len(first) >= 0.6 * len(mexico)


def test_grapes_come_to_mexico_from_the_united_states_and_peru_and_peru_from_chile():
    grapes = defaultdict(Counter)
    for row in rows():
        if row.year == CALIBRATED_YEAR and row.code.startswith("0806"):
            grapes[row.reporter][row.partner] += row.value
    assert {"USA", "PER"} <= {c for c, _v in grapes["MEX"].most_common(3)}
    assert "CHL" in {c for c, _v in grapes["PER"].most_common(3)}


def test_every_supplier_really_exports_the_chapter_and_larger_exporters_sell_more():
    bigger_wins = comparisons = 0
    for (market, chapter), found in suppliers().items():
        exporters = world().exporters[chapter]
        for country in found:
            assert exporters.get(country, 0) > 0 or country in ("MEX", "PER"), (market, chapter)
        ranked = [c for c, _v in found.most_common() if c not in ("MEX", "PER")]
        for a, b in itertools.pairwise(ranked):
            comparisons += 1
            bigger_wins += exporters[a] >= exporters[b]
    assert bigger_wins / comparisons > 0.6  # the share grows with real world exports


def test_the_bilateral_totals_are_near_the_reported_ones():
    partner = Counter()
    for row in rows():
        if row.year == CALIBRATED_YEAR and row.flow == "M" and row.partner in ("MEX", "PER"):
            partner[row.reporter, row.partner] += row.value
    peru_from_mexico, mexico_from_peru = partner["PER", "MEX"], partner["MEX", "PER"]
    assert peru_from_mexico == pytest.approx(PERU_IMPORTS_FROM_MEXICO, rel=0.1)
    assert mexico_from_peru == pytest.approx(PERU_EXPORTS_TO_MEXICO, rel=0.1)
    assert peru_from_mexico - mexico_from_peru == pytest.approx(MEXICO_SURPLUS, rel=0.1)


def test_the_articles_products_carry_their_2024_values():
    partner = Counter()
    for row in rows():
        if row.year == CALIBRATED_YEAR and row.partner in ("MEX", "PER"):
            partner[row.reporter, row.code[:4]] += row.value
    assert partner["PER", "8528"] == 143_000_000  # monitors, Mexico's leading export to Peru
    assert partner["MEX", "7403"] == 310_000_000  # refined copper, Peru's top export to Mexico


def test_the_demo_is_the_same_for_the_same_seed():
    again = demo_rows(list(reversed(hs6_codes())), world(), seed=2025)
    assert [next(again) for _ in range(500)] == list(rows()[:500])


def test_split_and_distinct_keep_the_total_exactly():
    assert sum(split(1_000_003, [0.2, 0.5, 0.3])) == 1_000_003
    moved = distinct({"a": 5, "b": 5, "c": 100}, {6})
    assert sum(moved.values()) == 110 and len(set(moved.values())) == 3
    assert 6 not in moved.values()


def test_benchmark_rows_are_one_a_flow_as_in_baci_and_no_country_trades_with_itself():
    # 60,000 draws over the few most likely products: without the redraw, flows repeat.
    flows = [row[:4] for row in benchmark_rows(60_000, list(hs6_codes()[:40]), seed=3)]
    assert len(flows) == len(set(flows)) == 60_000
    assert all(exporter != importer for _year, exporter, importer, _code in flows)

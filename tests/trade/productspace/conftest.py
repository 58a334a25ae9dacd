"""Trade rows in the shapes the product space reads, built with the ORM.

The hand-computed matrix of test_space.py, as chapters 01-04 and four real countries:
MEX = A, PER = B, CHL = C, COL = D (world exports by chapter, partner WLD, flow X).
"""

import pytest

from opportunities.models import TradeFlow
from tests.factories import HSCodeFactory, TradeDatasetFactory

CHAPTERS = {"x": "01", "y": "02", "z": "03", "w": "04"}
MATRIX = {
    "MEX": {"x": 50, "y": 50},
    "PER": {"x": 25, "y": 25, "z": 50},
    "CHL": {"x": 25, "z": 25, "w": 50},
    "COL": {"y": 25, "z": 25, "w": 50},
}


def add_rows(dataset, rows):
    TradeFlow.objects.bulk_create(
        TradeFlow(dataset=dataset, year=2024, partner="WLD", **row) for row in rows
    )


@pytest.fixture
def chapters():
    codes = {}
    for code in CHAPTERS.values():
        codes[code] = HSCodeFactory(code=code)
        HSCodeFactory(code=f"{code}01")
        HSCodeFactory(code=f"{code}02")
    return codes


@pytest.fixture
def world_by_chapter(chapters):
    """The OEC file's shape: exports (X) and imports (M) with the world, by chapter, 2024."""
    dataset = TradeDatasetFactory(
        source="baci_oec", name="baci_oec_hs2_2024.csv", is_synthetic=False
    )
    rows = [
        {"reporter": c, "flow": "X", "hs_code_id": CHAPTERS[p], "value_usd": v * 1_000_000}
        for c, products in MATRIX.items()
        for p, v in products.items()
    ]
    rows += [
        {"reporter": "PER", "flow": "M", "hs_code_id": "03", "value_usd": 5_000_000},
        {"reporter": "PER", "flow": "M", "hs_code_id": "04", "value_usd": 1_234_000_000},
        {"reporter": "MEX", "flow": "M", "hs_code_id": "04", "value_usd": 7_000_000},
    ]
    add_rows(dataset, rows)
    return dataset

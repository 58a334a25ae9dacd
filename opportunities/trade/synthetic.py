"""Seeded synthetic trade data in CEPII BACI format, for the demo and the benchmarks.

Not real data: whatever is loaded from here is labelled "demo (synthetic)". It imitates the shape
of real trade: a few products and partners carry most of the value (log-normal magnitudes, Zipf
weights), values grow or shrink by product over the years, and the Mexico-Peru flows the article
names are present at about their real size.
"""

import csv
import math
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import pycountry

MEX, PER = 484, 604
# Numeric codes of the main suppliers of Mexico and Peru (USA, China, Germany, Japan, Korea, ...).
PARTNERS = [
    842,
    156,
    276,
    392,
    410,
    124,
    76,
    380,
    724,
    250,
    699,
    704,
    458,
    764,
    826,
    32,
    152,
    170,
    218,
    68,
    528,
    56,
    756,
    752,
    360,
    36,
    710,
    616,
    40,
    208,
]
YEARS = (2020, 2021, 2022, 2023, 2024)
# The article's bilateral products, with their 2024 value in US dollars where it gives one.
ARTICLE_FLOWS = {
    (MEX, PER): {
        "8528": 143e6,
        "8701": 60e6,
        "8703": 55e6,
        "8471": 40e6,
        "3305": 25e6,
        "2616": 20e6,
    },
    (PER, MEX): {
        "7403": 310e6,
        "2711": 120e6,
        "2710": 80e6,
        "2607": 45e6,
        "2603": 40e6,
        "0307": 30e6,
        "0702": 12e6,
        "4415": 10e6,
        "4407": 9e6,
        "4011": 8e6,
        "0806": 18e6,
        "0904": 14e6,
        "8430": 7e6,
    },
}
BACI_HEADER = ["t", "i", "j", "k", "v", "q"]


def _thousands(value_usd: float) -> str:
    return f"{value_usd / 1000:.3f}"


def demo_rows(hs6_codes: list[str], seed: int = 2025) -> Iterator[tuple]:
    """Mexico's and Peru's imports from the world and from each other, 2020-2024, BACI rows."""
    rng = random.Random(seed)
    codes = sorted(hs6_codes)
    for exporter, importer in ((MEX, PER), (PER, MEX)):
        yield from _bilateral(rng, codes, exporter, importer)
    for importer in (MEX, PER):
        yield from _world_imports(rng, codes, importer)


def _world_imports(rng: random.Random, codes: list[str], importer: int) -> Iterator[tuple]:
    """The importer's purchases from its main suppliers: about US$ 600 bn a year for Mexico,
    US$ 50 bn for Peru, with the partner's article products among them."""
    scale = 1.2e12 if importer == MEX else 1.2e11
    partner = PER if importer == MEX else MEX
    bilateral = ARTICLE_FLOWS[(partner, importer)]
    for heading, value_2024 in bilateral.items():
        subheadings = [c for c in codes if c.startswith(heading)][:3]
        world = value_2024 / rng.uniform(0.06, 0.3)  # the partner supplies 6% to 30%
        for code in subheadings:
            yield from _suppliers(rng, importer, code, world / len(subheadings) / 1.17, 0.04)
    products = rng.sample(codes, k=min(len(codes), 1500 if importer == MEX else 900))
    for rank, code in enumerate(products, start=1):
        if code[:4] in bilateral:
            continue
        base = scale / rank**0.9 * rng.lognormvariate(0, 0.6) / 40
        yield from _suppliers(rng, importer, code, base, rng.gauss(0.04, 0.08))


def _suppliers(rng, importer: int, code: str, base: float, growth: float) -> Iterator[tuple]:
    suppliers = rng.sample(PARTNERS, k=rng.randint(2, 8))
    weights = [1 / position**1.3 for position in range(1, len(suppliers) + 1)]
    total = sum(weights)
    for exporter, weight in zip(suppliers, weights, strict=True):
        yield from _series(rng, exporter, importer, code, base * weight / total * 1.5, growth)


def _bilateral(
    rng: random.Random, codes: list[str], exporter: int, importer: int
) -> Iterator[tuple]:
    article = ARTICLE_FLOWS[(exporter, importer)]
    for heading, value_2024 in article.items():
        subheadings = [c for c in codes if c.startswith(heading)] or []
        for code in subheadings[:3]:
            base = value_2024 / min(3, len(subheadings)) / (1.04**4)
            yield from _series(rng, exporter, importer, code, base, rng.gauss(0.04, 0.05))
    candidates = [c for c in codes if c[:4] not in article]
    others = rng.sample(candidates, k=min(len(candidates), 250))
    for rank, code in enumerate(others, start=1):
        base = 4e7 / rank * rng.lognormvariate(0, 0.5)
        yield from _series(rng, exporter, importer, code, base, rng.gauss(0.0, 0.15))


def _series(
    rng, exporter: int, importer: int, code: str, base: float, growth: float
) -> Iterator[tuple]:
    for offset, year in enumerate(YEARS):
        value = base * math.exp(growth * offset) * rng.lognormvariate(0, 0.12)
        if value < 1000:
            continue
        tonnes = value / rng.uniform(800, 9000)
        yield (year, exporter, importer, code, _thousands(value), f"{tonnes:.3f}")


def benchmark_rows(n: int, hs6_codes: list[str], seed: int = 7) -> Iterator[tuple]:
    """n BACI rows over many country pairs: Zipf-weighted products and log-normal values."""
    rng = random.Random(seed)
    codes = sorted(hs6_codes)
    weights = [1 / (rank**0.8) for rank in range(1, len(codes) + 1)]
    rng.shuffle(weights)
    countries = sorted(int(c.numeric) for c in pycountry.countries)
    chunk = 10_000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        picked = rng.choices(codes, weights=weights, k=size)
        for code in picked:
            value = rng.lognormvariate(4.0, 2.2)  # thousands of US dollars
            quantity = "NA" if rng.random() < 0.05 else f"{value / rng.uniform(0.5, 9):.3f}"
            yield (
                rng.choice(YEARS),
                rng.choice(countries),
                rng.choice(countries),
                code,
                f"{value:.3f}",
                quantity,
            )


def write_baci(path: Path, rows: Iterable[tuple]) -> int:
    """Write BACI rows to a CSV file with its header; return the number of rows."""
    count = 0
    with Path(path).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(BACI_HEADER)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count

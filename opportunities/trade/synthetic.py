"""Seeded synthetic trade data: the embedded demo, calibrated on real totals, and benchmark rows.

Not real data: whatever is loaded from here is labelled "demo (synthetic)". The demo invents the
split of real totals, never the totals themselves:

- Each chapter of Mexico's and Peru's imports and exports in the calibrated year (2024) adds up
  exactly to its real total (CEPII BACI via OEC, data/trade_hs2/); the chapter is split over its
  headings (weights: the heading's number of subheadings times a log-normal draw) and each
  heading over one or two of its subheadings.
- The suppliers of a heading are drawn from the countries that really export the chapter,
  weighted by their real world exports of it times an affinity with the market (proximity and
  agreements: the United States for Mexico; China, the United States and the Andean and Southern
  Cone neighbours for Peru), so a supplier's share grows with its real exports.
- The partner's supplies (Mexico to Peru, Peru to Mexico) total about the reported bilateral
  trade: Peru's imports from Mexico US$ 1.76 bn and its exports to Mexico US$ 0.87 bn in 2023
  (ADEX), Mexico's surplus about US$ 1.26 bn (the article). Both can hold only roughly at once
  (1.76 - 0.87 = 0.89), so the demo takes 1.93 bn and 0.79 bn: each within 10% of its figure.
  The article's products carry their 2024 values; the rest follows the partner's real share of
  world exports of each chapter.
- Earlier years (2020-2023) go back from 2024 with a growth rate per heading.
- Every heading value is distinct within a market, flow and year (ties are moved by a dollar).

The file is written in UN Comtrade's CSV shape (reporter, partner, flow, HS6, US$), which holds
both imports by partner and exports to the world.
"""

import csv
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry

MEX, PER = "MEX", "PER"
YEARS = (2020, 2021, 2022, 2023, 2024)
CALIBRATED_YEAR = 2024
# Totals of the partner's supplies in the calibrated year, US$ (see the module's docstring).
BILATERAL_TARGETS = {(PER, MEX): 1.93e9, (MEX, PER): 0.79e9}  # (market, partner) -> US$
# Closeness of a supplier to a market, multiplying its real world exports of the chapter.
AFFINITY = {
    MEX: {"USA": 14.0, "CAN": 2.5, "CHN": 1.3, "KOR": 1.3, "JPN": 1.2, "DEU": 1.2, "BRA": 1.5},
    PER: {
        "CHN": 2.5,
        "USA": 2.0,
        "BRA": 4.0,
        "ARG": 5.0,
        "CHL": 6.0,
        "COL": 6.0,
        "ECU": 8.0,
        "BOL": 8.0,
        "IND": 1.3,
    },
}
# The article's bilateral products with their 2024 value: (market, partner) -> heading -> US$.
ARTICLE_FLOWS = {
    (PER, MEX): {"8528": 143e6, "8701": 60e6, "8703": 55e6, "8471": 40e6, "3305": 25e6},
    (MEX, PER): {
        "7403": 310e6,
        "2711": 120e6,
        "2710": 80e6,
        "2607": 45e6,
        "2603": 40e6,
        "0307": 30e6,
        "0806": 18e6,
        "0904": 14e6,
        "0702": 12e6,
        "4415": 10e6,
        "4407": 9e6,
        "4011": 8e6,
        "8430": 7e6,
    },
}
MAX_PARTNER_SHARE = 0.6  # of a heading's imports
COMTRADE_HEADER = ["refYear", "period", "reporterISO", "partnerISO", "flowCode", "cmdCode"]
COMTRADE_HEADER += ["primaryValue"]
BACI_HEADER = ["t", "i", "j", "k", "v", "q"]


@dataclass(frozen=True)
class DemoRow:
    """One synthetic statistic, as a country reports it (value in whole US dollars)."""

    year: int
    reporter: str
    partner: str
    flow: str  # "M" or "X"
    code: str  # HS6
    value: int


class WorldChapters:
    """Real trade by country, flow and HS chapter in one year (CEPII BACI via OEC)."""

    def __init__(self, values: dict[tuple[str, str, str], float]):
        self.values = values  # (iso3, "X" | "M", chapter) -> US$
        self.exporters: dict[str, dict[str, float]] = defaultdict(dict)
        for (country, flow, chapter), value in values.items():
            if flow == "X":
                self.exporters[chapter][country] = value

    def total(self, country: str, flow: str, chapter: str) -> float:
        return self.values.get((country, flow, chapter), 0.0)

    def world_share(self, country: str, chapter: str) -> float:
        world = sum(self.exporters[chapter].values())
        return self.exporters[chapter].get(country, 0.0) / world if world else 0.0


def read_world_chapters(path: Path) -> WorldChapters:
    """Read data/trade_hs2/baci_oec_hs2_2024.csv (year, flow, country_iso3, hs2, value_usd)."""
    flows = {"export": "X", "import": "M"}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return WorldChapters(
            {
                (row["country_iso3"], flows[row["flow"]], row["hs2"].zfill(2)): float(
                    row["value_usd"]
                )
                for row in csv.DictReader(handle)
            }
        )


def split(total: int, weights: list[float]) -> list[int]:
    """Whole dollars in proportion to `weights`, adding up exactly to `total`."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def distinct(values: dict[str, int], taken: set[int]) -> dict[str, int]:
    """The same values with the same sum, none equal to another or to one already `taken`."""
    order = sorted(values, key=values.get)  # the largest last: it absorbs the moves
    result: dict[str, int] = {}
    for key in order[:-1]:
        value = values[key]
        while value in taken:
            value += 1
        taken.add(value)
        result[key] = value
    last = order[-1]
    result[last] = sum(values.values()) - sum(result.values())
    while result[last] in taken:  # a tie of the largest: move a dollar to the smallest
        result[order[0]] += 1 if len(order) > 1 else 0
        result[last] -= 1
    taken.add(result[last])
    return result


def headings_by_chapter(hs6_codes: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """chapter -> heading -> its subheadings."""
    tree: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for code in sorted(set(hs6_codes)):
        tree[code[:2]][code[:4]].append(code)
    return tree


@dataclass
class Heading:
    """A heading's synthetic figures for one market and flow."""

    code: str
    subheadings: list[str]
    sub_weights: list[float]
    value: int = 0  # the calibrated year
    growth: float = 0.0
    partner_value: int = 0  # the partner's supplies, the calibrated year (imports only)
    suppliers: list[tuple[str, float]] | None = None


def demo_rows(hs6_codes: list[str], world: WorldChapters, seed: int = 2025) -> Iterator[DemoRow]:
    """Mexico's and Peru's imports (by supplier, 2020-2024) and exports (2024), calibrated."""
    rng = random.Random(seed)
    tree = headings_by_chapter(hs6_codes)
    imports = {market: _plan(rng, tree, world, market, "M") for market in (MEX, PER)}
    for market, partner in ((PER, MEX), (MEX, PER)):
        _plan_partner(rng, imports[market], world, market, partner)
    for market in (MEX, PER):
        for heading in imports[market].values():
            heading.suppliers = _suppliers(rng, world, market, heading.code[:2])
        yield from _import_rows(rng, imports[market], market)
    for exporter, market in ((MEX, PER), (PER, MEX)):
        minimums = {h.code: h.partner_value * 1.5 for h in imports[market].values()}
        exports = _plan(rng, tree, world, exporter, "X", minimums)
        yield from _export_rows(exports, exporter)


def _plan(rng, tree, world, country: str, flow: str, minimums: dict | None = None) -> dict:
    """Split each chapter's real total over its headings (the calibrated year)."""
    pinned = {}
    if flow == "M":
        partner = PER if country == MEX else MEX
        pinned = {h: v / rng.uniform(0.2, 0.4) for h, v in ARTICLE_FLOWS[country, partner].items()}
    minimums = {**(minimums or {}), **pinned}
    headings, taken = {}, set()
    for chapter, subtree in sorted(tree.items()):
        total = round(world.total(country, flow, chapter))
        if total <= 0:
            continue
        codes = sorted(subtree)
        # headings with more subheadings tend to carry more trade
        weights = [len(subtree[code]) * rng.lognormvariate(0, 0.7) for code in codes]
        floors = [minimums.get(code, 0.0) for code in codes]
        free_weights = [w if f == 0 else 0.0 for w, f in zip(weights, floors, strict=True)]
        if any(floors) and sum(floors) < total * 0.9 and sum(free_weights):
            # the article's headings at their floor, the rest of the chapter over the others
            scale = (total - sum(floors)) / sum(free_weights)
            weights = [f + w * scale for w, f in zip(free_weights, floors, strict=True)]
        values = distinct(dict(zip(codes, split(total, weights), strict=True)), taken)
        for code in codes:
            subs = subtree[code][:2] if rng.random() < 0.6 else subtree[code][:1]
            headings[code] = Heading(
                code=code,
                subheadings=subs,
                sub_weights=[rng.lognormvariate(0, 0.7) for _sub in subs],
                value=values[code],
                growth=rng.gauss(0.04, 0.07),
            )
    return headings


def _plan_partner(rng, headings: dict, world, market: str, partner: str) -> None:
    """The partner's supplies: the article's products, then the rest by its world share."""
    article = ARTICLE_FLOWS[market, partner]
    rest = BILATERAL_TARGETS[market, partner] - sum(article.values())
    scores = {}
    for code, heading in headings.items():
        if code in article:
            heading.partner_value = min(round(article[code]), heading.value // 2)
        else:
            share = world.world_share(partner, code[:2])
            scores[code] = heading.value * share * rng.lognormvariate(0, 0.8)
    for _round in range(3):  # cap at MAX_PARTNER_SHARE, hand what is left to the others
        given = sum(headings[c].partner_value for c in scores)
        open_codes = [c for c in scores if headings[c].partner_value < headings[c].value * 0.6]
        amounts = split(round(rest - given), [scores[c] for c in open_codes])
        for code, amount in zip(open_codes, amounts, strict=True):
            heading = headings[code]
            cap = math.floor(heading.value * MAX_PARTNER_SHARE)
            heading.partner_value = min(cap, heading.partner_value + amount)


def _suppliers(rng, world, market: str, chapter: str) -> list[tuple[str, float]]:
    """Two to six suppliers of the chapter, likelier and larger the more they export it."""
    partner = PER if market == MEX else MEX
    affinity = AFFINITY[market]
    keys = [
        (value * affinity.get(country, 1.0) * rng.lognormvariate(0, 0.6), country)
        for country, value in world.exporters[chapter].items()
        if country not in (market, partner) and value > 0
    ]
    chosen = sorted(keys, reverse=True)[: rng.randint(2, 6)] or [(1.0, "CHN")]
    return [(country, key) for key, country in chosen]


def _year_factor(rng, heading: Heading, year: int) -> float:
    if year == CALIBRATED_YEAR:
        return 1.0
    return math.exp(-heading.growth * (CALIBRATED_YEAR - year)) * rng.lognormvariate(0, 0.05)


def _import_rows(rng, headings: dict, market: str) -> Iterator[DemoRow]:
    partner = PER if market == MEX else MEX
    for year in YEARS:
        values = {c: round(h.value * _year_factor(rng, h, year)) for c, h in headings.items()}
        values = distinct(values, set()) if year != CALIBRATED_YEAR else values
        for code, heading in headings.items():
            total = values[code]
            from_partner = min(
                round(heading.partner_value * total / max(heading.value, 1)),
                math.floor(total * MAX_PARTNER_SHARE),
            )
            for sub, amount, partner_part in zip(
                heading.subheadings,
                split(total, heading.sub_weights),
                split(from_partner, heading.sub_weights),
                strict=True,
            ):
                partner_part = min(partner_part, amount)
                if partner_part:
                    yield DemoRow(year, market, partner, "M", sub, partner_part)
                names = [country for country, _weight in heading.suppliers]
                shares = [weight for _country, weight in heading.suppliers]
                for country, value in zip(names, split(amount - partner_part, shares), strict=True):
                    if value:
                        yield DemoRow(year, market, country, "M", sub, value)


def _export_rows(headings: dict, exporter: str) -> Iterator[DemoRow]:
    for heading in headings.values():
        for sub, value in zip(
            heading.subheadings, split(heading.value, heading.sub_weights), strict=True
        ):
            if value:
                yield DemoRow(CALIBRATED_YEAR, exporter, "WLD", "X", sub, value)


def write_comtrade(path: Path, rows: Iterable[DemoRow]) -> int:
    """Write demo rows as a UN Comtrade CSV (annual); return the number of rows."""
    count = 0
    with Path(path).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMTRADE_HEADER)
        for row in rows:
            writer.writerow(
                [row.year, row.year, row.reporter, row.partner, row.flow, row.code, row.value]
            )
            count += 1
    return count


def benchmark_rows(n: int, hs6_codes: list[str], seed: int = 7) -> Iterator[tuple]:
    """n BACI rows over many country pairs: Zipf-weighted products and log-normal values.

    As in BACI, a row is the only one of its flow (year, exporter, importer, product) and no
    country trades with itself: a draw that would repeat a flow is drawn again.
    """
    rng = random.Random(seed)
    drawn: set[int] = set()  # each flow as one number: year, exporter, importer, product
    codes = sorted(hs6_codes)
    weights = [1 / (rank**0.8) for rank in range(1, len(codes) + 1)]
    rng.shuffle(weights)
    countries = sorted(int(c.numeric) for c in pycountry.countries)
    chunk = 10_000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        picked = rng.choices(codes, weights=weights, k=size)
        for code in picked:
            while True:
                year, exporter, importer = rng.choice(YEARS), *rng.choices(countries, k=2)
                number = ((year * 1000 + exporter) * 1000 + importer) * 1_000_000 + int(code)
                if exporter != importer and number not in drawn:
                    break
            drawn.add(number)
            value = rng.lognormvariate(4.0, 2.2)  # thousands of US dollars
            quantity = "NA" if rng.random() < 0.05 else f"{value / rng.uniform(0.5, 9):.3f}"
            yield (year, exporter, importer, code, f"{value:.3f}", quantity)


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

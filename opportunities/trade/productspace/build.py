"""Compute the product space from the loaded trade statistics and store it (one level at a time).

Inputs, always from real (non-synthetic) datasets, in their latest year:
- chapter level: world exports by HS chapter, rows with partner "WLD" and flow "X" at 2-digit
  codes (the CEPII BACI via OEC file of 136 exporters), and Mexico's and Peru's imports from the
  world by chapter (partner "WLD", flow "M");
- heading level, when a BACI file covering the world is loaded (rows are imports of the importer
  from the exporter): world exports of c in heading p = the sum over importers of their imports
  from c; a market's imports of p = the sum over its suppliers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Length, Substr

from opportunities.reference.models import HSCode
from opportunities.trade.models import TradeDataset, TradeFlow
from opportunities.trade.productspace import space
from opportunities.trade.productspace.models import CountryProduct, ProductProximity, ProductSpace

COUNTRIES = ("MEX", "PER")
NEIGHBOURS_KEPT = 20  # per product: enough for five suggestions to a firm with many products
MIN_IMPORTERS = 10  # a BACI file with fewer importers does not show world exports


@dataclass
class Inputs:
    """What one level's computation reads: world exports and the two markets' imports."""

    level: int
    year: int
    source: str
    exports: dict[str, dict[str, float]]
    imports: dict[str, dict[str, Decimal]]


def real_datasets() -> QuerySet:
    return TradeDataset.objects.filter(is_synthetic=False).exclude(
        source=TradeDataset.Source.ARTICLE
    )


def _source_label(flows: QuerySet, year: int) -> str:
    ids = flows.values_list("dataset_id", flat=True).distinct()
    names = {d.get_source_display() for d in TradeDataset.objects.filter(pk__in=list(ids))}
    return f"{', '.join(sorted(names))}, {year}"


def chapter_inputs() -> Inputs | None:
    """World exports and the markets' imports by chapter, or None when none are loaded."""
    flows = (
        TradeFlow.objects.filter(dataset__in=real_datasets(), partner="WLD")
        .alias(digits=Length("hs_code_id"))
        .filter(digits=2)
        .exclude(reporter="WLD")
    )
    year = flows.filter(flow="X").order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None
    flows = flows.filter(year=year)
    exports: dict[str, dict[str, float]] = defaultdict(dict)
    rows = flows.filter(flow="X").values("reporter", "hs_code_id").annotate(v=Sum("value_usd"))
    for row in rows:
        exports[row["reporter"]][row["hs_code_id"]] = float(row["v"])
    imports: dict[str, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        flows.filter(flow="M", reporter__in=COUNTRIES)
        .values("reporter", "hs_code_id")
        .annotate(v=Sum("value_usd"))
    )
    for row in rows:
        imports[row["reporter"]][row["hs_code_id"]] = row["v"]
    return Inputs(2, year, _source_label(flows.filter(flow="X"), year), exports, imports)


def heading_inputs() -> Inputs | None:
    """World exports and imports by heading from BACI files covering the world, or None."""
    flows = TradeFlow.objects.filter(
        dataset__in=real_datasets().filter(source=TradeDataset.Source.BACI),
        flow="M",
        hs_code__isnull=False,
    ).exclude(partner="WLD")
    year = flows.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None
    flows = flows.filter(year=year)
    if flows.values("reporter").distinct().count() < MIN_IMPORTERS:
        return None
    by_heading = flows.annotate(heading=Substr("hs_code_id", 1, 4))
    exports: dict[str, dict[str, float]] = defaultdict(dict)
    for row in by_heading.values("partner", "heading").annotate(v=Sum("value_usd")):
        exports[row["partner"]][row["heading"]] = float(row["v"])
    imports: dict[str, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        by_heading.filter(reporter__in=COUNTRIES)
        .values("reporter", "heading")
        .annotate(v=Sum("value_usd"))
    )
    for row in rows:
        imports[row["reporter"]][row["heading"]] = row["v"]
    return Inputs(4, year, _source_label(flows, year), exports, imports)


def _known(exports: dict[str, dict[str, float]], level: int) -> dict[str, dict[str, float]]:
    """Keep the products of the HS 2022 table (drops e.g. HS 1992's chapter 77 leftovers)."""
    codes = set(HSCode.objects.filter(level=level).values_list("code", flat=True))
    return {c: {p: v for p, v in row.items() if p in codes} for c, row in exports.items()}


@transaction.atomic
def build_product_space(*, inputs: Inputs) -> ProductSpace:
    """Compute RCA, M_cp, proximity and Mexico's and Peru's density; replace the stored level."""
    exports = _known(inputs.exports, inputs.level)
    rcas = space.rca(exports)
    m = space.specialisations(rcas)
    phi = space.proximity(m)
    products = sorted({p for row in exports.values() for p, v in row.items() if v > 0})
    ProductSpace.objects.filter(level=inputs.level).delete()
    stored = ProductSpace.objects.create(
        level=inputs.level,
        year=inputs.year,
        source=inputs.source,
        countries=len(rcas),
        products=len(products),
    )
    ProductProximity.objects.bulk_create(_proximities(stored, phi), batch_size=2000)
    rows = []
    for country in COUNTRIES:
        held = m.get(country, frozenset())
        densities = space.density(held, phi, products)
        for product in products:
            value = rcas.get(country, {}).get(product, 0.0)
            rows.append(
                CountryProduct(
                    space=stored,
                    country=country,
                    product_id=product,
                    exports_usd=round(Decimal(exports.get(country, {}).get(product, 0))),
                    imports_usd=inputs.imports.get(country, {}).get(product),
                    rca=value,
                    specialised=product in held,
                    density=densities[product],
                )
            )
    CountryProduct.objects.bulk_create(rows, batch_size=2000)
    return stored


def _proximities(stored: ProductSpace, phi: dict) -> Iterable[ProductProximity]:
    around: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (product, other), value in phi.items():
        around[product].append((value, other))
    for product, pairs in around.items():
        pairs.sort(key=lambda pair: (-pair[0], pair[1]))
        for value, other in pairs[:NEIGHBOURS_KEPT]:
            yield ProductProximity(space=stored, product=product, other_id=other, proximity=value)


@transaction.atomic
def build_all() -> list[ProductSpace]:
    """Rebuild every level the loaded data allows; drop a level whose data is gone."""
    built = []
    for level, read in ((2, chapter_inputs), (4, heading_inputs)):
        inputs = read()
        if inputs is None:
            ProductSpace.objects.filter(level=level).delete()
        else:
            built.append(build_product_space(inputs=inputs))
    return built

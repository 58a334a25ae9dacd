"""Real trade by HS chapter (CEPII BACI via OEC): a country's imports and exports, the world's.

Read by the market pages and, for one chapter, by the opportunity page (the real chapter total
next to a heading's figures). RCA_ic = (x_ic / sum_c x_ic) / (x_wc / sum_c x_wc): Balassa's
revealed comparative advantage of country i in chapter c, over the world's exports in the data
(136 exporting countries in 2024).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from opportunities.reference.models import HSCode
from opportunities.trade import storage
from opportunities.trade.models import TradeDataset, TradeFlow


@dataclass(frozen=True)
class ChapterRow:
    code: str
    description: str
    imports: Decimal
    exports: Decimal
    world_imports: Decimal
    world_exports: Decimal
    rca: float | None  # None when the country reports no exports

    @property
    def world_export_share(self) -> float:
        return float(self.exports / self.world_exports) if self.world_exports else 0.0


@dataclass(frozen=True)
class ChapterTrade:
    country: str  # alpha-3
    dataset: object  # the TradeDataset the figures come from
    rows: list[ChapterRow]

    @property
    def imports(self) -> Decimal:
        return sum((r.imports for r in self.rows), Decimal(0))

    @property
    def exports(self) -> Decimal:
        return sum((r.exports for r in self.rows), Decimal(0))


def world_chapters_dataset():
    """The latest real world-by-chapter dataset, or None when none is loaded."""
    real = TradeDataset.objects.filter(source=TradeDataset.Source.BACI_OEC, is_synthetic=False)
    return real.order_by("-period_end", "-pk").first()


def _rows_of(dataset) -> QuerySet:
    """The dataset's rows with the world; on PostgreSQL its own partition only (by id range)."""
    flows = TradeFlow.objects.filter(dataset=dataset, partner="WLD")
    if connection.vendor == "postgresql":
        low, high = storage.first_id(dataset.pk), storage.first_id(dataset.pk + 1)
        flows = flows.filter(id__gte=low, id__lt=high)
    return flows


def chapter_trade(country: str) -> ChapterTrade | None:
    """Each chapter's imports and exports of `country`, with the world's, in three queries."""
    dataset = world_chapters_dataset()
    if dataset is None:
        return None
    sums = (
        _rows_of(dataset)
        .values("hs_code_id")
        .annotate(
            world_m=Sum("value_usd", filter=Q(flow="M")),
            world_x=Sum("value_usd", filter=Q(flow="X")),
            mine_m=Sum("value_usd", filter=Q(flow="M", reporter=country)),
            mine_x=Sum("value_usd", filter=Q(flow="X", reporter=country)),
        )
    )
    sums = {row["hs_code_id"]: row for row in sums}
    names = HSCode.objects.in_bulk(list(sums))
    zero = Decimal(0)
    world_total = sum((r["world_x"] or zero for r in sums.values()), zero)
    mine_total = sum((r["mine_x"] or zero for r in sums.values()), zero)
    rows = []
    for code, row in sorted(sums.items()):
        exports, world = row["mine_x"] or zero, row["world_x"] or zero
        rca = None
        if mine_total and world and world_total:
            rca = float((exports / mine_total) / (world / world_total))
        rows.append(
            ChapterRow(
                code=code,
                description=names[code].description if code in names else code,
                imports=row["mine_m"] or zero,
                exports=exports,
                world_imports=row["world_m"] or zero,
                world_exports=world,
                rca=rca,
            )
        )
    return ChapterTrade(country=country, dataset=dataset, rows=rows)


def chapter_totals(country: str, chapter: str) -> ChapterTrade | None:
    """One chapter of `country`: its real imports and exports and the world's (two queries)."""
    dataset = world_chapters_dataset()
    if dataset is None:
        return None
    row = (
        _rows_of(dataset)
        .filter(hs_code_id=chapter)
        .aggregate(
            world_m=Sum("value_usd", filter=Q(flow="M")),
            world_x=Sum("value_usd", filter=Q(flow="X")),
            mine_m=Sum("value_usd", filter=Q(flow="M", reporter=country)),
            mine_x=Sum("value_usd", filter=Q(flow="X", reporter=country)),
        )
    )
    if row["world_x"] is None and row["world_m"] is None:
        return None
    zero = Decimal(0)
    only = ChapterRow(
        code=chapter,
        description="",
        imports=row["mine_m"] or zero,
        exports=row["mine_x"] or zero,
        world_imports=row["world_m"] or zero,
        world_exports=row["world_x"] or zero,
        rca=None,
    )
    return ChapterTrade(country=country, dataset=dataset, rows=[only])

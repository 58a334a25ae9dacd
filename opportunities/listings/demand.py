"""Market demand: trade statistics -> market-demand opportunities.

For market j (Mexico or Peru, or a Mexican state where the data has states), partner i (the other
country) and HS heading k, over the years the data covers:

- M_jk: imports of j from the world (sum over partners; a reported "World" total when larger);
- P_ijk: imports of j from i (or, when j's data lacks them, i's reported exports to j);
- growth: compound yearly growth of M_jk between the first and the last year;
- s_ik: i's share of world exports of k, from every flow the data holds (exports of i to any
  importer over all exports of k) when the data covers the world (ten importers or more);
  otherwise (the data holds Mexico's and Peru's imports only) i's share of j's imports of k
  scaled by i's revealed comparative advantage and capped at the share of j's largest supplier
  of k (no one is assumed to outgrow the market leader): s_ik = min(P_ijk / M_jk * RCA_ik,
  leader_jk), with RCA_ik = (x_ik / sum_k x_ik) / (x_wk / sum_k x_wk) over the exports the
  data shows;
- potential_ijk = s_ik * M_jk and unrealised potential = max(potential_ijk - P_ijk, 0), in the
  spirit of ITC's export potential indicator (simplified: no tariffs, distance or GDP terms).

An opportunity is published when M_jk in the last year reaches the threshold
(settings.DEMAND_MIN_IMPORTS_USD, per state DEMAND_MIN_STATE_IMPORTS_USD); it is flagged as thin
data with fewer than three years or fewer than twelve months in the last year. A published
opportunity that no longer holds is closed, not deleted.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from opportunities.listings.models import Opportunity
from opportunities.reference.models import HSCode, SectorCode
from opportunities.trade.models import TradeDataset, TradeFlow
from tradeportal import pagecache
from tradeportal.text import fold

MARKETS = {"MEX": ("MX", "PER"), "PER": ("PE", "MEX")}  # alpha-3 -> (country, partner alpha-3)


@dataclass
class Demand:
    """The numbers behind one market-demand opportunity."""

    market: str  # alpha-3 of the importing country
    region: str | None
    heading: str
    world: dict[int, Decimal] = field(default_factory=dict)  # year -> M_jk
    partner: dict[int, Decimal] = field(default_factory=dict)  # year -> P_ijk
    months_last_year: int = 12
    months: list[int] = field(default_factory=list)  # of the last year, when not all of it
    leader_share: float = 1.0  # the largest single supplier's share of M_jk in the last year
    origins: list[tuple[str, Decimal]] = field(default_factory=list)  # main suppliers, last year

    def figures(self) -> dict:
        """The series the opportunity page charts, as JSON-ready numbers."""
        years = sorted(self.world)
        return {
            "years": years,
            "world": [float(self.world[y]) for y in years],
            "partner": [float(self.partner.get(y, 0)) for y in years],
            "origins": [[code, float(value)] for code, value in self.origins],
        }

    @property
    def last_year(self) -> int:
        return max(self.world)

    @property
    def first_year(self) -> int:
        return min(self.world)

    @property
    def imports(self) -> Decimal:
        return self.world[self.last_year]

    @property
    def from_partner(self) -> Decimal:
        return self.partner.get(self.last_year, Decimal(0))

    @property
    def growth_pct(self) -> float | None:
        first, years = self.world[self.first_year], self.last_year - self.first_year
        if years == 0 or first <= 0 or self.imports <= 0:
            return None
        return round(((float(self.imports) / float(first)) ** (1 / years) - 1) * 100, 1)

    @property
    def is_thin(self) -> bool:
        return len(self.world) < 3 or self.months_last_year < 12

    def potential(self, share: float) -> Decimal:
        return (self.imports * Decimal(str(share))).quantize(Decimal("1"))

    def unrealised(self, share: float) -> Decimal:
        return max(self.potential(share) - self.from_partner, Decimal(0))


def basis_datasets():
    """Datasets the demand is computed from: real ones when any exist, else the synthetic demo.

    The article's figures and the world trade by chapter (CEPII BACI via OEC) are not product
    statistics at heading level, so neither is a basis (the chapters calibrate the demo and show
    on the market pages)."""

    usable = TradeDataset.objects.exclude(
        source__in=[TradeDataset.Source.ARTICLE, TradeDataset.Source.BACI_OEC]
    )
    real = usable.filter(is_synthetic=False)
    national = real.exclude(source=TradeDataset.Source.DATAMEXICO)
    if not national.exists():
        national = usable.filter(is_synthetic=True)
    states = real.filter(source=TradeDataset.Source.DATAMEXICO)
    return list(national), list(states)


def collect(datasets, *, by_region: bool) -> dict[tuple, Demand]:
    """Aggregate imports of Mexico and Peru by (market, region, heading, year) in one query each."""

    demands: dict[tuple, Demand] = {}
    months: dict[tuple, set] = defaultdict(set)
    flows = TradeFlow.objects.filter(dataset__in=datasets, flow="M", hs_code__isnull=False)
    flows = flows.filter(region__isnull=not by_region)
    for market, (_country, partner) in MARKETS.items():
        rows = (
            flows.filter(reporter=market)
            .annotate(heading=Substr("hs_code_id", 1, 4))
            .values("region_id", "heading", "year", "month")
            .annotate(
                world=Sum("value_usd", filter=~Q(partner="WLD")),
                reported_world=Sum("value_usd", filter=Q(partner="WLD")),
                from_partner=Sum("value_usd", filter=Q(partner=partner)),
            )
        )
        for row in rows:
            key = (market, row["region_id"], row["heading"])
            demand = demands.setdefault(key, Demand(market, row["region_id"], row["heading"]))
            world = max(row["world"] or 0, row["reported_world"] or 0)
            demand.world[row["year"]] = demand.world.get(row["year"], Decimal(0)) + world
            demand.partner[row["year"]] = demand.partner.get(row["year"], Decimal(0)) + (
                row["from_partner"] or 0
            )
            months[key, row["year"]].add(row["month"])
    for key, demand in demands.items():
        seen = months[key, demand.last_year]
        demand.months_last_year = 12 if None in seen else len(seen)
        demand.months = [] if None in seen or len(seen) == 12 else sorted(seen)
    _leaders(flows, demands)
    return demands


def _leaders(flows, demands: dict[tuple, Demand]) -> None:
    """Record each demand's largest supplier share in its last year (one grouped query)."""
    last = flows.order_by("-year").values_list("year", flat=True).first()
    suppliers: dict[tuple, list] = defaultdict(list)
    rows = (
        flows.filter(year=last)
        .exclude(partner="WLD")
        .annotate(heading=Substr("hs_code_id", 1, 4))
        .values("reporter", "region_id", "heading", "partner")
        .annotate(value=Sum("value_usd"))
    )
    for row in rows:
        key = (row["reporter"], row["region_id"], row["heading"])
        suppliers[key].append((row["partner"], row["value"] or Decimal(0)))
    for key, demand in demands.items():
        if demand.last_year != last or key not in suppliers:
            continue
        ranked = sorted(suppliers[key], key=lambda pair: pair[1], reverse=True)
        demand.origins = ranked[:8]
        if demand.imports > 0:
            demand.leader_share = float(ranked[0][1] / demand.imports)


@dataclass
class Supply:
    """What the data says of Mexico's and Peru's exports, per heading, in its last year."""

    world_coverage: bool  # the data holds the imports of many countries, not just the pair's
    shares: dict[tuple[str, str], float]  # (exporter, heading) -> share of all exports of k
    rca: dict[tuple[str, str], float]  # (exporter, heading) -> Balassa RCA

    def share(self, demand: Demand, exporter: str) -> float:
        """s_ik: the world share, or without world data j's share from i scaled by RCA."""
        key = (exporter, demand.heading)
        if self.world_coverage or not demand.imports:
            return self.shares.get(key, 0.0)
        scaled = float(demand.from_partner / demand.imports) * self.rca.get(key, 0.0)
        return min(scaled, demand.leader_share)


def supply(datasets) -> Supply:
    """Exports by heading of Mexico, Peru and everyone, read from the importers' statistics."""

    flows = TradeFlow.objects.filter(dataset__in=datasets, flow="M", hs_code__isnull=False)
    flows = flows.exclude(partner="WLD")
    last = flows.order_by("-year").values_list("year", flat=True).first()
    flows = flows.filter(year=last)
    importers = flows.values("reporter").distinct().count()
    rows = list(
        flows.annotate(heading=Substr("hs_code_id", 1, 4))
        .values("heading")
        .annotate(
            total=Sum("value_usd"),
            MEX=Sum("value_usd", filter=Q(partner="MEX")),
            PER=Sum("value_usd", filter=Q(partner="PER")),
        )
    )
    world_total = sum(float(r["total"] or 0) for r in rows) or 1.0
    shares, rca = {}, {}
    for exporter in ("MEX", "PER"):
        exporter_total = sum(float(r[exporter] or 0) for r in rows) or 1.0
        for row in rows:
            value, total = float(row[exporter] or 0), float(row["total"] or 0)
            if total:
                shares[exporter, row["heading"]] = value / total
                rca[exporter, row["heading"]] = (value / exporter_total) / (total / world_total)
    return Supply(world_coverage=importers >= 10, shares=shares, rca=rca)


def _state_sources(states) -> dict:
    """The latest dataset holding each state's figures, to name the source of its demand."""

    by_id = {d.pk: d for d in states}
    pairs = TradeFlow.objects.filter(dataset__in=states).values_list("region_id", "dataset_id")
    latest: dict[str, int] = {}
    for region, dataset_id in pairs.distinct():
        latest[region] = max(latest.get(region, 0), dataset_id)
    return {region: by_id[pk] for region, pk in latest.items()}


def demand_key(demand: Demand) -> str:
    return f"demand:{demand.market}:{demand.region or '-'}:{demand.heading}"


@transaction.atomic
def regenerate() -> dict[str, int]:
    """Recompute every market-demand opportunity; publish, update or close them. Idempotent."""

    national, states = basis_datasets()
    exports = supply(national)
    demands = {**collect(national, by_region=False), **collect(states, by_region=True)}
    headings = HSCode.objects.in_bulk({d.heading for d in demands.values()})
    sectors = dict(
        SectorCode.objects.filter(sector__is_active=True)
        .order_by("sector__order")
        .values_list("hs_code_id", "sector_id")
        .reverse()
    )
    national_source = max(national, key=lambda d: d.pk, default=None)
    state_sources = _state_sources(states)
    existing = {o.demand_key: o for o in Opportunity.objects.filter(kind=Opportunity.Kind.DEMAND)}
    now, kept, counts = timezone.now(), set(), {"published": 0, "updated": 0, "closed": 0}
    to_create, to_update = [], []
    for demand in demands.values():
        minimum = (
            settings.DEMAND_MIN_STATE_IMPORTS_USD
            if demand.region
            else settings.DEMAND_MIN_IMPORTS_USD
        )
        heading = headings.get(demand.heading)
        if heading is None or demand.imports < minimum:
            continue
        key = demand_key(demand)
        kept.add(key)
        opportunity = existing.get(key) or Opportunity(kind=Opportunity.Kind.DEMAND, demand_key=key)
        was_published = opportunity.status == Opportunity.Status.PUBLISHED
        _fill(
            opportunity,
            demand,
            heading,
            exports.share(demand, MARKETS[demand.market][1]),
            sectors.get(demand.heading) or sectors.get(demand.heading[:2]),
            state_sources.get(demand.region) if demand.region else national_source,
        )
        if not was_published:
            opportunity.status, opportunity.published_at, opportunity.closed_at = (
                "published",
                now,
                None,
            )
            counts["published"] += 1
        else:
            counts["updated"] += 1
        opportunity.updated_at = now  # its cached card (opportunities.web.cards) is keyed on it
        (to_update if opportunity.pk else to_create).append(opportunity)
    Opportunity.objects.bulk_create(to_create, batch_size=1000)
    Opportunity.objects.bulk_update(
        to_update,
        [*FILLED_FIELDS, "status", "published_at", "closed_at", "updated_at"],
        batch_size=1000,
    )
    gone = [k for k, o in existing.items() if k not in kept and o.status == "published"]
    counts["closed"] = Opportunity.objects.filter(demand_key__in=gone).update(
        status=Opportunity.Status.CLOSED, closed_at=now
    )
    pagecache.public_pages_changed(pagecache.OPPORTUNITIES)
    return counts


FILLED_FIELDS = [
    "market_country",
    "market_region_id",
    "hs_code_id",
    "sector_id",
    "value_usd",
    "imports_world_usd",
    "imports_partner_usd",
    "growth_pct",
    "potential_usd",
    "unrealised_usd",
    "period_start",
    "period_end",
    "is_thin_data",
    "period_months",
    "figures",
    "dataset_id",
    "is_demo",
    "search_text",
]


def _fill(opportunity, demand: Demand, heading, share: float, sector_id, dataset) -> None:
    opportunity.market_country = MARKETS[demand.market][0]
    opportunity.market_region_id = demand.region
    opportunity.hs_code_id = heading.code
    opportunity.sector_id = sector_id
    opportunity.value_usd = opportunity.imports_world_usd = demand.imports
    opportunity.imports_partner_usd = demand.from_partner
    opportunity.growth_pct = demand.growth_pct
    opportunity.potential_usd = demand.potential(share)
    opportunity.unrealised_usd = demand.unrealised(share)
    opportunity.period_start, opportunity.period_end = demand.first_year, demand.last_year
    opportunity.is_thin_data = demand.is_thin
    opportunity.period_months = demand.months
    opportunity.dataset = dataset
    opportunity.is_demo = bool(dataset and dataset.is_synthetic)
    opportunity.figures = demand.figures()
    opportunity.search_text = fold(
        f"{heading.code} {heading.description_es} {heading.description_en}"
    )

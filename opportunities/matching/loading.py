"""The queries that load what firms are matched with: open opportunities and counterpart firms,
as named rows for the engine (candidates.py)."""

from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from companies.models import Company, CompanyProduct
from opportunities.models import HSCode, Opportunity
from tradeportal.i18n import Country

OTHER_SIDE = {"export": "import", "import": "export"}


class Opening(NamedTuple):
    """An open opportunity, as the engine reads it."""

    pk: int
    kind: str
    code: str
    market: str
    region: str
    sector_id: int | None
    value: float | None
    world: float | None
    partner: float | None
    growth: float | None
    unrealised: float | None
    year: int | None
    required: frozenset[str]
    age_days: float
    buyer: str
    verified: bool


class CounterpartRow(NamedTuple):
    """A verified firm trading one HS code in one direction."""

    direction: str
    country: str
    code: str
    pk: int
    legal_name: str
    trade_name: str


# The firm's country and status are checked by a subquery per product row, which PostgreSQL
# never turns into a join: each code's products are read in id order and the read stops at the
# limit, whatever the planner believes of the companies table.
FIRST_COUNTERPARTS = """
SELECT w.direction, w.country, h.code, c.id, c.legal_name, c.trade_name
FROM unnest(%s::text[], %s::text[], %s::text[]) AS w(direction, pattern, country)
JOIN {codes} h ON h.code LIKE w.pattern
CROSS JOIN LATERAL (
    SELECT p.company_id FROM {products} p
    WHERE p.direction = w.direction AND p.hs_code_id = h.code AND (
        SELECT c.country = w.country AND c.status = %s FROM {companies} c WHERE c.id = p.company_id
    )
    ORDER BY p.company_id
    LIMIT %s
) f
JOIN {companies} c ON c.id = f.company_id
"""


def _number(value) -> float | None:
    return float(value) if value is not None else None


def chapters_filter(chapters, **also) -> Q:
    query = Q(pk__in=[])
    for chapter in sorted(chapters):
        query |= Q(hs_code__code__startswith=chapter, **also)
    return query


def openings(needs, now: datetime) -> list[Opening]:
    """Open opportunities (buyer requests of verified firms only); with `needs`, only those in
    the chapters the firms trading these (direction, chapter, country) export in."""
    queryset = (
        Opportunity.objects.open()
        .filter(~Q(kind=Opportunity.Kind.REQUEST) | Q(company__status="verified"))
        .order_by()
    )
    if needs is not None:
        exported = {chapter for direction, chapter, _country in needs if direction == "export"}
        queryset = queryset.filter(chapters_filter(exported))
    rows = queryset.values_list(
        "pk",
        "kind",
        "hs_code_id",
        "market_country",
        "market_region__name",
        "sector_id",
        "value_usd",
        "imports_world_usd",
        "imports_partner_usd",
        "growth_pct",
        "unrealised_usd",
        "period_end",
        "required_certifications",
        "published_at",
        "company__legal_name",
        "company__trade_name",
        "company__status",
        named=True,
    )
    return [
        Opening(
            pk=row.pk,
            kind=row.kind,
            code=row.hs_code_id,
            market=row.market_country,
            region=row.market_region__name or "",
            sector_id=row.sector_id,
            value=_number(row.value_usd),
            world=_number(row.imports_world_usd),
            partner=_number(row.imports_partner_usd),
            growth=row.growth_pct,
            unrealised=_number(row.unrealised_usd),
            year=row.period_end,
            required=frozenset(row.required_certifications or ()),
            age_days=(now - row.published_at).days if row.published_at else 0,
            buyer=row.company__trade_name or row.company__legal_name or "",
            verified=row.kind != "request" or row.company__status == "verified",
        )
        for row in rows
    ]


def counterparts_wanted(needs) -> list[tuple[str, str, str]]:
    """(direction, HS chapter or "" for all, country) of the counterpart firms to load."""
    if needs is None:
        return [(d, "", c) for d in OTHER_SIDE for c in Country.values]
    return sorted(
        {
            (OTHER_SIDE[direction], chapter, other)
            for direction, chapter, country in needs
            for other in Country.values
            if other != country
        }
    )


def first_counterparts(needs, per_code: int) -> list[CounterpartRow]:
    """Verified firms by (direction, country, HS code): the first `per_code` by id of each."""
    wanted = counterparts_wanted(needs)
    if connection.vendor == "postgresql":
        rows = _first_counterparts_postgresql(wanted, per_code)
    else:
        rows = _first_counterparts_orm(wanted, per_code)
    return [CounterpartRow(*row) for row in rows]


def _first_counterparts_orm(wanted, per_code: int):
    queryset = CompanyProduct.objects.filter(company__status=Company.Status.VERIFIED)
    query = Q(pk__in=[])
    for direction, chapter, country in wanted:
        query |= chapters_filter([chapter], direction=direction, company__country=country)
    return (
        queryset.filter(query)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("direction"), F("company__country"), F("hs_code_id")],
                order_by=F("company_id").asc(),
            )
        )
        .filter(rank__lte=per_code)
        .values_list(
            "direction",
            "company__country",
            "hs_code_id",
            "company_id",
            "company__legal_name",
            "company__trade_name",
        )
    )


def _first_counterparts_postgresql(wanted, per_code: int):
    """The same rows, each code's first firms read from an index: a few rows per code, where
    numbering every product of a popular chapter costs a sort of tens of thousands."""
    sql = FIRST_COUNTERPARTS.format(
        codes=HSCode._meta.db_table,
        products=CompanyProduct._meta.db_table,
        companies=Company._meta.db_table,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # compiling this query costs ten times more than running it
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            sql,
            [
                [direction for direction, _chapter, _country in wanted],
                [f"{chapter}%" for _direction, chapter, _country in wanted],
                [country for _direction, _chapter, country in wanted],
                Company.Status.VERIFIED,
                per_code,
            ],
        )
        return cursor.fetchall()

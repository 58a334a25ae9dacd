"""The queries that load what firms are matched with: open opportunities and counterpart firms,
as named rows for the engine (candidates.py)."""

from datetime import datetime
from typing import NamedTuple

from django.db.models import Q

from companies.models import Company, CompanyProduct
from opportunities.listings.models import Opportunity
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
    company_id: int | None  # the buyer of a request
    completeness: float  # the share of value and sector known
    months: tuple[int, ...] = ()  # of the last year, when the figures cover only part of it
    demo: bool = False  # synthetic figures: every reason quoting them says so


class CounterpartRow(NamedTuple):
    """A verified firm trading one HS code in one direction, with what its score depends on."""

    direction: str
    country: str
    code: str
    pk: int
    name: str
    size: str
    sectors: frozenset[int]
    certifications: frozenset[str]
    required: frozenset[str]  # certifications its open buyer requests require
    activity_days: int  # whole days since its profile last changed or it was verified
    completeness: float  # the share of its profile filled in


# What a complete company profile has, besides its name, country, region and products.
PROFILE_FIELDS = ("description", "website", "city", "year_founded", "logo", "languages")
PROFILE_PARTS = len(PROFILE_FIELDS) + 2  # and its certifications and sectors


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
        "period_months",
        "is_demo",
        "required_certifications",
        "published_at",
        "company__legal_name",
        "company__trade_name",
        "company__status",
        "company_id",
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
            company_id=row.company_id,
            completeness=((row.value_usd is not None) + (row.sector_id is not None)) / 2,
            months=tuple(row.period_months or ()),
            demo=row.is_demo,
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


def counterparts(needs, now: datetime) -> list[CounterpartRow]:
    """Every verified firm's products in what firms trading these (direction, chapter, country)
    can match (everything with `needs=None`), in four queries."""
    query = Q(pk__in=[])
    for direction, chapter, country in counterparts_wanted(needs):
        query |= chapters_filter([chapter], direction=direction, company__country=country)
    products = CompanyProduct.objects.filter(query, company__status=Company.Status.VERIFIED)
    # the firms as a subquery, never a list of ids: a full run has 100,000 of them
    listed = products.values("company_id")
    firms = {
        row.pk: row
        for row in Company.objects.filter(pk__in=listed)
        .order_by()
        .values_list(
            "pk",
            "legal_name",
            "trade_name",
            "size",
            "certifications",
            "updated_at",
            "verified_at",
            *PROFILE_FIELDS,
            named=True,
        )
    }
    sectors: dict[int, set[int]] = {}
    for company_id, sector_id in Company.sectors.through.objects.filter(
        company_id__in=listed
    ).values_list("company_id", "sector_id"):
        sectors.setdefault(company_id, set()).add(sector_id)
    required: dict[int, set[str]] = {}
    for company_id, certifications in (
        Opportunity.objects.open()
        .filter(kind=Opportunity.Kind.REQUEST, company_id__in=listed)
        .values_list("company_id", "required_certifications")
    ):
        required.setdefault(company_id, set()).update(certifications or ())
    # what a firm's score depends on, once per firm and shared by each of its products
    facts = {
        pk: _facts(firm, sectors.get(pk, ()), required.get(pk, ()), now)
        for pk, firm in firms.items()
    }
    return [
        CounterpartRow(direction, country, code, pk, *facts[pk])
        for direction, country, code, pk in products.order_by().values_list(
            "direction", "company__country", "hs_code_id", "company_id"
        )
        if pk in facts  # a firm verified after the first query is left to its own rematch
    ]


class Facts(NamedTuple):
    """The fields of CounterpartRow that come from the firm, in its order."""

    name: str
    size: str
    sectors: frozenset[int]
    certifications: frozenset[str]
    required: frozenset[str]
    activity_days: int
    completeness: float


def _facts(firm, sectors, required, now: datetime) -> Facts:
    """What a counterpart firm's score depends on, from its company row."""
    active = max(filter(None, (firm.updated_at, firm.verified_at)), default=now)
    certifications = frozenset(firm.certifications or ())
    filled = sum(bool(getattr(firm, name)) for name in PROFILE_FIELDS)
    filled += bool(certifications) + bool(sectors)
    return Facts(
        name=firm.trade_name or firm.legal_name,
        size=firm.size,
        sectors=frozenset(sectors),
        certifications=certifications,
        required=frozenset(required),
        activity_days=max((now - active).days, 0),
        completeness=round(filled / PROFILE_PARTS, 3),
    )

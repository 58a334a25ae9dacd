"""The queries that load what firms are matched with: open opportunities and counterpart firms,
as named rows for the engine (candidates.py)."""

import json
from datetime import datetime
from typing import NamedTuple

from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    JSONField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Exp, Floor, Greatest
from django.db.models.lookups import GreaterThan

from companies.models import Company, CompanyProduct, sector_bits
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


def codes_filter(prefixes, **also) -> Q:
    """Rows whose HS code is one of these codes (6 digits) or starts with one of these headings
    or chapters.

    A prefix is written as the range of codes from it to the next one ('0806' <= code < '0807'),
    not as LIKE '0806%': PostgreSQL reads a range from the (direction, code) indexes in any
    collation, a LIKE only from the code's own pattern index, and then intersects it with every
    product of the direction (30,000 rows at the benchmark's scale) for each prefix."""
    codes = sorted(p for p in prefixes if len(p) == 6)
    query = Q(hs_code_id__in=codes, **also) if codes else Q(pk__in=[])
    for shared in sorted(p for p in prefixes if len(p) < 6):
        query |= Q(**also) & _from_prefix(shared)
    return query


def _from_prefix(prefix: str) -> Q:
    """Codes from the prefix to the next one of its length ('0806' -> from '0806' below '0807';
    '99' has no next, "" is every code). Codes are digits, which sort alike in every collation."""
    if not prefix:
        return Q(hs_code__isnull=False)
    following = str(int(prefix) + 1).zfill(len(prefix))
    below = Q(hs_code_id__lt=following) if len(following) == len(prefix) else Q()
    return Q(hs_code_id__gte=prefix) & below


def openings(needs, now: datetime) -> list[Opening]:
    """Open opportunities (buyer requests of verified firms only); with `needs`, only those
    under the HS prefixes (codes, headings or chapters) that firms trading these (direction,
    prefix, country) export in."""
    queryset = (
        Opportunity.objects.open()
        .filter(~Q(kind=Opportunity.Kind.REQUEST) | Q(company__status="verified"))
        .order_by()
    )
    if needs is not None:
        exported = {shared for direction, shared, _country in needs if direction == "export"}
        queryset = queryset.filter(codes_filter(exported))
    # the figures as floats, the JSON lists as their text and the age in whole days, from the
    # database: a popular code's 1,700 openings spent 20 of their 32 ms on Decimals, JSON and
    # datetimes made in Python only to be turned into floats, tuples and days
    as_float = {
        f"{name}_float": Cast(name, FloatField())
        for name in ("value_usd", "imports_world_usd", "imports_partner_usd", "unrealised_usd")
    }
    as_text = {
        f"{name}_text": Cast(name, TextField())
        for name in ("period_months", "required_certifications")
    }
    age = Floor(DaysSince("published_at", now), output_field=FloatField())
    rows = queryset.annotate(**as_float, **as_text, age=age).values_list(
        "pk",
        "kind",
        "hs_code_id",
        "market_country",
        "market_region__name",
        "sector_id",
        "value_usd_float",
        "imports_world_usd_float",
        "imports_partner_usd_float",
        "growth_pct",
        "unrealised_usd_float",
        "period_end",
        "period_months_text",
        "is_demo",
        "required_certifications_text",
        "age",
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
            value=row.value_usd_float,
            world=row.imports_world_usd_float,
            partner=row.imports_partner_usd_float,
            growth=row.growth_pct,
            unrealised=row.unrealised_usd_float,
            year=row.period_end,
            required=frozenset(_json_list(row.required_certifications_text)),
            age_days=int(row.age) if row.age is not None else 0,
            buyer=row.company__trade_name or row.company__legal_name or "",
            verified=row.kind != "request" or row.company__status == "verified",
            company_id=row.company_id,
            completeness=((row.value_usd_float is not None) + (row.sector_id is not None)) / 2,
            months=tuple(_json_list(row.period_months_text)),
            demo=row.is_demo,
        )
        for row in rows
    ]


def _json_list(text: str | None) -> list:
    """A JSON list column read as text: most are empty."""
    if not text or text in ("[]", "null"):
        return []
    return json.loads(text) or []


def counterparts_wanted(needs) -> list[tuple[str, str, str]]:
    """(direction, HS prefix or "" for all, country) of the counterpart firms to load."""
    if needs is None:
        return [(d, "", c) for d in OTHER_SIDE for c in Country.values]
    return sorted(
        {
            (OTHER_SIDE[direction], shared, other)
            for direction, shared, country in needs
            for other in Country.values
            if other != country
        }
    )


def _products(needs):
    """The verified firms' products in what firms trading these (direction, HS prefix, country)
    can match (everything with `needs=None`)."""
    query = Q(pk__in=[])
    wanted: dict[tuple[str, str], set[str]] = {}
    for direction, shared, country in counterparts_wanted(needs):
        wanted.setdefault((direction, country), set()).add(shared)
    for (direction, country), prefixes in sorted(wanted.items()):
        query |= codes_filter(prefixes, direction=direction, company__country=country)
    return CompanyProduct.objects.filter(query, company__status=Company.Status.VERIFIED)


class DaysSince(Func):
    """The days, with their fraction, from a datetime to `now`, on PostgreSQL and SQLite."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM (%(expressions)s))::float8 / 86400"
    arg_joiner = " - "

    def __init__(self, expression, now: datetime):
        super().__init__(Value(now, output_field=DateTimeField()), expression)

    def as_sqlite(self, compiler, connection, **extra):
        template, joiner = "(julianday(%(expressions)s))", ") - julianday("
        return self.as_sql(compiler, connection, template=template, arg_joiner=joiner, **extra)


class Bounds(NamedTuple):
    """The most one firm could score with each counterpart product, term by term, in points: what
    no counterpart lowers (requirements met), the product fit by (direction, HS code or prefix)
    closest first, the size fit by (direction, size band), a sector the firm shares, freshness at
    its best (for a firm active `now`) and a complete profile."""

    constant: float
    fits: tuple[tuple[str, str, float], ...]
    sizes: dict[tuple[str, str], float]
    sectors: frozenset[int]
    sector: float
    freshness: float
    profile: float  # for a complete profile


def closest_counterparts(
    needs, bounds: Bounds, now: datetime, limit: int | None
) -> tuple[list[int] | None, float | None]:
    """The ids of the `limit` counterpart products of these needs with the highest bounds, and
    the highest bound among the others (None when none is left out; every product with
    `limit=None`): a firm's rematch reads those that could enter its list instead of every firm
    of its codes."""
    if limit is None:
        return None, None
    fit = Case(
        *(When(codes_filter([p], direction=d), then=Value(v)) for d, p, v in bounds.fits),
        default=Value(0.0),
        output_field=FloatField(),
    )
    size = Case(
        *(When(direction=d, company__size=s, then=Value(v)) for (d, s), v in bounds.sizes.items()),
        default=Value(max(bounds.sizes.values(), default=0.0)),
        output_field=FloatField(),
    )
    # a day less than the firm's whole days since its last activity: never below its freshness
    fresh = Exp(-Greatest(DaysSince(_last_active("company__"), now) - 1, Value(0.0)) / 90)
    # a sector it may share with the firm, and its profile's sectors part, from its sector bits:
    # looking up a popular code's 18,000 firms' sector links cost 80 ms
    per_part = bounds.profile / PROFILE_PARTS
    sectors = Case(When(~Q(company__sector_bits=0), then=Value(per_part)), default=Value(0.0))
    if mask := sector_bits(bounds.sectors):
        shared = GreaterThan(F("company__sector_bits").bitand(mask), 0)
        sectors += Case(When(shared, then=Value(bounds.sector)), default=Value(0.0))
    bound = ExpressionWrapper(
        Value(bounds.constant)
        + fit
        + size
        + sectors
        + Value(bounds.freshness) * fresh
        + Value(per_part) * Cast(_filled_parts("company__"), FloatField()),
        output_field=FloatField(),
    )
    ranked = list(
        _products(needs)
        .annotate(bound=bound)
        .order_by("-bound", "pk")
        .values_list("pk", "bound")[: limit + 1]
    )
    rest = ranked[limit][1] if len(ranked) > limit else None
    return [pk for pk, _bound in ranked[:limit]], rest


def counterparts(needs, now: datetime, only=None) -> list[CounterpartRow]:
    """Every verified firm's products in what firms trading these (direction, HS prefix,
    country) can match (everything with `needs=None`), or only the products of ids `only`, in
    four queries."""
    # `only` was chosen by `closest_counterparts` among the verified firms' products of the needs
    products = _products(needs) if only is None else CompanyProduct.objects.filter(pk__in=only)
    # the firms as a subquery, never a list of ids: a full run has 100,000 of them
    listed = products.values("company_id")
    # its days since it was last active, its certifications as JSON text and how many parts of
    # its profile but its sectors are filled in, from the database: a full run's 100,000 firms
    # spent seconds on datetimes, JSON and long descriptions made in Python only to be turned
    # into days, sets and truths
    firms = {
        row.pk: row
        for row in Company.objects.filter(pk__in=listed)
        .order_by()
        .annotate(
            certifications_text=Cast("certifications", TextField()),
            idle=Floor(DaysSince(_last_active(""), now), output_field=FloatField()),
            filled=_filled_parts(""),
        )
        .values_list(
            "pk",
            "legal_name",
            "trade_name",
            "size",
            "certifications_text",
            "idle",
            "filled",
            named=True,
        )
    }
    if only is not None:
        # a few hundred firms: by their ids, which their links and requests are indexed by (the
        # subquery had PostgreSQL walk every buyer request to find theirs)
        listed = sorted(firms)
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
        pk: _facts(firm, sectors.get(pk, ()), required.get(pk, ())) for pk, firm in firms.items()
    }
    return [
        CounterpartRow(direction, country, code, pk, *facts[pk])
        for direction, country, code, pk in products.order_by().values_list(
            "direction", "company__country", "hs_code_id", "company_id"
        )
        if pk in facts  # a firm verified after the first query is left to its own rematch
    ]


def _last_active(path: str) -> Greatest:
    """When a company last changed its profile or was verified, from rows that reach it by
    `path` ("" for its own row)."""
    return Greatest(f"{path}updated_at", Coalesce(f"{path}verified_at", f"{path}updated_at"))


def _filled_parts(path: str):
    """How many parts of a company's profile but its sectors are filled in, from rows that reach
    it by `path` ("" for its own row)."""
    filled = Value(0)
    for gap in _profile_gaps(path):
        filled += Case(When(gap, then=Value(0)), default=Value(1))
    return filled


def _profile_gaps(path: str) -> list[Q]:
    """Where each part of a company's profile but its sectors counts as not filled in (a null, an
    empty text, list or object, a zero year), from rows that reach the company by `path`."""
    gaps = []
    for name in (*PROFILE_FIELDS, "certifications"):
        field, column = Company._meta.get_field(name), f"{path}{name}"
        gap = Q(**{f"{column}__isnull": True})
        if isinstance(field, JSONField):
            for nothing in ([], {}, "", None):
                gap |= Q(**{column: nothing})
        elif isinstance(field, IntegerField):
            gap |= Q(**{column: 0})
        else:
            gap |= Q(**{column: ""})
        gaps.append(gap)
    return gaps


class Facts(NamedTuple):
    """The fields of CounterpartRow that come from the firm, in its order."""

    name: str
    size: str
    sectors: frozenset[int]
    certifications: frozenset[str]
    required: frozenset[str]
    activity_days: int
    completeness: float


def _facts(firm, sectors, required) -> Facts:
    """What a counterpart firm's score depends on, from its company row as `counterparts` reads
    it."""
    return Facts(
        name=firm.trade_name or firm.legal_name,
        size=firm.size,
        sectors=frozenset(sectors),
        certifications=frozenset(_json_list(firm.certifications_text)),
        required=frozenset(required),
        activity_days=max(int(firm.idle), 0) if firm.idle is not None else 0,
        completeness=round((firm.filled + bool(sectors)) / PROFILE_PARTS, 3),
    )

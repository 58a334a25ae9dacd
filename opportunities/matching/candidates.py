"""What firms are matched with: open opportunities and counterpart firms, loaded in a few queries
and indexed along the HS tree, and the best N of them for one product of a firm.

A firm's score with a candidate is the best over its products, so its best N are among the best
N of each of its products taken alone. Those depend only on the product and the firm's profile
(country, sectors, certifications, dismissed headings), so they are computed once and shared by
every firm with the same product and profile. Opportunities are visited in order of the highest
score they could reach (`scoring.ceiling`) and the visit stops as soon as none left can beat the
N-th found; counterpart firms of one product fit score alike, so the first N by id per fit
level are all that can rank. Work per product is a few dozen scores, not a whole chapter.
"""

import heapq
import json
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from opportunities.matching import reasons
from opportunities.matching.scoring import (
    PRODUCT_FITS,
    Candidate,
    Weights,
    ceiling,
    components,
    score,
)
from tradeportal.i18n import Country

LEVELS = range(len(PRODUCT_FITS))  # product fit along the HS tree: same code, heading, chapter


def prefix(code: str, level: int) -> str:
    """What a product shares with `code` at a fit level: the code, its heading, its chapter."""
    return code if level == 0 else code[: (4, 2)[level - 1]]


@dataclass(frozen=True)
class Profile:
    """What, besides the product, a firm's score with a candidate depends on."""

    country: str
    sectors: frozenset[int] = frozenset()
    certifications: frozenset[str] = frozenset()
    dismissed: frozenset[str] = frozenset()  # headings the firm marked as not relevant


@dataclass(eq=False)
class Opening:
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


@dataclass(eq=False)
class Found:
    """One scored candidate, ready to be stored for any firm it was found for."""

    score: float
    kind: str  # Match.Kind: opportunity, buyer or supplier
    target: int  # the opportunity's or the counterpart's id
    components: dict = field(repr=False)
    reasons: list = field(repr=False)

    def __post_init__(self):
        self.is_opportunity = self.kind == "opportunity"
        self.key = (self.is_opportunity, self.target)  # one match per company and key
        self.rank = (-self.score, not self.is_opportunity, self.target)  # best first, no ties

    @cached_property
    def copy_line(self) -> str:
        """The row after the company id, in PostgreSQL COPY text format (computed once)."""
        target, null = str(self.target), r"\N"
        return "\t".join(
            (
                self.kind,
                target if self.is_opportunity else null,
                null if self.is_opportunity else target,
                repr(self.score),
                _copy_text(json.dumps(self.components, separators=(",", ":"))),
                _copy_text(json.dumps(self.reasons, ensure_ascii=False, separators=(",", ":"))),
            )
        )


RANK = attrgetter("rank")

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


def _copy_text(value: str) -> str:
    # JSON escapes control characters itself; COPY then reads a backslash as an escape
    return value.replace("\\", "\\\\")


def _chapters_filter(chapters, **also) -> Q:
    query = Q(pk__in=[])
    for chapter in sorted(chapters):
        query |= Q(hs_code__code__startswith=chapter, **also)
    return query


OTHER_SIDE = {"export": "import", "import": "export"}


def _number(value) -> float | None:
    return float(value) if value is not None else None


class Candidates:
    """The candidates of one matching run (or of a few companies' chapters), indexed by HS code.

    `needs=None` loads everything (a full run); otherwise only what firms trading these
    (direction, HS chapter, country) can match: opportunities in their export chapters, firms of
    the other countries importing in those, exporting in their import chapters."""

    def __init__(self, weights: Weights, floor: float, keep: int, needs=None):
        self.weights, self.floor, self.keep = weights, floor, keep
        self.needs = needs
        self.now = timezone.now()
        self.openings = self._load_openings()
        self._indexes: dict[str, dict] = {}
        self._firms = self._load_counterparts()
        self._best: dict[tuple, list[Found]] = {}

    # Loading -------------------------------------------------------------------------------

    def _load_openings(self) -> list[Opening]:
        from opportunities.listings.models import Opportunity

        queryset = (
            Opportunity.objects.open()
            .filter(~Q(kind=Opportunity.Kind.REQUEST) | Q(company__status="verified"))
            .order_by()
        )
        if self.needs is not None:
            exported = {
                chapter for direction, chapter, _country in self.needs if direction == "export"
            }
            queryset = queryset.filter(_chapters_filter(exported))
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
        )
        return [
            Opening(
                pk=pk,
                kind=kind,
                code=code,
                market=market,
                region=region or "",
                sector_id=sector_id,
                value=_number(value),
                world=_number(world),
                partner=_number(partner),
                growth=growth,
                unrealised=_number(unrealised),
                year=year,
                required=frozenset(required or ()),
                age_days=(self.now - published).days if published else 0,
                buyer=trade or legal or "",
                verified=kind != "request" or status == "verified",
            )
            for (
                pk,
                kind,
                code,
                market,
                region,
                sector_id,
                value,
                world,
                partner,
                growth,
                unrealised,
                year,
                required,
                published,
                legal,
                trade,
                status,
            ) in rows
        ]

    def _load_counterparts(self) -> dict[tuple, list[tuple[int, str]]]:
        """Verified firms by (direction, country, HS code): the first keep + 1 by id of each.

        Firms with the same product fit score alike, ties go to the lower id, so no firm past the
        first keep + 1 (one may be the firm asking) of a code can rank in anyone's best N."""
        if connection.vendor == "postgresql":
            rows = self._first_counterparts_postgresql()
        else:
            rows = self._first_counterparts()
        firms: dict[tuple, list[tuple[int, str]]] = {}
        self._codes: dict[tuple, set[str]] = {}  # (direction, country, level, prefix) -> codes
        for direction, country, code, pk, legal, trade in rows:
            firms.setdefault((direction, country, code), []).append((pk, trade or legal))
            for level in LEVELS:
                key = (direction, country, level, prefix(code, level))
                self._codes.setdefault(key, set()).add(code)
        for listed in firms.values():
            listed.sort()
        self._countries = {country for _direction, country, _code in firms}
        return firms

    def _first_counterparts(self):
        from companies.models import Company, CompanyProduct

        queryset = CompanyProduct.objects.filter(company__status=Company.Status.VERIFIED)
        if self.needs is not None:
            wanted = Q(pk__in=[])
            for direction, chapter, country in self._counterparts_wanted():
                wanted |= _chapters_filter([chapter], direction=direction, company__country=country)
            queryset = queryset.filter(wanted)
        return (
            queryset.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("direction"), F("company__country"), F("hs_code_id")],
                    order_by=F("company_id").asc(),
                )
            )
            .filter(rank__lte=self.keep + 1)
            .values_list(
                "direction",
                "company__country",
                "hs_code_id",
                "company_id",
                "company__legal_name",
                "company__trade_name",
            )
        )

    def _first_counterparts_postgresql(self):
        """The same rows, each code's first firms read from an index: a few rows per code, where
        numbering every product of a popular chapter costs a sort of tens of thousands."""
        from companies.models import Company, CompanyProduct
        from opportunities.reference.models import HSCode

        sql = FIRST_COUNTERPARTS.format(
            codes=HSCode._meta.db_table,
            products=CompanyProduct._meta.db_table,
            companies=Company._meta.db_table,
        )
        wanted = self._counterparts_wanted()
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
                    self.keep + 1,
                ],
            )
            return cursor.fetchall()

    def _counterparts_wanted(self) -> list[tuple[str, str, str]]:
        """(direction, HS chapter or "" for all, country) of the counterpart firms to load."""
        if self.needs is None:
            return [(d, "", c) for d in OTHER_SIDE for c in Country.values]
        return sorted(
            {
                (OTHER_SIDE[direction], chapter, other)
                for direction, chapter, country in self.needs
                for other in Country.values
                if other != country
            }
        )

    def _index(self, country: str) -> dict[tuple, list[tuple]]:
        """Opportunities outside `country` by (level, HS prefix[, sector]), best ceiling first."""
        if country in self._indexes:
            return self._indexes[country]
        index: dict[tuple, list[tuple]] = {}
        for opening in self.openings:
            if opening.market == country:
                continue  # a firm never matches demand in its own country
            parts = components(self._candidate(opening, opening.code, Profile(country)))
            for level in LEVELS:
                shared = prefix(opening.code, level)
                for sector in (False, True) if opening.sector_id is not None else (False,):
                    key = (level, shared, opening.sector_id) if sector else (level, shared)
                    bound = ceiling(parts, self.weights, product=PRODUCT_FITS[level], sector=sector)
                    index.setdefault(key, []).append((-bound, opening.pk, level, sector, opening))
        for listed in index.values():
            listed.sort(key=lambda item: item[:2])
        self._indexes[country] = index
        return index

    # Scoring -------------------------------------------------------------------------------

    def _candidate(
        self, opening: Opening, code: str, profile: Profile, volume: float | None = None
    ) -> Candidate:
        volume_fits = None
        if volume is not None and opening.kind == "request" and opening.value:
            volume_fits = volume >= opening.value
        return Candidate(
            firm_code=code,
            other_code=opening.code,
            firm_country=profile.country,
            market_country=opening.market,
            same_sector=opening.sector_id in profile.sectors,
            demand_usd=opening.value or None,
            growth_pct=opening.growth,
            unrealised_usd=opening.unrealised if opening.kind == "demand" else None,
            required_certifications=opening.required,
            firm_certifications=profile.certifications,
            volume_fits=volume_fits,
            age_days=opening.age_days,
            verified=opening.verified,
            similar_dismissed=opening.code[:4] in profile.dismissed,
        )

    def opportunities(self, code: str, volume: float | None, profile: Profile) -> list[Found]:
        """The best `keep` opportunities for a firm product, above the floor, best first."""
        key = ("opportunity", code, volume, profile)
        if key not in self._best:
            self._best[key] = self._best_opportunities(code, volume, profile)
        return self._best[key]

    def _best_opportunities(self, code: str, volume, profile: Profile) -> list[Found]:
        index = self._index(profile.country)
        streams = [
            index.get(key, ())
            for level in LEVELS
            for key in (
                (level, prefix(code, level)),
                *((level, prefix(code, level), sector) for sector in profile.sectors),
            )
        ]
        top: list[tuple] = []  # min-heap of (score, -id, ...): the worst kept on top
        seen: set[int] = set()
        for negative_bound, pk, _level, _sector, opening in heapq.merge(
            *streams, key=lambda item: item[:2]
        ):
            bound = -negative_bound
            if bound < self.floor or (len(top) == self.keep and bound < top[0][0]):
                break  # nothing left can enter the best `keep`
            if pk in seen:
                continue
            seen.add(pk)
            candidate = self._candidate(opening, code, profile, volume)
            value, parts = score(candidate, self.weights)
            if value < self.floor or value == 0:
                continue
            item = (value, -pk, parts, opening, candidate)
            if len(top) < self.keep:
                heapq.heappush(top, item)
            elif item[:2] > top[0][:2]:
                heapq.heapreplace(top, item)
        top.sort(key=lambda item: item[:2], reverse=True)
        return [
            Found(
                value,
                "opportunity",
                opening.pk,
                parts,
                reasons.explain_opportunity(opening, profile.country, code, candidate),
            )
            for value, _pk, parts, opening, candidate in top
        ]

    def counterparts(self, code: str, role: str, profile: Profile) -> list[Found]:
        """The best keep + 1 counterpart firms for a firm product (one may be the firm itself).

        role "buyer": firms importing what the firm exports; "supplier": the other way round."""
        key = (role, code, profile)
        if key not in self._best:
            self._best[key] = self._best_counterparts(code, role, profile)
        return self._best[key]

    def _best_counterparts(self, code: str, role: str, profile: Profile) -> list[Found]:
        direction = "import" if role == "buyer" else "export"
        countries = sorted(self._countries - {profile.country})
        found: dict[int, Found] = {}
        done: set[str] = set()
        for level in LEVELS:
            shared = prefix(code, level)
            codes = sorted(
                {
                    other
                    for country in countries
                    for other in self._codes.get((direction, country, level, shared), ())
                }
                - done
            )
            done.update(codes)
            rows = heapq.merge(
                *(
                    [(pk, name, other, country) for pk, name in self._firms[key]]
                    for country in countries
                    for other in codes
                    if (key := (direction, country, other)) in self._firms
                )
            )
            undismissed: set[int] = set()
            for pk, name, other, country in rows:
                if len(undismissed) > self.keep:
                    break  # keep + 1 firms at this fit outrank every later one
                candidate = Candidate(
                    firm_code=code,
                    other_code=other,
                    firm_country=profile.country,
                    market_country=country,
                    similar_dismissed=other[:4] in profile.dismissed,
                )
                if not candidate.similar_dismissed:
                    undismissed.add(pk)
                value, parts = score(candidate, self.weights)
                if value < self.floor or value == 0 or (pk in found and value <= found[pk].score):
                    continue
                parts["other_code"] = other
                found[pk] = Found(
                    value,
                    role,
                    pk,
                    parts,
                    reasons.explain_counterpart(name, country, other, role, code),
                )
        return sorted(found.values(), key=RANK)[: self.keep + 1]

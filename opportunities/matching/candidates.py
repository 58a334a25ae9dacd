"""What firms are matched with, indexed along the HS tree, and the best N of them for one
product of a firm (loaded by loading.py, scored by scoring.py, ranked by ranking.py).

A firm's score with a candidate is the best over its products, so its best N are among the best
N of each of its products taken alone. Those depend only on the product and the firm's profile
(country, sectors, certifications, dismissed headings), so they are computed once and shared by
every firm with the same product and profile. Opportunities are visited in order of the highest
score they could reach (`scoring.ceiling`) and the visit stops as soon as none left can beat the
N-th found; counterpart firms of one product fit score alike, so the first N by id per fit
level are all that can rank. Work per product is a few dozen scores, not a whole chapter.
"""

import heapq
from dataclasses import dataclass

from django.utils import timezone

from opportunities.matching import loading, reasons
from opportunities.matching.loading import Opening
from opportunities.matching.ranking import (
    LEVELS,
    Bounded,
    Found,
    best_by_ceiling,
    by_rank,
    prefix,
)
from opportunities.matching.scoring import (
    PRODUCT_FITS,
    Candidate,
    Weights,
    ceiling,
    components,
    score,
)


@dataclass(frozen=True)
class Profile:
    """What, besides the product, a firm's score with a candidate depends on."""

    country: str
    sectors: frozenset[int] = frozenset()
    certifications: frozenset[str] = frozenset()
    dismissed: frozenset[str] = frozenset()  # headings the firm marked as not relevant


@dataclass(frozen=True)
class Listed:
    """A counterpart firm listed under one of its codes, as the ranking reads it."""

    pk: int
    name: str
    code: str
    country: str


IndexKey = tuple  # (level, HS prefix) or (level, HS prefix, sector id)


class Candidates:
    """The candidates of one matching run (or of a few companies' chapters), indexed by HS code.

    `needs=None` loads everything (a full run); otherwise only what firms trading these
    (direction, HS chapter, country) can match: opportunities in their export chapters, firms of
    the other countries importing in those, exporting in their import chapters."""

    def __init__(self, weights: Weights, floor: float, keep: int, needs=None):
        self.weights, self.floor, self.keep = weights, floor, keep
        self.needs = needs
        self.now = timezone.now()
        self.openings = loading.openings(needs, self.now)
        self._indexes: dict[str, dict[IndexKey, list[Bounded]]] = {}
        self._load_counterparts()
        self._best: dict[tuple, list[Found]] = {}

    def _load_counterparts(self) -> None:
        """Firms by (direction, country, HS code): the first keep + 1 by id of each.

        Firms with the same product fit score alike, ties go to the lower id, so no firm past the
        first keep + 1 (one may be the firm asking) of a code can rank in anyone's best N."""
        self._firms: dict[tuple[str, str, str], list[Listed]] = {}
        self._codes: dict[tuple, set[str]] = {}  # (direction, country, level, prefix) -> codes
        for row in loading.first_counterparts(self.needs, self.keep + 1):
            listed = Listed(row.pk, row.trade_name or row.legal_name, row.code, row.country)
            self._firms.setdefault((row.direction, row.country, row.code), []).append(listed)
            for level in LEVELS:
                key = (row.direction, row.country, level, prefix(row.code, level))
                self._codes.setdefault(key, set()).add(row.code)
        for firms in self._firms.values():
            firms.sort(key=lambda listed: listed.pk)
        self._countries = {country for _direction, country, _code in self._firms}

    def _index(self, country: str) -> dict[IndexKey, list[Bounded]]:
        """Opportunities outside `country` by (level, HS prefix[, sector]), best ceiling first."""
        if country in self._indexes:
            return self._indexes[country]
        index: dict[IndexKey, list[Bounded]] = {}
        for opening in self.openings:
            if opening.market == country:
                continue  # a firm never matches demand in its own country
            parts = components(self._candidate(opening, opening.code, Profile(country)))
            for level in LEVELS:
                shared = prefix(opening.code, level)
                for sector in (False, True) if opening.sector_id is not None else (False,):
                    key = (level, shared, opening.sector_id) if sector else (level, shared)
                    bound = ceiling(parts, self.weights, product=PRODUCT_FITS[level], sector=sector)
                    index.setdefault(key, []).append(Bounded(-bound, opening.pk, opening))
        for listed in index.values():
            listed.sort(key=lambda entry: entry.order)
        self._indexes[country] = index
        return index

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

        def score_one(opening: Opening) -> Found | None:
            candidate = self._candidate(opening, code, profile, volume)
            value, parts = score(candidate, self.weights)
            if value == 0:
                return None
            why = reasons.explain_opportunity(opening, profile.country, code, candidate)
            return Found(value, "opportunity", opening.pk, parts, why)

        return best_by_ceiling(streams, keep=self.keep, floor=self.floor, score_one=score_one)

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
            listed = heapq.merge(
                *(
                    self._firms[key]
                    for country in countries
                    for other in codes
                    if (key := (direction, country, other)) in self._firms
                ),
                key=lambda firm: (firm.pk, firm.code, firm.country),
            )
            undismissed: set[int] = set()
            for firm in listed:
                if len(undismissed) > self.keep:
                    break  # keep + 1 firms at this fit outrank every later one
                candidate = Candidate(
                    firm_code=code,
                    other_code=firm.code,
                    firm_country=profile.country,
                    market_country=firm.country,
                    similar_dismissed=firm.code[:4] in profile.dismissed,
                )
                if not candidate.similar_dismissed:
                    undismissed.add(firm.pk)
                value, parts = score(candidate, self.weights)
                known = found.get(firm.pk)
                if value < self.floor or value == 0 or (known and value <= known.score):
                    continue
                parts["other_code"] = firm.code
                found[firm.pk] = Found(
                    value,
                    role,
                    firm.pk,
                    parts,
                    reasons.explain_counterpart(firm.name, firm.country, firm.code, role, code),
                )
        return sorted(found.values(), key=by_rank)[: self.keep + 1]

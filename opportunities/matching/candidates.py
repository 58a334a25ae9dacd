"""What firms are matched with, indexed along the HS tree, and the best N of them for one
product of a firm (loaded by loading.py, scored by scoring.py, ranked by ranking.py).

A firm's score with a candidate is the best over its products, so its best N are among the best
N of each of its products taken alone. Those depend only on the product and the firm's profile
(country, sectors, certifications, size, dismissed headings...), so they are computed once and
shared by every firm with the same product and profile. Candidates are visited in order of the
highest score they could reach (`scoring.ceiling`: what the candidate itself brings, with what
depends on the firm at its best) and the visit stops as soon as none left can beat the N-th
found. For counterpart firms, those tied with the N-th are kept too, and each firm takes its own
window of them (`ranking.Shortlist`), so exposure among equals spreads instead of going to the
lowest ids. Work per product is a few dozen scores, not a whole chapter.
"""

from dataclasses import dataclass

from django.utils import timezone

from opportunities.matching import loading, reasons
from opportunities.matching.loading import CounterpartRow, Opening
from opportunities.matching.ranking import (
    LEVELS,
    Bounded,
    Found,
    Ranked,
    Shortlist,
    best_by_ceiling,
    best_with_ties,
    prefix,
    rank_opportunity,
)
from opportunities.matching.scoring import (
    PRODUCT_FITS,
    Candidate,
    Weights,
    ceiling,
    components,
    freshness,
    product_fit,
    score,
    score_value,
    size_fit,
)


@dataclass(frozen=True)
class Profile:
    """What, besides the product, a firm's score with a candidate depends on."""

    country: str
    sectors: frozenset[int] = frozenset()
    certifications: frozenset[str] = frozenset()
    dismissed: frozenset[str] = frozenset()  # headings the firm marked as not relevant
    size: str = ""
    required: frozenset[str] = frozenset()  # certifications its own open requests require

    @property
    def for_opportunities(self) -> tuple:
        """The part opportunities' scores depend on (size and requirements do not count)."""
        return (self.country, self.sectors, self.certifications, self.dismissed)


IndexKey = tuple  # (level, HS prefix) or (level, HS prefix, sector id)


def _bounded(firms: list[tuple[float, CounterpartRow]], bonus: float, code: str, fit: float):
    """Counterpart firms sorted by what they bring, as a stream by ceiling at one fit level with
    `code` (those of a closer fit come through the closer level's stream)."""
    for own, row in firms:
        if product_fit(code, row.code) == fit:
            yield Bounded(-(own + bonus), row.pk, row)


def opportunity_candidate(
    opening: Opening, code: str, profile: Profile, volume: float | None = None
) -> Candidate:
    """A firm's product with an open opportunity."""
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
        completeness=opening.completeness,
    )


def counterpart_candidate(code: str, role: str, profile: Profile, row: CounterpartRow) -> Candidate:
    """A firm's product with a counterpart firm; role "buyer": the counterpart buys."""
    buys = role == "buyer"
    return Candidate(
        firm_code=code,
        other_code=row.code,
        firm_country=profile.country,
        market_country=row.country,
        same_sector=bool(profile.sectors & row.sectors),
        required_certifications=row.required if buys else profile.required,
        firm_certifications=profile.certifications if buys else row.certifications,
        age_days=row.activity_days,
        similar_dismissed=row.code[:4] in profile.dismissed,
        size_fit=size_fit(profile.size, row.size) if buys else size_fit(row.size, profile.size),
        completeness=row.completeness,
    )


class Candidates:
    """The candidates of one matching run (or of a few companies' chapters), indexed by HS code.

    `needs=None` loads everything (a full run); otherwise only what firms trading these
    (direction, HS chapter, country) can match: opportunities in their export chapters, firms of
    the other countries importing in those, exporting in their import chapters."""

    def __init__(self, weights: Weights, floor: float, keep: int, needs=None):
        self.weights, self.floor, self.keep = weights, floor, keep
        self.needs = needs
        self.now = timezone.now()
        # ties among counterpart firms rotate with each day's run (stable within the day)
        self.seed = self.now.date().toordinal()
        self.openings = loading.openings(needs, self.now)
        self._indexes: dict[str, dict[IndexKey, list[Bounded]]] = {}
        self._load_counterparts()
        self._best: dict[tuple, list[Found]] = {}

    def _load_counterparts(self) -> None:
        """Verified firms by (direction, country, HS code), best first by what they bring
        themselves (recent activity, a complete profile), so that a walk by ceiling can stop."""
        w = self.weights
        # (direction, country, level, HS prefix) -> firms listed under a code with that prefix
        self._firms: dict[tuple[str, str, int, str], list[tuple[float, CounterpartRow]]] = {}
        for row in loading.counterparts(self.needs, self.now):
            own = ceiling(
                {"freshness": freshness(row.activity_days), "profile": row.completeness},
                w,
                product=0.0,
                sector=True,
                demand=1.0,
            )
            for level in LEVELS:
                key = (row.direction, row.country, level, prefix(row.code, level))
                self._firms.setdefault(key, []).append((own, row))
        for firms in self._firms.values():
            firms.sort(key=lambda pair: (-pair[0], pair[1].pk))
        self._countries = {country for _direction, country, _level, _prefix in self._firms}
        # the ceiling is linear in the product fit: what each fit level adds to a firm's own
        total = sum(getattr(w, name) for name in ("product", "sector", "demand", "requirements"))
        total += w.freshness + w.profile
        factor = 100 * max(1.0, w.dismissal_penalty) / (total or 1.0)
        self._level_bonus = [factor * w.product * fit for fit in PRODUCT_FITS]

    def _index(self, country: str) -> dict[IndexKey, list[Bounded]]:
        """Opportunities outside `country` by (level, HS prefix[, sector]), best ceiling first."""
        if country in self._indexes:
            return self._indexes[country]
        index: dict[IndexKey, list[Bounded]] = {}
        for opening in self.openings:
            if opening.market == country:
                continue  # a firm never matches demand in its own country
            parts = components(opportunity_candidate(opening, opening.code, Profile(country)))
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

    def forget_shortlists(self) -> None:
        """Drop the best-N lists computed so far (the index and the loaded rows stay)."""
        self._best.clear()

    def opportunities(self, code: str, volume: float | None, profile: Profile) -> list[Found]:
        """The best `keep` opportunities for a firm product, above the floor, best first."""
        key = ("opportunity", code, volume, profile.for_opportunities)
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
            candidate = opportunity_candidate(opening, code, profile, volume)
            value, parts = score(candidate, self.weights)
            if value == 0:
                return None
            why = reasons.explain_opportunity(opening, profile.country, code, candidate)
            return Found(value, "opportunity", opening.pk, parts, why, party=opening.company_id)

        def value_of(opening: Opening) -> float:
            return score_value(opportunity_candidate(opening, code, profile, volume), self.weights)

        return best_by_ceiling(
            streams, keep=self.keep, floor=self.floor, score_one=score_one, value_of=value_of
        )

    def ranked_opportunities(self, code: str, volume: float | None, profile: Profile) -> list:
        return [rank_opportunity(f) for f in self.opportunities(code, volume, profile)]

    def counterparts(self, code: str, role: str, profile: Profile, *, firm: int) -> list[Ranked]:
        """The best `keep` counterpart firms for a product of `firm`, ranked for it.

        role "buyer": firms importing what the firm exports; "supplier": the other way round."""
        key = (role, code, profile)
        if key not in self._best:
            self._best[key] = self._shortlist(code, role, profile)
        return self._best[key].for_firm(firm, self.seed, self.keep)

    def _shortlist(self, code: str, role: str, profile: Profile) -> Shortlist:
        direction = "import" if role == "buyer" else "export"
        countries = sorted(self._countries - {profile.country})
        streams = [
            _bounded(firms, self._level_bonus[level], code, PRODUCT_FITS[level])
            for level in LEVELS
            for country in countries
            if (firms := self._firms.get((direction, country, level, prefix(code, level))))
        ]

        def score_one(row: CounterpartRow) -> Found | None:
            candidate = counterpart_candidate(code, role, profile, row)
            value, parts = score(candidate, self.weights)
            if value == 0:
                return None
            parts["other_code"] = row.code
            why = reasons.explain_counterpart(
                row.name, row.country, row.code, role, code, candidate
            )
            return Found(value, role, row.pk, parts, why, party=row.pk)

        def value_of(row: CounterpartRow) -> float:
            return score_value(counterpart_candidate(code, role, profile, row), self.weights)

        return best_with_ties(
            streams,
            keep=self.keep,
            floor=self.floor,
            seed=self.seed,
            score_one=score_one,
            value_of=value_of,
        )

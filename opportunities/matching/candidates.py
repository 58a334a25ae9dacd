"""What firms are matched with, indexed along the HS tree, and a firm's best N of them (loaded
by loading.py, scored by scoring.py, walked by ranking.py).

A firm's score with a candidate is the best over its products. Every candidate sits in sorted
lists by what it brings itself, one list per (HS prefix at a fit level, [sector]) for
opportunities and per (direction, country, HS prefix at a fit level, size, [sector]) for
counterpart firms; what the firm's product adds to a whole list (the fit level, a shared sector,
how the two sizes fit) is one number per list. The firm's walk (`ranking.best_first`) merges the
lists of all its products at once in order of ceiling (`scoring.ceiling`: the score the candidate
could reach with requirements met and nothing dismissed) and stops as soon as none left can enter
its best N, so the ceiling is exact for most candidates and a firm's list costs a few dozen
evaluations from plain values. Only the N kept are built with their components and reasons.
Counterpart firms of equal score are ranked by each firm's own rotation (`ranking.tie_order`),
so exposure among equals spreads instead of going to the lowest ids.
"""

from dataclasses import dataclass
from functools import partial

from django.utils import timezone

from opportunities.matching import loading, reasons
from opportunities.matching.loading import CounterpartRow, Opening
from opportunities.matching.ranking import (
    LEVELS,
    Found,
    best_first,
    one_card_per_party,
    prefix,
    tie_order,
)
from opportunities.matching.scoring import (
    COMPONENTS,
    PRODUCT_FITS,
    SIZES,
    Candidate,
    Weights,
    demand_size,
    freshness,
    product_fit,
    requirements_share,
    score,
    size_fit,
    value_of_parts,
)

MADE_UP_TO = 50_000  # kept candidates remembered for the next firms that see them alike
MARGIN = 0.01  # above the ceilings' float sums in another order than the score's
ROUNDING = 0.005  # the score is rounded to 2 decimals: half a cent above is never below it


@dataclass(frozen=True)
class Profile:
    """What, besides the product, a firm's score with a candidate depends on."""

    country: str
    sectors: frozenset[int] = frozenset()
    certifications: frozenset[str] = frozenset()
    dismissed: frozenset[str] = frozenset()  # headings the firm marked as not relevant
    size: str = ""
    required: frozenset[str] = frozenset()  # certifications its own open requests require


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
    (direction, HS prefix, country) can match: opportunities under their export prefixes, firms
    of the other countries importing under those, exporting under their import prefixes. The
    prefixes are the firms' chapters, or their headings or codes to load less (`beyond`)."""

    def __init__(self, weights: Weights, floor: float, keep: int, needs=None, now=None, only=None):
        self.weights, self.floor, self.keep = weights, floor, keep
        self.needs, self.only = needs, only  # only: the ids of the counterpart products to load
        self.now = now or timezone.now()
        # ties among counterpart firms rotate with each day's run (stable within the day)
        self.seed = self.now.date().toordinal()
        self.openings = loading.openings(needs, self.now)
        # what an opening brings whatever the firm: its demand and freshness components
        self._own = {o.pk: (_demand(o), freshness(o.age_days)) for o in self.openings}
        self._indexes: dict[str, dict[tuple, list]] = {}
        self._points = points_of(weights)
        # above every ceiling of a looser fit level's lists (`beyond`, and the score's rounding)
        self._beyond = {level: beyond(weights, level) + ROUNDING + MARGIN for level in LEVELS}
        self._made: dict[tuple, Found] = {}  # by `_alike`
        self._load_counterparts()

    def _load_counterparts(self) -> None:
        """Verified firms by (direction, country, level, HS prefix), then by size, all of them and
        by sector, best first by what they bring themselves (recent activity, a complete
        profile)."""
        points = self._points
        entries = []
        for row in loading.counterparts(self.needs, self.now, self.only):
            fresh = freshness(row.activity_days)
            own = points["freshness"] * fresh + points["profile"] * row.completeness
            entries.append((-own, row.pk, (row, fresh)))  # one per row, shared by its lists
        # by ceiling, then id (a firm listed twice: by its rows' codes); each list below is then
        # built of runs already in that order, which its own sort only merges
        entries.sort()
        # the firms by product first: (direction, country, code, size) -> (all, {sector: some})
        leaves: dict[tuple, tuple[list, dict[int, list]]] = {}
        for entry in entries:
            row = entry[2][0]
            leaf = leaves.get((row.direction, row.country, row.code, row.size))
            if leaf is None:
                leaf = leaves[row.direction, row.country, row.code, row.size] = ([], {})
            leaf[0].append(entry)
            for sector in row.sectors:
                leaf[1].setdefault(sector, []).append(entry)
        # then at each fit level: (direction, country, level, prefix) -> size -> the same
        self._firms: dict[tuple, dict[str, tuple[list, dict[int, list]]]] = {}
        for (direction, country, code, size), (every, by_sector) in leaves.items():
            for level in LEVELS:
                by_size = self._firms.setdefault(
                    (direction, country, level, prefix(code, level)), {}
                )
                group = by_size.get(size)
                if group is None:
                    group = by_size[size] = ([], {})
                group[0].extend(every)
                for sector, listed in by_sector.items():
                    group[1].setdefault(sector, []).extend(listed)
        for by_size in self._firms.values():
            for every, by_sector in by_size.values():
                every.sort()
                for listed in by_sector.values():
                    listed.sort()
        self._countries = {key[1] for key in self._firms}

    def _index(self, country: str) -> dict[tuple, list]:
        """Opportunities outside `country` by (level, HS prefix[, sector]), best ceiling first."""
        if country in self._indexes:
            return self._indexes[country]
        index: dict[tuple, list] = {}
        # the ceiling (`scoring.ceiling`) as a sum of points: what the opening brings itself, plus
        # the fit level's product points, requirements met and the score's rounding; a shared
        # sector adds its points
        points = self._points
        levels = [
            (level, points["product"] * PRODUCT_FITS[level] + points["requirements"] + ROUNDING)
            for level in LEVELS
        ]
        for opening in self.openings:
            if opening.market == country:
                continue  # a firm never matches demand in its own country
            demand, fresh = self._own[opening.pk]
            own = points["demand"] * demand + points["freshness"] * fresh + MARGIN
            own += points["profile"] * opening.completeness
            item = (opening, demand, fresh)
            for level, base in levels:
                shared = prefix(opening.code, level)
                index.setdefault((level, shared), []).append((-own - base, opening.pk, item))
                if opening.sector_id is not None:
                    key, bound = (level, shared, opening.sector_id), own + base + points["sector"]
                    index.setdefault(key, []).append((-bound, opening.pk, item))
        for listed in index.values():
            listed.sort(key=_entry_order)
        self._indexes[country] = index
        return index

    def streams(self, firm, level: int) -> list[tuple]:
        """Every list the firm's products reach at one fit level, with what each product adds to
        its ceilings."""
        index = self._index(firm.country)
        sectors = sorted(firm.sectors)
        streams = []
        for code, volume in firm.exports.items():
            via = ("opportunity", code, volume)
            shared = prefix(code, level)
            for key in ((level, shared), *((level, shared, s) for s in sectors)):
                if listed := index.get(key):
                    streams.append((0.0, listed, via))
        points, others = self._points, sorted(self._countries - {firm.country})
        fits = _SizeFits(firm.size)
        base = points["product"] * PRODUCT_FITS[level] + points["requirements"] + MARGIN
        for role, codes, direction in (
            ("buyer", firm.exports, "import"),
            ("supplier", firm.imports, "export"),
        ):
            for code in codes:
                via = (role, code, None)
                shared = prefix(code, level)
                for country in others:
                    by_size = self._firms.get((direction, country, level, shared))
                    for size, (every, by_sector) in (by_size or {}).items():
                        offset = base + points["demand"] * fits[role, size]
                        streams.append((offset, every, via))
                        for sector in sectors:
                            if listed := by_sector.get(sector):
                                streams.append((offset + points["sector"], listed, via))
        return streams

    def best_for(self, firm, unloaded: float | None = None) -> list[Found] | None:
        """The firm's best matches above the floor: opportunities and counterparts, best first,
        a buyer and its requests on one card.

        With `unloaded`, the highest score of the candidates not loaded: None unless none of them
        could enter the list, in which case what was loaded decides exactly the list a full load
        would."""
        listed, bar = self.best_and_bar(firm)
        if unloaded is not None and not unloaded < bar:
            return None
        return listed

    def best_and_bar(self, firm) -> tuple[list[Found], float]:
        """The firm's best matches among the candidates loaded, and the bar a candidate not
        loaded would have to reach to enter them: the N-th best score, or the floor while the
        list is short (a tie could enter, on a tie-breaker)."""
        weights, seed, me = self.weights, self.seed, firm.pk
        fits = _SizeFits(firm.size)
        sectors, held, dismissed = firm.sectors, firm.certifications, firm.dismissed_headings
        required_by_me = frozenset(firm.required)

        def evaluate(via, item):
            kind, code, volume = via
            if kind == "opportunity":
                opening, demand, fresh = item
                volume_fits = None
                if volume is not None and opening.kind == "request" and opening.value:
                    volume_fits = volume >= opening.value
                parts = (
                    product_fit(code, opening.code),
                    1.0 if opening.sector_id in sectors else 0.0,
                    demand,
                    requirements_share(opening.required, held, volume_fits),
                    fresh,
                    opening.completeness,
                )
                value = value_of_parts(parts, opening.code[:4] in dismissed, weights)
                return (-value, False, opening.pk), (True, opening.pk)
            row, fresh = item
            if row.pk == me:
                return None  # never its own counterpart
            if kind == "buyer":
                met = requirements_share(row.required, held)
            else:
                met = requirements_share(required_by_me, row.certifications)
            parts = (
                product_fit(code, row.code),
                0.0 if sectors.isdisjoint(row.sectors) else 1.0,
                fits[kind, row.size],
                met,
                fresh,
                row.completeness,
            )
            value = value_of_parts(parts, row.code[:4] in dismissed, weights)
            return (-value, True, tie_order(me, row.pk, seed)), (False, row.pk)

        # the closest fit's lists first; a looser level's only once its best possible score
        # could still enter: most firms' lists are full of closer candidates before
        closest, *looser = LEVELS
        later = [(self._beyond[level], partial(self.streams, firm, level)) for level in looser]
        chosen = best_first(
            self.streams(firm, closest),
            keep=self.keep,
            floor=self.floor,
            evaluate=evaluate,
            later=later,
        )
        bar = -chosen[-1][0][0] if len(chosen) >= self.keep else self.floor
        cards = one_card_per_party([self._found(firm, via, item) for _rank, via, item in chosen])
        return cards, bar

    def _found(self, firm, via, item) -> Found:
        """A kept candidate with its components and reasons, made once for the firms that see it
        alike (`_alike`): firms of one product keep many of the same opportunities and
        counterparts, and a Found is never changed once made, so they share it, down to its
        encoding for the database (`copy_rows.lines`)."""
        key = _alike(firm, via, item[0])
        found = self._made.get(key)
        if found is None:
            if len(self._made) >= MADE_UP_TO:
                self._made.clear()  # a chunk's worth at most: the next chunk's firms differ
            found = self._made[key] = self._make(firm, via, item)
        return found

    def _make(self, firm, via, item) -> Found:
        kind, code, volume = via
        profile = firm.profile(code)
        if kind == "opportunity":
            opening = item[0]
            candidate = opportunity_candidate(opening, code, profile, volume)
            value, parts = score(candidate, self.weights)
            why = reasons.explain_opportunity(opening, profile.country, code, candidate)
            return Found(value, kind, opening.pk, parts, why, party=opening.company_id)
        row = item[0]
        candidate = counterpart_candidate(code, kind, profile, row)
        value, parts = score(candidate, self.weights)
        parts["other_code"] = row.code
        why = reasons.explain_counterpart(row.name, row.country, row.code, kind, code, candidate)
        return Found(value, kind, row.pk, parts, why, party=row.pk)


def _alike(firm, via, other) -> tuple:
    """Everything of the firm and its product that a kept candidate's score, components and
    reasons depend on (`opportunity_candidate`, `counterpart_candidate` and the explanations):
    two firms with the same key get the same Found."""
    kind, code, volume = via
    dismissed = other.code[:4] in firm.dismissed_headings
    if kind == "opportunity":
        volume_fits = None
        if volume is not None and other.kind == "request" and other.value:
            volume_fits = volume >= other.value
        held = other.required & firm.certifications
        same_sector = other.sector_id in firm.sectors
        return (kind, other.pk, code, firm.country, same_sector, held, volume_fits, dismissed)
    if kind == "buyer":  # its requests' requirements, met by the firm's certifications
        met = (other.required & firm.certifications,)
    else:  # the firm's requests' requirements, met by the supplier's
        required = frozenset(firm.required)
        met = (required, required & other.certifications)
    same_sector = not firm.sectors.isdisjoint(other.sectors)
    return (kind, other.pk, other.code, code, firm.country, firm.size, same_sector, met, dismissed)


def points_of(weights: Weights) -> dict[str, float]:
    """The weight of each component in score points: the ceiling is linear in the components."""
    factor = 100 * max(1.0, weights.dismissal_penalty) / (weights.total or 1.0)
    return {name: factor * getattr(weights, name) for name in weights.__dataclass_fields__}


def beyond(weights: Weights, level: int) -> float:
    """The highest score a firm could reach with a candidate that meets its product at this fit
    level or a looser one, all else perfect: the most that candidates left unloaded, because
    they share less of the HS code than the loaded ones, could score."""
    weighted = points_of(weights)
    perfect = sum(weighted[name] for name in COMPONENTS)
    return perfect - weighted["product"] * (1 - PRODUCT_FITS[level]) + MARGIN


def counterpart_bounds(firm, weights: Weights, level: int) -> loading.Bounds:
    """The most the firm could score with each counterpart product its products meet at `level`
    or closer, term by term (`loading.closest_counterparts` adds them up in the database): never
    below the score, as `scoring.ceiling` is never below it."""
    weighted = points_of(weights)
    fits = {}
    for direction, codes in (("import", firm.exports), ("export", firm.imports)):
        for code in codes:
            for closer in LEVELS[: level + 1]:
                key = (direction, prefix(code, closer))
                fits[key] = max(fits.get(key, 0.0), weighted["product"] * PRODUCT_FITS[closer])
    sizes = {}
    for size in (*SIZES, ""):
        sizes["import", size] = weighted["demand"] * size_fit(firm.size, size)  # it buys
        sizes["export", size] = weighted["demand"] * size_fit(size, firm.size)  # it supplies
    return loading.Bounds(
        constant=weighted["requirements"] + MARGIN,
        fits=tuple(sorted(((d, p, v) for (d, p), v in fits.items()), key=lambda f: -f[2])),
        sizes=sizes,
        sectors=frozenset(firm.sectors),
        sector=weighted["sector"],
        freshness=weighted["freshness"],
        profile=weighted["profile"],
    )


def _demand(opening: Opening) -> float:
    """An opening's demand component (as `opportunity_candidate` gives it to the scorer)."""
    unrealised = opening.unrealised if opening.kind == "demand" else None
    return demand_size(opening.value or None, opening.growth, unrealised)


class _SizeFits(dict):
    """How a firm of one size fits counterparts of each size, by (its role, their size)."""

    def __init__(self, size: str):
        super().__init__()
        self.size = size

    def __missing__(self, key: tuple[str, str]) -> float:
        role, other = key
        fit = size_fit(self.size, other) if role == "buyer" else size_fit(other, self.size)
        self[key] = fit
        return fit


def _entry_order(entry: tuple) -> tuple:
    return (entry[0], entry[1])

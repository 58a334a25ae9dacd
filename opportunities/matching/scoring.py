"""Scores of matches, from named components in [0, 1]. Pure Python: no queries, no Django.

Hard rules are filters, not points: a firm never matches demand in its own country, a buyer
request of an unverified firm nor an unverified counterpart, nor an unrelated product (`allowed`).
What passes is ranked by

    score = 100 * sum(weight_i * component_i) / sum(weight_i)

times a penalty when the firm dismissed a similar match, over the components staff weigh:

- product: fit along the HS tree (same code 1, same heading 0.7, same chapter 0.3);
- sector: the opportunity is in one of the firm's sectors, or the two firms share a sector;
- demand: size and growth of the demand, or for a counterpart firm how well the two sizes fit
  (a buyer at least the supplier's size takes its volumes);
- requirements: certifications required (by the request, or by the buyer's open requests) that
  the supplier holds, halved when its volume falls short;
- freshness: how recent the opportunity is, or the counterpart's last activity (90-day decay);
- profile: how complete the opportunity's or the counterpart's profile is.

`ceiling` bounds the score from above, so the engine can stop looking once no candidate left
could enter a firm's best N.
"""

import math
from dataclasses import dataclass, field
from functools import cached_property

COMPONENTS = ("product", "sector", "demand", "requirements", "freshness", "profile")


@dataclass(frozen=True)
class Weights:
    product: float = 40
    sector: float = 15
    demand: float = 20
    requirements: float = 15
    freshness: float = 5
    profile: float = 5
    dismissal_penalty: float = 0.5  # factor for matches similar to a dismissed one

    @cached_property
    def vector(self) -> tuple[float, ...]:
        """The weights in COMPONENTS order."""
        return tuple(getattr(self, name) for name in COMPONENTS)

    @cached_property
    def total(self) -> float:
        return sum(self.vector)


@dataclass(frozen=True)
class Candidate:
    """What the scorer needs to know of one (firm, opportunity or counterpart) pair."""

    firm_code: str  # the firm's HS code (4 or 6 digits)
    other_code: str  # the opportunity's or the counterpart's HS code
    firm_country: str
    market_country: str  # the opportunity's market, or the counterpart's country
    same_sector: bool = False
    demand_usd: float | None = None
    growth_pct: float | None = None
    unrealised_usd: float | None = None  # export potential left to the firm's country
    required_certifications: frozenset[str] = field(default_factory=frozenset)
    firm_certifications: frozenset[str] = field(default_factory=frozenset)  # the supplier's
    volume_fits: bool | None = None  # None: no volume to compare
    age_days: float = 0.0
    verified: bool = True
    similar_dismissed: bool = False
    size_fit: float | None = None  # a counterpart firm: how the two sizes fit, else None
    completeness: float = 1.0


PRODUCT_FITS = (1.0, 0.7, 0.3)  # the same code, the same heading, the same chapter
SIZES = ("micro", "small", "medium", "large")


def product_fit(firm_code: str, other_code: str) -> float:
    """1.0 for the same code, 0.7 within the same heading, 0.3 within the chapter, else 0."""
    if firm_code == other_code:
        return PRODUCT_FITS[0]
    if firm_code[:4] == other_code[:4]:
        return PRODUCT_FITS[1]
    if firm_code[:2] == other_code[:2]:
        return PRODUCT_FITS[2]
    return 0.0


# buyer's size band minus the supplier's -> fit: a buyer as large or one band larger takes the
# supplier's volumes; much larger ones want more than it makes; smaller ones buy too little.
SIZE_FITS = {-3: 0.1, -2: 0.3, -1: 0.6, 0: 1.0, 1: 1.0, 2: 0.7, 3: 0.5}


def size_fit(supplier_size: str, buyer_size: str) -> float:
    """How well a supplier's and a buyer's size bands complement each other, in [0, 1]."""
    if supplier_size not in SIZES or buyer_size not in SIZES:
        return 0.5
    return SIZE_FITS[SIZES.index(buyer_size) - SIZES.index(supplier_size)]


def demand_size(
    value_usd: float | None, growth_pct: float | None, unrealised_usd: float | None = None
) -> float:
    """How much there is to win, in [0, 1]: 40% the market's size (log scale, US$ 100 k -> 0,
    US$ 10 bn -> 1), 40% the potential still unrealised by the firm's country (log scale, US$ 10 k
    -> 0, US$ 1 bn -> 1; the size again when unknown), 20% growth (-20%/year -> 0, +20% -> 1).

    Spread over the whole range, so that big, open and growing markets rank above the rest
    instead of all scoring alike once past US$ 1 bn."""
    if not value_usd or value_usd <= 0:
        return 0.3  # a buyer request or curated opportunity without a value
    size = _log_scale(value_usd, 5, 10)
    room = size if unrealised_usd is None else _log_scale(unrealised_usd, 4, 9)
    trend = 0.5 if growth_pct is None else 0.5 + 0.5 * max(-1.0, min(1.0, growth_pct / 20))
    return 0.4 * size + 0.4 * room + 0.2 * trend


def _log_scale(value: float, low: float, high: float) -> float:
    """log10(value) from `low` (0) to `high` (1), clipped."""
    if value <= 0:
        return 0.0
    return max(0.0, min(1.0, (math.log10(value) - low) / (high - low)))


def requirements_met(candidate: Candidate) -> float:
    """The share of required certifications the supplier holds, halved when its volume falls
    short."""
    return requirements_share(
        candidate.required_certifications, candidate.firm_certifications, candidate.volume_fits
    )


def requirements_share(
    required: frozenset[str], held: frozenset[str], volume_fits: bool | None = None
) -> float:
    """`requirements_met` from its values: the share of `required` in `held`, halved when the
    volume falls short."""
    met = 1.0 if not required else len(required & held) / len(required)
    if volume_fits is False:
        met *= 0.5
    return met


def freshness(age_days: float) -> float:
    return math.exp(-max(age_days, 0) / 90)


def _parts(candidate: Candidate) -> tuple[float, ...]:
    """The components in COMPONENTS order."""
    if candidate.size_fit is None:
        demand = demand_size(candidate.demand_usd, candidate.growth_pct, candidate.unrealised_usd)
    else:
        demand = candidate.size_fit
    return (
        product_fit(candidate.firm_code, candidate.other_code),
        1.0 if candidate.same_sector else 0.0,
        demand,
        requirements_met(candidate),
        freshness(candidate.age_days),
        candidate.completeness,
    )


def components(candidate: Candidate) -> dict[str, float]:
    """Each weighted component of the score, in [0, 1]."""
    return dict(zip(COMPONENTS, _parts(candidate), strict=True))


def allowed(candidate: Candidate) -> bool:
    """The hard rules: another country, a verified party, a related product."""
    return (
        candidate.firm_country != candidate.market_country
        and candidate.verified
        and product_fit(candidate.firm_code, candidate.other_code) > 0
    )


def _weighted(parts, weights: Weights) -> float:
    """100 * the weighted mean of the components (a dict by name, or a tuple in order)."""
    if isinstance(parts, dict):
        parts = tuple(parts[name] for name in COMPONENTS)
    w = weights.vector
    total = (
        w[0] * parts[0]
        + w[1] * parts[1]
        + w[2] * parts[2]
        + w[3] * parts[3]
        + w[4] * parts[4]
        + w[5] * parts[5]
    )
    return 100 * total / (weights.total or 1.0)


def _value(candidate: Candidate, parts: tuple[float, ...], weights: Weights) -> float:
    return value_of_parts(parts, candidate.similar_dismissed, weights)


def value_of_parts(parts: tuple[float, ...], dismissed: bool, weights: Weights) -> float:
    """The score of a candidate that passed the hard rules, from its components in COMPONENTS
    order: what `score` returns, to the last digit, for the engine's walk, which computes the
    components from plain values instead of building a Candidate."""
    value = _weighted(parts, weights)
    if dismissed:
        value *= weights.dismissal_penalty
    return round(value, 2)


def score(candidate: Candidate, weights: Weights) -> tuple[float, dict[str, float]]:
    """The 0-100 score of a candidate and its components; 0 when a hard rule excludes it."""
    parts = _parts(candidate)
    named = {name: round(v, 3) for name, v in zip(COMPONENTS, parts, strict=True)}
    if not allowed(candidate):
        return 0.0, dict(zip(COMPONENTS, parts, strict=True))
    return _value(candidate, parts, weights), named


def ceiling(
    parts: dict[str, float],
    weights: Weights,
    *,
    product: float,
    sector: bool,
    demand: float | None = None,
) -> float:
    """The highest score any firm could reach with a candidate, at a given product fit.

    `parts` are the candidate's own components (demand, freshness and profile are read; `demand`
    replaces the first where it depends on the firm, as the size fit of a counterpart does);
    sector fit is `sector`, requirements count as met and no dismissal lowers the score, so no
    firm's `score` with this candidate at this product fit and sector fit is ever higher."""
    best = {**parts, "product": product, "sector": float(sector), "requirements": 1.0}
    if demand is not None:
        best["demand"] = demand
    # score() rounds to 2 decimals: half a cent above the exact value is never below the rounding
    return _weighted(best, weights) * max(1.0, weights.dismissal_penalty) + 0.005

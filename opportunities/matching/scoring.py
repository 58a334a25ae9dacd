"""Scores of matches, from named components in [0, 1]. Pure Python: no queries, no Django.

score = 100 * sum(weight_i * component_i) / sum(weight_i), times a penalty when the firm
dismissed a similar match. `ceiling` bounds the score from above, so the engine can stop looking
once no candidate left could enter a firm's best N.
"""

import math
from dataclasses import dataclass, field

COMPONENTS = ("product", "direction", "sector", "demand", "requirements", "freshness", "verified")


@dataclass(frozen=True)
class Weights:
    product: float = 35
    direction: float = 15
    sector: float = 10
    demand: float = 15
    requirements: float = 10
    freshness: float = 5
    verified: float = 10
    dismissal_penalty: float = 0.5  # factor for matches similar to a dismissed one


@dataclass(frozen=True)
class Candidate:
    """What the scorer needs to know of one (firm, opportunity or counterpart) pair."""

    firm_code: str  # the firm's HS code (4 or 6 digits)
    other_code: str  # the opportunity's or the counterpart's HS code
    firm_country: str
    market_country: str
    same_sector: bool = False
    demand_usd: float | None = None
    growth_pct: float | None = None
    unrealised_usd: float | None = None  # export potential left to the firm's country
    required_certifications: frozenset[str] = field(default_factory=frozenset)
    firm_certifications: frozenset[str] = field(default_factory=frozenset)
    volume_fits: bool | None = None  # None: no volume to compare
    age_days: float = 0.0
    verified: bool = True
    similar_dismissed: bool = False


PRODUCT_FITS = (1.0, 0.7, 0.3)  # the same code, the same heading, the same chapter


def product_fit(firm_code: str, other_code: str) -> float:
    """1.0 for the same code, 0.7 within the same heading, 0.3 within the chapter, else 0."""
    if firm_code == other_code:
        return PRODUCT_FITS[0]
    if firm_code[:4] == other_code[:4]:
        return PRODUCT_FITS[1]
    if firm_code[:2] == other_code[:2]:
        return PRODUCT_FITS[2]
    return 0.0


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
    """The share of required certifications the firm holds, halved when its volume falls short."""
    required = candidate.required_certifications
    met = 1.0 if not required else len(required & candidate.firm_certifications) / len(required)
    if candidate.volume_fits is False:
        met *= 0.5
    return met


def components(candidate: Candidate) -> dict[str, float]:
    """Each named component of the score, in [0, 1]."""
    return {
        "product": product_fit(candidate.firm_code, candidate.other_code),
        "direction": 1.0 if candidate.firm_country != candidate.market_country else 0.0,
        "sector": 1.0 if candidate.same_sector else 0.0,
        "demand": demand_size(candidate.demand_usd, candidate.growth_pct, candidate.unrealised_usd),
        "requirements": requirements_met(candidate),
        "freshness": math.exp(-max(candidate.age_days, 0) / 90),
        "verified": 1.0 if candidate.verified else 0.0,
    }


def score(candidate: Candidate, weights: Weights) -> tuple[float, dict[str, float]]:
    """The 0-100 score of a candidate and its components; 0 when it must never match."""
    parts = components(candidate)
    if parts["direction"] == 0.0 or parts["product"] == 0.0:
        return 0.0, parts  # never demand in the firm's own country; never an unrelated product
    total = sum(getattr(weights, name) for name in COMPONENTS) or 1.0
    value = 100 * sum(getattr(weights, name) * parts[name] for name in COMPONENTS) / total
    if candidate.similar_dismissed:
        value *= weights.dismissal_penalty
    return round(value, 2), {name: round(v, 3) for name, v in parts.items()}


def ceiling(parts: dict[str, float], weights: Weights, *, product: float, sector: bool) -> float:
    """The highest score any firm could reach with an opportunity, at a given product fit.

    `parts` are the opportunity's components (only demand, freshness and verified are read);
    sector fit is `sector`, requirements count as met and no dismissal lowers the score, so no
    firm's `score` with this opportunity at this product fit and sector fit is ever higher."""
    best = {**parts, "product": product, "direction": 1.0, "sector": float(sector)}
    best["requirements"] = 1.0
    total = sum(getattr(weights, name) for name in COMPONENTS) or 1.0
    value = 100 * sum(getattr(weights, name) * best[name] for name in COMPONENTS) / total
    # score() rounds to 2 decimals: half a cent above the exact value is never below the rounding
    return value * max(1.0, weights.dismissal_penalty) + 0.005

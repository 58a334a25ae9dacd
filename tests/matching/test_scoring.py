"""The score, component by component, without a database."""

import random

import pytest

from opportunities.matching.scoring import (
    COMPONENTS,
    Candidate,
    Weights,
    ceiling,
    components,
    demand_size,
    product_fit,
    score,
    size_fit,
)

W = Weights()


@pytest.mark.parametrize(
    ("firm", "other", "fit"),
    [
        ("080610", "080610", 1.0),
        ("0806", "0806", 1.0),
        ("080610", "0806", 0.7),
        ("080610", "080620", 0.7),
        ("080610", "0810", 0.3),
        ("080610", "3305", 0.0),
    ],
)
def test_product_fit_follows_the_hs_tree(firm, other, fit):
    assert product_fit(firm, other) == fit


def candidate(**changes) -> Candidate:
    base = {
        "firm_code": "080610",
        "other_code": "0806",
        "firm_country": "PE",
        "market_country": "MX",
        "demand_usd": 300e6,
        "growth_pct": 5.0,
    }
    return Candidate(**{**base, **changes})


def test_a_firm_never_matches_demand_in_its_own_country():
    assert score(candidate(market_country="PE"), W)[0] == 0


def test_an_unrelated_product_never_matches():
    assert score(candidate(other_code="3305"), W)[0] == 0


def test_the_closer_the_product_the_higher_the_score():
    exact, heading, chapter = (
        score(candidate(other_code=c), W)[0] for c in ("080610", "080620", "0810")
    )
    assert exact > heading > chapter > 0


def test_bigger_and_growing_demand_scores_higher():
    assert demand_size(1e9, 10) > demand_size(1e9, -10) > demand_size(1e6, 0)
    assert 0 <= demand_size(1e13, 100) <= 1


def test_demand_with_potential_left_to_the_firms_country_scores_higher():
    assert demand_size(1e8, 5, unrealised_usd=4e7) > demand_size(1e8, 5, unrealised_usd=1e5)
    assert demand_size(1e8, 5, unrealised_usd=1e5) > demand_size(1e8, 5, unrealised_usd=0)


def test_demand_scores_spread_over_big_markets_instead_of_saturating():
    scores = [demand_size(value, 0) for value in (1e8, 1e9, 1e10)]
    assert scores == sorted(scores) and scores[-1] - scores[0] >= 0.3


def test_required_certifications_the_firm_holds_raise_the_score():
    required = frozenset({"haccp"})
    certified = score(
        candidate(required_certifications=required, firm_certifications=frozenset({"haccp"})), W
    )[0]
    uncertified = score(candidate(required_certifications=required), W)[0]
    assert certified > uncertified


def test_a_dismissed_similar_match_lowers_the_score_by_the_penalty():
    normal = score(candidate(), W)[0]
    assert score(candidate(similar_dismissed=True), W)[0] == pytest.approx(normal * 0.5, abs=0.01)


def test_weights_edited_by_staff_change_the_score():
    product_only = Weights(product=1, sector=0, demand=0, requirements=0, freshness=0, profile=0)
    assert score(candidate(other_code="080620"), product_only)[0] == pytest.approx(70.0)


def test_hard_rules_are_filters_whatever_the_weights():
    # an unverified party or the firm's own country never matches, even with every weight on
    # the components it would win
    for weights in (W, Weights(product=100, sector=0, demand=0, requirements=0, freshness=0)):
        assert score(candidate(verified=False), weights)[0] == 0
        assert score(candidate(market_country="PE"), weights)[0] == 0
        assert score(candidate(), weights)[0] > 0


@pytest.mark.parametrize(
    ("supplier", "buyer", "fit"),
    [
        ("small", "small", 1.0),
        ("small", "medium", 1.0),
        ("micro", "large", 0.5),
        ("large", "micro", 0.1),
        ("medium", "small", 0.6),
        ("", "small", 0.5),
    ],
)
def test_a_buyer_at_least_the_suppliers_size_fits_best(supplier, buyer, fit):
    assert size_fit(supplier, buyer) == fit


def test_components_are_named_and_between_zero_and_one():
    value, parts = score(candidate(same_sector=True, age_days=30), W)
    assert set(parts) == {"product", "sector", "demand", "requirements", "freshness", "profile"}
    assert all(0 <= v <= 1 for v in parts.values()) and 0 < value <= 100


def test_no_firm_scores_above_the_ceiling_of_an_opportunity():
    rng = random.Random(7)
    certifications = ["haccp", "organic", "brc"]
    for _ in range(2000):
        weights = Weights(*(rng.uniform(0, 40) for _ in COMPONENTS), rng.uniform(0.2, 1.5))
        pair = candidate(
            firm_code=rng.choice(["080610", "0806", "080620", "0810", "08"]),
            other_code=rng.choice(["080610", "0806", "081010"]),
            same_sector=rng.random() < 0.5,
            demand_usd=rng.choice([None, rng.lognormvariate(15, 3)]),
            growth_pct=rng.choice([None, rng.gauss(0, 30)]),
            unrealised_usd=rng.choice([None, 0.0, rng.lognormvariate(13, 3)]),
            required_certifications=frozenset(rng.sample(certifications, rng.randint(0, 3))),
            firm_certifications=frozenset(rng.sample(certifications, rng.randint(0, 3))),
            volume_fits=rng.choice([None, True, False]),
            age_days=rng.uniform(0, 400),
            verified=rng.random() < 0.8,
            similar_dismissed=rng.random() < 0.3,
            completeness=rng.choice([0.0, 0.25, 1.0]),
            size_fit=rng.choice([None, 0.1, 0.6, 1.0]),
        )
        parts = components(pair)
        counterpart = pair.size_fit is not None
        bound = ceiling(
            parts,
            weights,
            product=parts["product"],
            sector=pair.same_sector or counterpart,
            demand=1.0 if counterpart else None,
        )
        assert score(pair, weights)[0] <= bound

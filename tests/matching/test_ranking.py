"""Best-N ranking, table by table, without a database."""

import random

import pytest

from opportunities.matching.ranking import (
    Found,
    best_first,
    one_card_per_party,
    prefix,
    tie_order,
)


def found(score: float, target: int, kind: str = "opportunity") -> Found:
    return Found(score, kind, target, {}, [])


@pytest.mark.parametrize(
    ("code", "level", "shared"),
    [("080610", 0, "080610"), ("080610", 1, "0806"), ("080610", 2, "08"), ("0806", 1, "0806")],
)
def test_prefix_is_what_a_product_shares_at_each_fit_level(code, level, shared):
    assert prefix(code, level) == shared


def stream(ceilings: dict[int, float], offset: float = 0.0, via="p") -> tuple:
    """A stream of ids by ceiling (what each brings itself), best first."""
    return (offset, sorted((-c, pk, pk) for pk, c in ceilings.items()), via)


def by_score(scores: dict, seen: list | None = None):
    """An evaluator ranking ids by score, then the lower id, one match per id."""

    def evaluate(via, pk):
        if seen is not None:
            seen.append(pk)
        return (-scores[pk], pk), pk

    return evaluate


@pytest.mark.parametrize(
    ("scores", "keep", "floor", "expected"),
    [
        # best first; at equal score the lower id first
        ({1: 50, 2: 70, 3: 60}, 2, 0, [2, 3]),
        ({1: 50, 2: 50, 3: 50}, 2, 0, [1, 2]),
        # below the floor or zero never kept, even with room left
        ({1: 19.99, 2: 20, 3: 0}, 5, 20, [2]),
        ({1: 0}, 3, 0, []),
        ({}, 3, 0, []),
    ],
)
def test_best_first_keeps_the_best_n_above_the_floor(scores, keep, floor, expected):
    kept = best_first([stream(scores)], keep=keep, floor=floor, evaluate=by_score(scores))
    assert [pk for _rank, _via, pk in kept] == expected


def test_best_first_stops_once_no_ceiling_can_enter_the_best_n():
    seen = []
    scores = {1: 85, 2: 50, 3: 40, 4: 30}
    ceilings = {1: 90, 2: 80, 3: 40, 4: 30}
    kept = best_first([stream(ceilings)], keep=2, floor=0, evaluate=by_score(scores, seen))
    assert [pk for _rank, _via, pk in kept] == [1, 2]
    assert seen == [1, 2]  # 3's ceiling (40) is below the second best (50): never scored


def test_a_streams_offset_raises_every_ceiling_in_it():
    # the same list reached through a closer product (offset 30) is visited first
    seen = []
    scores = {1: 40, 2: 75}
    far, near = stream({1: 50}), stream({2: 50}, offset=30)
    best_first([far, near], keep=1, floor=0, evaluate=by_score(scores, seen))
    assert seen == [2]  # 1's ceiling (50) is below 2's score (75)


def test_an_id_reached_several_ways_keeps_its_best_score_once():
    scores = {("p", 1): 60, ("q", 1): 80, ("p", 2): 70}

    def evaluate(via, pk):
        return (-scores[via, pk], pk), pk

    kept = best_first(
        [stream({1: 90, 2: 90}, via="p"), stream({1: 85}, via="q")],
        keep=5,
        floor=0,
        evaluate=evaluate,
    )
    assert [(pk, via, -rank[0]) for rank, via, pk in kept] == [(1, "q", 80), (2, "p", 70)]


@pytest.mark.parametrize("seed", range(20))
def test_best_first_equals_scoring_everything_when_ceilings_hold(seed):
    rng = random.Random(seed)
    scores = {pk: round(rng.uniform(0, 100), 0) for pk in range(1, 60)}
    streams = []
    for part in range(3):
        offset = rng.uniform(0, 10)
        members = {pk: scores[pk] - offset + rng.uniform(0, 20) for pk in scores if pk % 3 == part}
        streams.append(stream(members, offset))
    keep, floor = rng.randint(1, 10), rng.choice([0, 20, 50])
    kept = best_first(streams, keep=keep, floor=floor, evaluate=by_score(scores))
    everything = sorted((-s, pk) for pk, s in scores.items() if s >= floor and s > 0)[:keep]
    assert [(pk, -rank[0]) for rank, _via, pk in kept] == [(pk, -s) for s, pk in everything]


def test_streams_made_later_are_never_made_when_the_walk_stops_above_their_bound():
    made = []
    scores = {1: 95, 2: 90, 3: 60}

    def looser():
        made.append(True)
        return [stream({3: 60})]

    kept = best_first(
        [stream({1: 96, 2: 91})], keep=2, floor=0, evaluate=by_score(scores), later=[(70, looser)]
    )
    assert [pk for _rank, _via, pk in kept] == [1, 2]
    assert made == []  # the second best (90) is above anything the looser streams could bring


def test_streams_made_later_are_walked_once_reached_and_their_entries_compete():
    seen = []
    scores = {1: 95, 2: 40, 3: 65, 4: 30}
    kept = best_first(
        [stream({1: 96, 2: 45})],
        keep=2,
        floor=0,
        evaluate=by_score(scores, seen),
        later=[(70, lambda: [stream({3: 66, 4: 35}), stream({})])],
    )
    assert [pk for _rank, _via, pk in kept] == [1, 3]
    # made when the walk reached 70, before 2 (45): then 2's and 4's ceilings are below 65
    assert seen == [1, 3]


@pytest.mark.parametrize("seed", range(20))
def test_streams_made_later_find_what_they_would_have_found_from_the_start(seed):
    rng = random.Random(seed)
    scores = {pk: round(rng.uniform(0, 100), 0) for pk in range(1, 60)}
    levels = []
    for part in range(3):  # each "level" caps its scores lower, as a looser product fit does
        cap = 100 - 30 * part
        members = {pk: min(scores[pk], cap) for pk in scores if pk % 3 == part}
        scores.update(members)
        levels.append((cap, [stream({pk: s + rng.uniform(0, 1) for pk, s in members.items()})]))
    keep, floor = rng.randint(1, 10), rng.choice([0, 20, 50])
    everything = best_first(
        [s for _cap, made in levels for s in made],
        keep=keep,
        floor=floor,
        evaluate=by_score(scores),
    )
    (_cap, first), *rest = levels
    lazily = best_first(
        first,
        keep=keep,
        floor=floor,
        evaluate=by_score(scores),
        later=[(cap + 1, lambda made=made: made) for cap, made in rest],
    )
    assert [(pk, rank) for rank, _via, pk in lazily] == [
        (pk, rank) for rank, _via, pk in everything
    ]


SEED = 739_000


def window(firm: int, seed: int, suppliers: range, keep: int = 20) -> set[int]:
    """A firm's best `keep` of equal suppliers, ranked by its rotation as the engine does."""

    def evaluate(via, pk):
        return (-75.0, True, tie_order(firm, pk, seed)), pk

    ceilings = dict.fromkeys(suppliers, 80.0)
    kept = best_first([stream(ceilings)], keep=keep, floor=20, evaluate=evaluate)
    return {pk for _rank, _via, pk in kept}


def test_equal_counterparts_spread_over_firms_instead_of_the_lowest_ids():
    # 200 equal suppliers, 50 buyers keeping 20: every supplier is in some buyer's list
    suppliers, shown = range(1000, 1200), set()
    for buyer in range(5000, 5050):
        kept = window(buyer, SEED, suppliers)
        assert len(kept) == 20
        shown |= kept
    assert shown == set(suppliers)
    # and the next day's run shows a firm another window
    assert window(5000, SEED, suppliers) != window(5000, SEED + 1, suppliers)


def test_a_buyer_and_its_request_make_one_card_with_both_reasons():
    request = Found(80, "opportunity", 11, {}, [{"key": "buyer_request"}], party=7)
    buyer = Found(70, "buyer", 7, {}, [{"key": "counterpart"}], party=7)
    demand = Found(75, "opportunity", 12, {}, [{"key": "market_imports"}])
    cards = one_card_per_party([request, demand, buyer])
    assert [(c.kind, c.target) for c in cards] == [("opportunity", 11), ("opportunity", 12)]
    assert [r["key"] for r in cards[0].reasons] == ["buyer_request", "counterpart"]

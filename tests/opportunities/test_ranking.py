"""Best-N ranking, table by table, without a database."""

import random

import pytest

from opportunities.matching.ranking import (
    Bounded,
    Found,
    best_by_ceiling,
    best_of_lists,
    prefix,
)


def found(score: float, target: int, kind: str = "opportunity") -> Found:
    return Found(score, kind, target, {}, [])


@pytest.mark.parametrize(
    ("code", "level", "shared"),
    [("080610", 0, "080610"), ("080610", 1, "0806"), ("080610", 2, "08"), ("0806", 1, "0806")],
)
def test_prefix_is_what_a_product_shares_at_each_fit_level(code, level, shared):
    assert prefix(code, level) == shared


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
def test_best_by_ceiling_keeps_the_best_n_above_the_floor(scores, keep, floor, expected):
    stream = sorted(Bounded(-scores[pk], pk, pk) for pk in scores)
    kept = best_by_ceiling(
        [stream], keep=keep, floor=floor, score_one=lambda pk: found(scores[pk], pk)
    )
    assert [f.target for f in kept] == expected


def test_best_by_ceiling_stops_once_no_ceiling_can_enter_the_best_n():
    scored = []
    stream = [Bounded(-90, 1, 1), Bounded(-80, 2, 2), Bounded(-40, 3, 3), Bounded(-30, 4, 4)]
    scores = {1: 85, 2: 50, 3: 40, 4: 30}

    def score_one(pk):
        scored.append(pk)
        return found(scores[pk], pk)

    assert [f.target for f in best_by_ceiling([stream], keep=2, floor=0, score_one=score_one)] == [
        1,
        2,
    ]
    assert scored == [1, 2]  # 3's ceiling (40) is below the second best (50): never scored


def test_an_item_in_several_streams_is_scored_once():
    scored = []

    def score_one(pk):
        scored.append(pk)
        return found(60, pk)

    streams = [[Bounded(-70, 1, 1), Bounded(-65, 2, 2)], [Bounded(-70, 1, 1)]]
    best_by_ceiling(streams, keep=5, floor=0, score_one=score_one)
    assert scored == [1, 2]


@pytest.mark.parametrize("seed", range(20))
def test_best_by_ceiling_equals_scoring_everything_when_ceilings_hold(seed):
    rng = random.Random(seed)
    scores = {pk: round(rng.uniform(0, 100), 0) for pk in range(1, 60)}
    ceilings = {pk: s + rng.uniform(0, 20) for pk, s in scores.items()}
    streams = [[], []]
    for pk in scores:
        streams[pk % 2].append(Bounded(-ceilings[pk], pk, pk))
    for stream in streams:
        stream.sort(key=lambda entry: entry.order)
    keep, floor = rng.randint(1, 10), rng.choice([0, 20, 50])
    kept = best_by_ceiling(
        streams, keep=keep, floor=floor, score_one=lambda pk: found(scores[pk], pk)
    )
    everything = sorted((-s, pk) for pk, s in scores.items() if s >= floor and s > 0)[:keep]
    assert [(f.target, f.score) for f in kept] == [(pk, -s) for s, pk in everything]


@pytest.mark.parametrize(
    ("lists", "keep", "exclude", "expected"),
    [
        # one entry per target: the best of its lists
        ([[found(80, 1)], [found(90, 1), found(70, 2)]], 5, [], [(1, 90), (2, 70)]),
        # an opportunity and a firm of the same id are different targets; at equal score the
        # opportunity comes first
        ([[found(60, 7, "buyer")], [found(60, 7)]], 5, [], [(7, 60), (7, 60)]),
        # the firm itself left out, the merge stops at keep
        (
            [[found(95, 3, "buyer"), found(90, 4, "buyer")], [found(92, 5)]],
            2,
            [(False, 3)],
            [(5, 92), (4, 90)],
        ),
    ],
)
def test_best_of_lists_merges_a_firms_lists_into_one(lists, keep, exclude, expected):
    merged = best_of_lists(lists, keep=keep, exclude=exclude)
    assert [(f.target, f.score) for f in merged] == expected

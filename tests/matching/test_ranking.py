"""Best-N ranking, table by table, without a database."""

import random

import pytest

from opportunities.matching.ranking import (
    Bounded,
    Found,
    Ranked,
    best_by_ceiling,
    best_of_lists,
    best_with_ties,
    one_card_per_party,
    prefix,
    rank_opportunity,
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


def ranked(score: float, target: int, kind: str = "opportunity", firm: int = 1) -> Ranked:
    found_ = Found(score, kind, target, {}, [], party=None if kind == "opportunity" else target)
    if kind == "opportunity":
        return rank_opportunity(found_)
    return Ranked((-score, True, tie_order(firm, target, SEED)), found_)


SEED = 739_000


@pytest.mark.parametrize(
    ("lists", "keep", "exclude", "expected"),
    [
        # one entry per target: the best of its lists
        ([[ranked(80, 1)], [ranked(90, 1), ranked(70, 2)]], 5, [], [(1, 90), (2, 70)]),
        # an opportunity and a firm of the same id are different targets; at equal score the
        # opportunity comes first
        (
            [[ranked(60, 7, "buyer")], [ranked(60, 7)]],
            5,
            [],
            [("opportunity", 7, 60), ("buyer", 7, 60)],
        ),
        # the firm itself left out, the merge stops at keep
        (
            [[ranked(95, 3, "buyer"), ranked(90, 4, "buyer")], [ranked(92, 5)]],
            2,
            [(False, 3)],
            [(5, 92), (4, 90)],
        ),
    ],
)
def test_best_of_lists_merges_a_firms_lists_into_one(lists, keep, exclude, expected):
    merged = best_of_lists(lists, keep=keep, exclude=exclude)
    if expected and len(expected[0]) == 3:
        assert [(f.kind, f.target, f.score) for f in merged] == expected
    else:
        assert [(f.target, f.score) for f in merged] == expected


def test_equal_counterparts_spread_over_firms_instead_of_the_lowest_ids():
    # 200 equal suppliers, 50 buyers keeping 20: every supplier is in some buyer's list
    suppliers = [Bounded(-80.0, pk, pk) for pk in range(1000, 1200)]
    shortlist = best_with_ties(
        [suppliers], keep=20, floor=20, seed=SEED, score_one=lambda pk: found(75, pk, "supplier")
    )
    assert len(shortlist.tied) == 200 and not shortlist.above
    shown = set()
    for buyer in range(5000, 5050):
        window = shortlist.for_firm(buyer, SEED, 20)
        assert len(window) == 20 and len({r.found.target for r in window}) == 20
        shown.update(r.found.target for r in window)
    assert shown == set(range(1000, 1200))
    # and the next day's run shows a firm another window
    next_day = best_with_ties(
        [suppliers],
        keep=20,
        floor=20,
        seed=SEED + 1,
        score_one=lambda pk: found(75, pk, "supplier"),
    )
    today = {r.found.target for r in shortlist.for_firm(5000, SEED, 20)}
    tomorrow = {r.found.target for r in next_day.for_firm(5000, SEED + 1, 20)}
    assert today != tomorrow


def test_a_shortlist_keeps_those_above_the_cut_and_every_tie_with_it():
    scores = {1: 90, 2: 80, 3: 70, 4: 70, 5: 70, 6: 60}
    stream = [Bounded(-scores[pk] - 5, pk, pk) for pk in scores]
    shortlist = best_with_ties(
        [stream], keep=3, floor=0, seed=SEED, score_one=lambda pk: found(scores[pk], pk, "buyer")
    )
    assert {f.target for f in shortlist.above} == {1, 2}
    assert {f.target for f in shortlist.tied} == {3, 4, 5}
    # each firm gets the two above and one of the three tied, in its own order
    for firm in range(10):
        window = shortlist.for_firm(firm, SEED, 3)
        assert [r.found.target for r in window][:2] == [1, 2]
        third = window[2].found.target
        assert third == min((3, 4, 5), key=lambda pk: tie_order(firm, pk, SEED))


def test_a_buyer_and_its_request_make_one_card_with_both_reasons():
    request = Found(80, "opportunity", 11, {}, [{"key": "buyer_request"}], party=7)
    buyer = Found(70, "buyer", 7, {}, [{"key": "counterpart"}], party=7)
    demand = Found(75, "opportunity", 12, {}, [{"key": "market_imports"}])
    cards = one_card_per_party([request, demand, buyer])
    assert [(c.kind, c.target) for c in cards] == [("opportunity", 11), ("opportunity", 12)]
    assert [r["key"] for r in cards[0].reasons] == ["buyer_request", "counterpart"]

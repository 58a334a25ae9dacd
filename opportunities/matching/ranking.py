"""Best-N ranking of scored candidates. Pure Python: no queries, no Django.

A firm's match list is best first: higher score, then an opportunity before a counterpart firm,
then, among opportunities, the lower id, and among counterpart firms the firm's own rotation
(`tie_order`), so no two entries tie and equal counterparts share the exposure: each firm sees
a different window of them, and the windows move with every day's run.

`best_by_ceiling` walks opportunities in order of the highest score each could reach and stops
as soon as none left can enter the best N; `best_with_ties` does the same for counterpart firms
but keeps every one tied with the N-th, so that any firm's rotation can pick among them;
`best_of_lists` merges a firm's per-product lists into one list with one entry per target, and
`one_card_per_party` folds a buyer's request and the buyer itself into one card.
"""

import bisect
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from opportunities.matching.scoring import PRODUCT_FITS

LEVELS = range(len(PRODUCT_FITS))  # product fit along the HS tree: same code, heading, chapter


def prefix(code: str, level: int) -> str:
    """What a product shares with `code` at a fit level: the code, its heading, its chapter."""
    return code if level == 0 else code[: (4, 2)[level - 1]]


@dataclass(eq=False)
class Found:
    """One scored candidate, ready to be stored for any firm it was found for."""

    score: float
    kind: str  # Match.Kind: opportunity, buyer or supplier
    target: int  # the opportunity's or the counterpart's id
    components: dict = field(repr=False)
    reasons: list = field(repr=False)
    # the counterpart firm the card is about: the counterpart, or a request's buyer; else None
    party: int | None = None

    is_opportunity: bool = field(init=False, repr=False)
    key: tuple[bool, int] = field(init=False, repr=False)  # a company has one match per key
    rank: tuple[float, bool, int] = field(init=False, repr=False)  # sorts best first, no ties

    def __post_init__(self):
        # computed once: the merges compare ranks many times per firm
        self.is_opportunity = self.kind == "opportunity"
        self.key = (self.is_opportunity, self.target)
        self.rank = (-self.score, not self.is_opportunity, self.target)


def by_rank(found: Found) -> tuple[float, bool, int]:
    return found.rank


class Bounded(NamedTuple):
    """A candidate in a stream sorted by the highest score it could reach, then its id."""

    negative_ceiling: float
    pk: int
    item: Any  # what the scorer needs (an opening)

    @property
    def order(self) -> tuple[float, int]:
        return (self.negative_ceiling, self.pk)


class Kept(NamedTuple):
    """An entry of the min-heap of the best N found so far: the worst on top."""

    score: float
    negative_pk: int  # at equal score the lower id ranks first, so it is kept
    found: Found

    @property
    def order(self) -> tuple[float, int]:
        return (self.score, self.negative_pk)


def _order(entry) -> tuple[float, int]:
    return entry.order


def best_by_ceiling(
    streams: Iterable[Iterable[Bounded]],
    *,
    keep: int,
    floor: float,
    score_one: Callable[[Any], Found | None],
    value_of: Callable[[Any], float] | None = None,
) -> list[Found]:
    """The best `keep` found items scoring at least `floor` (and above 0), best first.

    Each stream is sorted by ceiling, then id; an item may appear in several streams and is scored
    once. `score_one` returns None for an item that must not match; `value_of`, when given,
    returns its score alone, cheaper, so that only those that enter are built. The walk stops at
    the first item whose ceiling is below the floor or below the worst of a full best N: if no
    ceiling is below the item's true score, the result equals scoring every item."""
    top: list[Kept] = []
    seen: set[int] = set()
    for entry in heapq.merge(*streams, key=_order):
        bound = -entry.negative_ceiling
        if bound < floor or (len(top) == keep and bound < top[0].score):
            break  # nothing left can enter the best `keep`
        if entry.pk in seen:
            continue
        seen.add(entry.pk)
        if value_of is not None:
            value = value_of(entry.item)
            if value < floor or value == 0:
                continue
            if len(top) == keep and (value, -entry.pk) <= top[0].order:
                continue
        found = score_one(entry.item)
        if found is None or found.score < floor or found.score == 0:
            continue
        kept = Kept(found.score, -entry.pk, found)
        if len(top) < keep:
            heapq.heappush(top, kept)
        elif kept.order > top[0].order:
            heapq.heapreplace(top, kept)
    top.sort(key=_order, reverse=True)
    return [kept.found for kept in top]


MASK = (1 << 64) - 1
TARGETS_STEP = 0x9E3779B97F4A7C15  # 2^64 / golden ratio: consecutive ids spread evenly (Weyl)
FIRMS_STEP = 0x6A09E667F3BCC909  # 2^64 * frac(sqrt 2): another even spread, unrelated
RUNS_STEP = 0xBB67AE8584CAA73B  # 2^64 * frac(sqrt 3): each run turns the circle


def rotation(target: int, seed: int) -> int:
    """Where a counterpart firm sits on the run's circle of equals."""
    return (target * TARGETS_STEP + seed * RUNS_STEP) & MASK


def shift(firm: int) -> int:
    """Where a firm starts reading the circle."""
    return (firm * FIRMS_STEP) & MASK


def tie_order(firm: int, target: int, seed: int) -> int:
    """The order in which `firm` sees counterpart firms of equal score in the run `seed`.

    Firms start at spread-out points of one circle, so that N firms keeping K of M equal
    counterparts see about N * K / M different windows of them instead of the same first K."""
    return (rotation(target, seed) - shift(firm)) & MASK


class Ranked(NamedTuple):
    """A found match with its place in one firm's list."""

    rank: tuple  # (-score, is a counterpart, opportunity id or the firm's tie order)
    found: Found


def rank_opportunity(found: Found) -> Ranked:
    return Ranked((-found.score, False, found.target), found)


@dataclass(frozen=True)
class Shortlist:
    """The counterparts of one product and profile that can enter any firm's best N: those
    above the N-th best score, and all those tied with it, by rotation on the run's circle."""

    above: tuple[Found, ...]
    tied: tuple[Found, ...]
    tied_rotations: tuple[int, ...]  # sorted, one per entry of `tied`

    def for_firm(self, firm: int, seed: int, keep: int) -> list[Ranked]:
        """The firm's best `keep` of them, ranked for it."""
        start = bisect.bisect_left(self.tied_rotations, shift(firm))
        count = min(keep, len(self.tied))
        window = [self.tied[(start + i) % len(self.tied)] for i in range(count)]
        ranked = [
            Ranked((-f.score, True, tie_order(firm, f.target, seed)), f)
            for f in (*self.above, *window)
        ]
        ranked.sort(key=_rank)
        return ranked[:keep]


def _rank(ranked: Ranked) -> tuple:
    return ranked.rank


def best_with_ties(
    streams: Iterable[Iterable[Bounded]],
    *,
    keep: int,
    floor: float,
    seed: int,
    score_one: Callable[[Any], Found | None],
    value_of: Callable[[Any], float] | None = None,
) -> Shortlist:
    """Every item that can enter some firm's best `keep`: all scoring above the `keep`-th best
    distinct item's score, and all tied with it; none below the floor or at 0.

    Streams as for `best_by_ceiling`; an item may appear in several and keeps its best score.
    The walk stops at the first ceiling below the floor or below the `keep`-th best score (an
    item at that ceiling could still tie, so equal ceilings are visited)."""
    best: dict[int, Found] = {}
    scores: list[float] = []  # the distinct items' best scores, ascending
    for entry in heapq.merge(*streams, key=_order):
        bound = -entry.negative_ceiling
        if bound < floor or (len(scores) >= keep and bound < scores[-keep]):
            break
        if value_of is not None:
            value = value_of(entry.item)
            if value < floor or value == 0 or (len(scores) >= keep and value < scores[-keep]):
                continue
            known = best.get(entry.pk)
            if known is not None and value <= known.score:
                continue
        found = score_one(entry.item)
        if found is None or found.score < floor or found.score == 0:
            continue
        known = best.get(entry.pk)
        if known is not None:
            if found.score <= known.score:
                continue
            del scores[bisect.bisect_left(scores, known.score)]
        best[entry.pk] = found
        bisect.insort(scores, found.score)
    if not best:
        return Shortlist((), (), ())
    cutoff = scores[-keep] if len(scores) >= keep else scores[0]
    above = tuple(f for f in best.values() if f.score > cutoff)
    tied = sorted(
        ((rotation(f.target, seed), f) for f in best.values() if f.score == cutoff),
        key=lambda pair: pair[0],
    )
    if len(scores) < keep:  # room for everyone: nothing is cut, all are "above"
        return Shortlist(tuple(best.values()), (), ())
    return Shortlist(above, tuple(f for _r, f in tied), tuple(r for r, _f in tied))


def best_of_lists(
    lists: Iterable[Iterable[Ranked]], *, keep: int, exclude: Iterable[tuple] = ()
) -> list[Found]:
    """The first `keep` entries of lists each ranked best first, one per key, `exclude` left
    out. A target found through several lists first comes through the one that scores it
    highest."""
    chosen: list[Found] = []
    seen = set(exclude)
    for ranked in heapq.merge(*lists, key=_rank):
        if ranked.found.key not in seen:
            seen.add(ranked.found.key)
            chosen.append(ranked.found)
            if len(chosen) == keep:
                break
    return chosen


def one_card_per_party(chosen: list[Found]) -> list[Found]:
    """A firm's list with one card per counterpart firm: a buyer's request and the buyer itself
    become the higher-ranked of the two, with the other's reasons added. Demand and curated
    opportunities have no party and stay as they are."""
    cards: list[Found] = []
    by_party: dict[int, int] = {}
    for found in chosen:
        if found.party is None:
            cards.append(found)
            continue
        if found.party not in by_party:
            by_party[found.party] = len(cards)
            cards.append(found)
            continue
        first = cards[by_party[found.party]]
        cards[by_party[found.party]] = Found(
            first.score,
            first.kind,
            first.target,
            first.components,
            [*first.reasons, *(r for r in found.reasons if r not in first.reasons)],
            party=first.party,
        )
    return cards

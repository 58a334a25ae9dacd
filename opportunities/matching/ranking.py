"""Best-N ranking of scored candidates. Pure Python: no queries, no Django.

A match list is best first: higher score, then an opportunity before a counterpart firm, then the
lower id, so no two entries tie. `best_by_ceiling` walks candidates in order of the highest score
each could reach and stops as soon as none left can enter the best N; `best_of_lists` merges a
firm's per-product lists, each best first, into one list with one entry per target.
"""

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
) -> list[Found]:
    """The best `keep` found items scoring at least `floor` (and above 0), best first.

    Each stream is sorted by ceiling, then id; an item may appear in several streams and is scored
    once. `score_one` returns None for an item that must not match. The walk stops at the first
    item whose ceiling is below the floor or below the worst of a full best N: if no ceiling is
    below the item's true score, the result equals scoring every item."""
    top: list[Kept] = []
    seen: set[int] = set()
    for entry in heapq.merge(*streams, key=_order):
        bound = -entry.negative_ceiling
        if bound < floor or (len(top) == keep and bound < top[0].score):
            break  # nothing left can enter the best `keep`
        if entry.pk in seen:
            continue
        seen.add(entry.pk)
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


def best_of_lists(
    lists: Iterable[Iterable[Found]], *, keep: int, exclude: Iterable[tuple] = ()
) -> list[Found]:
    """The first `keep` entries of lists each sorted best first, one per key, `exclude` left out.

    A target found through several lists first comes through the one that scores it highest."""
    chosen: list[Found] = []
    seen = set(exclude)
    for found in heapq.merge(*lists, key=by_rank):
        if found.key not in seen:
            seen.add(found.key)
            chosen.append(found)
            if len(chosen) == keep:
                break
    return chosen

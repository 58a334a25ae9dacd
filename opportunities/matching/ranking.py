"""Best-N ranking of scored candidates. Pure Python: no queries, no Django.

A firm's match list is best first: higher score, then an opportunity before a counterpart firm,
then, among opportunities, the lower id, and among counterpart firms the firm's own rotation
(`tie_order`), so no two entries tie and equal counterparts share the exposure: each firm sees
a different window of them, and the windows move with every day's run.

`best_first` walks all of a firm's candidates (opportunities and counterpart firms, through
every one of its products) in order of the highest score each could reach and stops as soon as
none left can enter its best N, so a firm's list costs a few dozen scores, not a chapter's;
`one_card_per_party` folds a buyer's request and the buyer itself into one card.
"""

import bisect
import heapq
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

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


Stream = tuple  # (offset, entries, via): see `best_first`


def best_first(
    streams: Iterable[Stream],
    *,
    keep: int,
    floor: float,
    evaluate: Callable[[Any, Any], tuple[tuple, Hashable] | None],
    later: Iterable[tuple[float, Callable[[], Iterable[Stream]]]] = (),
) -> list[tuple[tuple, Any, Any]]:
    """A firm's best `keep` candidates over all its streams: (rank, via, item), best first.

    A stream is (offset, entries, via): entries sorted by the highest score they could reach,
    each (minus its own part of that ceiling, its id, the item); `offset` is what the firm's
    product adds to every entry's ceiling in this stream (a fit level, a shared sector, a size
    fit), so that one sorted list serves every firm; `via` says what the items are reached
    through (the firm's product and the role), passed back with them.

    `evaluate(via, item)` returns the candidate's rank for the firm (minus its score first, then
    its tie-breakers) and its key (one match per key), or None when it must not match. Entries
    are visited in order of ceiling across all streams at once; a key reached several ways keeps
    its best rank. The walk stops at the first ceiling below the floor or below the `keep`-th best
    score found: no unvisited entry can then enter (equal ceilings are visited, as they could
    tie and win on a tie-breaker), so the result equals evaluating every entry, provided no
    ceiling is below the true score of its entry.

    `later` holds streams not made yet, as (bound, make): `make()` returns them once the walk
    reaches `bound`, which must be at least every ceiling among them; a walk that stops above it
    never makes them."""
    streams = [stream for stream in streams if stream[1]]
    heap = [
        (entries[0][0] - offset, entries[0][1], i, 0)
        for i, (offset, entries, _) in enumerate(streams)
    ]
    later = list(later)
    # a stream not made yet is a heap entry of its bound, with a negative index into `later`
    heap += [(-bound, -1, -1 - j, 0) for j, (bound, _make) in enumerate(later)]
    heapq.heapify(heap)
    best: dict[Hashable, tuple[tuple, Any, Any]] = {}
    scores: list[float] = []  # the best score of each key found, ascending
    while heap:
        negative_bound, _pk, i, position = heap[0]
        bound = -negative_bound
        if bound < floor or (len(scores) >= keep and bound < scores[-keep]):
            break
        if i < 0:  # its streams are made now, and walked from their first entries
            heapq.heappop(heap)
            for stream in later[-1 - i][1]():
                if entries := stream[1]:
                    heapq.heappush(
                        heap, (entries[0][0] - stream[0], entries[0][1], len(streams), 0)
                    )
                    streams.append(stream)
            continue
        offset, entries, via = streams[i]
        item = entries[position][2]
        position += 1
        if position < len(entries):
            entry = entries[position]
            heapq.heapreplace(heap, (entry[0] - offset, entry[1], i, position))
        else:
            heapq.heappop(heap)
        got = evaluate(via, item)
        if got is None:
            continue
        rank, key = got
        score = -rank[0]
        if score < floor or score <= 0:
            continue
        known = best.get(key)
        if known is not None:
            if rank >= known[0]:
                continue
            del scores[bisect.bisect_left(scores, -known[0][0])]
        best[key] = (rank, via, item)
        bisect.insort(scores, score)
    return heapq.nsmallest(keep, best.values(), key=_first)


def _first(entry: tuple) -> tuple:
    return entry[0]


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

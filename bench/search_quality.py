"""The product-search quality set and its measures, shared by `make bench-search` and the test
that keeps a floor under them (tests/reference/test_search_quality.py).

bench/data/search_queries.csv holds queries written the way exporters and buyers type them
(accents or not, plurals, typos, English, attributes after the product, codes with dots), each
with the codes that count as right answers.
"""

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "data" / "search_queries.csv"


@dataclass(frozen=True)
class Query:
    text: str
    expected: frozenset[str]
    kind: str


@dataclass(frozen=True)
class Outcome:
    query: Query
    ranked: list[str]
    seconds: float

    @property
    def rank(self) -> int | None:
        """Position (1-based) of the first right answer, or None."""
        return next(
            (i for i, code in enumerate(self.ranked, 1) if code in self.query.expected), None
        )


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    def recall_at(self, k: int) -> float:
        hits = sum(1 for o in self.outcomes if o.rank is not None and o.rank <= k)
        return hits / len(self.outcomes)

    @property
    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / len(self.outcomes)

    def latency_ms(self, share: float) -> float:
        ordered = sorted(o.seconds for o in self.outcomes)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def misses(self, k: int = 5) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > k]


def load_queries(path: Path = QUERIES) -> list[Query]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Query(row["query"], frozenset(row["expected"].split()), row["kind"])
            for row in csv.DictReader(handle)
        ]


def evaluate(
    search: Callable[[str], list[str]], queries: list[Query], *, limit: int = 20
) -> Report:
    """Run every query once through `search` (codes, best first), timing each."""
    outcomes = []
    for query in queries:
        started = time.perf_counter()
        ranked = search(query.text)[:limit]
        outcomes.append(Outcome(query, ranked, time.perf_counter() - started))
    return Report(outcomes)

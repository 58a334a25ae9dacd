"""Product search quality and speed on the whole HS 2022 nomenclature and the trade names.

Runs the committed query set (bench/data/search_queries.csv) through the site's own search
(`opportunities.reference.hs_search.search_hits`, levels 4 and 6, as the forms use it) on a fresh
database of each kind: the embedded SQLite and PostgreSQL (DATABASE_URL, as `make test` uses).
Prints recall@1, recall@5, mean reciprocal rank, p50/p95/max latency per query (after one warm-up
pass; the index is built once per process, its build time is printed apart), the misses, whether
both databases return the same rankings, and the load average of this shared machine.

    make bench-search                 # both databases
    BENCH_SEARCH_DATABASES=sqlite make bench-search
"""

import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database_url, manage, run_measured
from bench.search_quality import Outcome, Query, Report, evaluate, load_queries
from tradeportal.text import fold

TRADE_NAMES = (
    Path(__file__).resolve().parent.parent / "opportunities/reference/data/trade_names.csv"
)
TARGETS = {"recall@5": 0.95, "recall@1": 0.75, "p95 ms": 30.0}


def child(out: Path) -> None:
    """In a process whose DATABASE_URL is ready: measure and write the outcomes as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeportal.settings")
    import django

    django.setup()
    from opportunities.reference import hs_search

    started = time.perf_counter()
    index = hs_search.current_index()
    build = time.perf_counter() - started
    queries = load_queries()

    def search(text: str) -> list[str]:
        return [hit.code for hit in hs_search.search_hits(text, limit=20)]

    evaluate(search, queries)  # warm-up: caches of stems and typo look-ups
    report = evaluate(search, queries)
    out.write_text(
        json.dumps(
            {
                "codes": len(index.docs),
                "names": len(index.names),
                "build_s": build,
                "outcomes": [[o.query.text, o.ranked, o.seconds] for o in report.outcomes],
            }
        )
    )


def run(database: str, work: Path) -> dict:
    """Load a fresh database of this kind, then measure in a child process."""
    if database == "sqlite":
        env = {"DATABASE_URL": f"sqlite:///{work / 'bench-search.sqlite3'}"}
    else:
        env = {"DATABASE_URL": bench_database_url("bench_search")}
    for args in (("migrate", "--noinput", "-v0"), ("import_hs",), ("import_trade_names",)):
        run_measured(manage(*args), env)
    out = work / f"{database}.json"
    run_measured([sys.executable, __file__, "--child", str(out)], env)
    return json.loads(out.read_text())


def report_of(data: dict, queries: list[Query]) -> Report:
    by_text = {q.text: q for q in queries}
    return Report([Outcome(by_text[text], ranked, s) for text, ranked, s in data["outcomes"]])


def show(database: str, data: dict, report: Report) -> None:
    figures = {
        "recall@1": report.recall_at(1),
        "recall@5": report.recall_at(5),
        "p95 ms": report.latency_ms(0.95),
    }
    print(
        f"\n== {database}: {len(report.outcomes)} queries, {data['codes']} HS codes, "
        f"{data['names']} trade names (index built in {data['build_s']:.2f} s)"
    )
    print(
        f"recall@1 {figures['recall@1']:.1%}   recall@5 {figures['recall@5']:.1%}   "
        f"MRR {report.mrr:.3f}"
    )
    print(
        f"latency per query: p50 {report.latency_ms(0.5):.2f} ms   p95 {figures['p95 ms']:.2f} ms"
        f"   max {report.latency_ms(1.0):.2f} ms"
    )
    for name, target in TARGETS.items():
        ok = figures[name] <= target if name.endswith("ms") else figures[name] >= target
        print(f"  {name:9} target {target:g}: {'met' if ok else 'NOT MET'}")
    names = verbatim_names()
    other = Report([o for o in report.outcomes if fold(o.query.text) not in names])
    print(
        f"queries that are not verbatim a trade name of the vocabulary: {len(other.outcomes)}: "
        f"recall@1 {other.recall_at(1):.1%}   recall@5 {other.recall_at(5):.1%}   "
        f"MRR {other.mrr:.3f}"
    )
    misses = report.misses(5)
    print(f"misses at 5 ({len(misses)}):")
    for outcome in misses:
        print(
            f"  {outcome.query.text!r} [{outcome.query.kind}] expected "
            f"{' '.join(sorted(outcome.query.expected))}, got {' '.join(outcome.ranked[:5]) or '-'}"
        )


def verbatim_names() -> set[str]:
    """The trade names of the committed vocabulary, folded."""
    with TRADE_NAMES.open(encoding="utf-8", newline="") as handle:
        return {fold(row["name"]) for row in csv.DictReader(handle)}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
        return
    databases = os.environ.get("BENCH_SEARCH_DATABASES", "sqlite,postgresql").split(",")
    queries = load_queries()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as work:
        for database in databases:
            results[database] = run(database, Path(work))
            show(database, results[database], report_of(results[database], queries))
    if len(results) == 2:
        a, b = (results[d]["outcomes"] for d in databases)
        same = sum(1 for x, y in zip(a, b, strict=True) if x[1] == y[1])
        print(f"\nsame ranking on {' and '.join(databases)}: {same} of {len(a)} queries")
    print(
        "load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f} on {} cores (shared machine)".format(
            *os.getloadavg(), os.cpu_count()
        )
    )


if __name__ == "__main__":
    main()

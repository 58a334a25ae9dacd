"""Import 2,000,000 BACI rows into PostgreSQL and compare with a bare `psql \\copy`.

Prints rows per second of the project's import and of the bare copy of the same file into a
table without indexes, and their ratio, each measured BENCH_RUNS (3) times (median, lowest and
highest): alone (target: at least 0.6) and with a CPU-bound process of the benchmark's own
running beside them (target: at least 0.5); the import's peak memory at 500,000 and 2,000,000
rows (target: flat in the file size); the load average before and after.
"""

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    OUT,
    ROOT,
    bench_database_url,
    manage,
    prepare_database,
    psql_args,
    run_measured,
)
from bench.measure import RUNS, figure, load_average

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "2000000"))
SMALL = ROWS // 4


def generate(path: Path, rows: int, codes: list[str]) -> None:
    """Write the file in a process of its own: a child forked from this one starts with this
    one's resident memory as its peak (Linux), so the generator's must not stay here."""
    if not path.exists():
        child = multiprocessing.get_context("spawn").Process(
            target=write_file, args=(path, rows, codes)
        )
        child.start()
        child.join()
        if child.exitcode:
            sys.exit(f"generating {path} failed")


def write_file(path: Path, rows: int, codes: list[str]) -> None:
    from opportunities.trade.synthetic import benchmark_rows, write_baci

    write_baci(path, benchmark_rows(rows, codes, seed=rows))


def copy_and_import(url: str, env: dict, large: Path) -> tuple[float, float, float]:
    """One measurement: the bare copy, then the project's import of the same file; returns
    their seconds and the import's peak memory (MiB, its reader process included)."""
    bare_sql = (
        "CREATE TABLE IF NOT EXISTS bare_baci (t int, i int, j int, k text, "
        "v numeric, q numeric); TRUNCATE bare_baci;"
    )
    run_measured([*psql_args(url), "-c", bare_sql], env)
    copy = run_measured(
        [
            *psql_args(url),
            "-c",
            f"\\copy bare_baci FROM '{large}' WITH (FORMAT csv, HEADER true, NULL 'NA')",
        ],
        env,
    )
    run = run_measured(manage("import_trade", "--format", "baci", str(large)), env)
    seconds = float(re.search(r"([0-9.]+) s\b", run.output).group(1))
    return copy.seconds, seconds, run.peak_rss_mib


def main() -> None:
    url = bench_database_url("tradeportal_bench_import")
    env = {"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    prepare_database(env)
    from opportunities.models import HSCode

    codes = list(HSCode.objects.filter(level=6).values_list("code", flat=True))
    OUT.mkdir(parents=True, exist_ok=True)
    small, large = OUT / f"baci_{SMALL}.csv", OUT / f"baci_{ROWS}.csv"
    generate(small, SMALL, codes)
    generate(large, ROWS, codes)

    load_before = load_average()
    alone, beside, small_rss = [], [], []
    for _run in range(RUNS):
        alone.append(copy_and_import(url, env, large))
        # A second CPU-bound process beside both, started by the benchmark itself.
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            beside.append(copy_and_import(url, env, large))
        finally:
            hog.kill()
            hog.wait()
        small_rss.append(
            run_measured(manage("import_trade", "--format", "baci", str(small)), env).peak_rss_mib
        )
    load_after = load_average()

    print(f"bench-import: {ROWS:,} BACI rows into PostgreSQL (file {large.relative_to(ROOT)})")
    print(
        f"  {RUNS} runs, median (lowest-highest); {os.cpu_count()} CPUs; load average "
        f"(1, 5, 15 min) before: {load_before}, after: {load_after}"
    )
    for title, runs, target in (
        ("alone", alone, 0.6),
        ("beside a CPU-bound process", beside, 0.5),
    ):
        copies = [ROWS / copy for copy, _seconds, _rss in runs]
        imports = [ROWS / seconds for _copy, seconds, _rss in runs]
        ratios = [seconds and copy / seconds for copy, seconds, _rss in runs]
        print(f"  {title}:")
        print(f"    bare psql \\copy (no indexes):  {figure(copies, ' rows/s', 0)}")
        print(f"    project import (import_trade): {figure(imports, ' rows/s', 0)}")
        print(f"    ratio import/copy:             {figure(ratios, '', 2)}   (target >= {target})")
    large_rss = [rss for _copy, _seconds, rss in alone + beside]
    print(
        f"  peak memory of the import (with its reader process): {figure(small_rss, ' MiB')} at "
        f"{SMALL:,} rows, {figure(large_rss, ' MiB')} at {ROWS:,} rows (target: flat)"
    )


if __name__ == "__main__":
    main()

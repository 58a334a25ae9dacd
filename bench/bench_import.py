"""Import 2,000,000 BACI rows into PostgreSQL and compare with a bare `psql \\copy`.

Prints rows per second of the project's import and of the bare copy of the same file into a
table without indexes, their ratio (target: at least 0.5), and the import's peak memory at
500,000 and 2,000,000 rows (target: flat in the file size).
"""

import os
import re
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

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "2000000"))
SMALL = ROWS // 4


def generate(path: Path, rows: int, codes: list[str]) -> None:
    from opportunities.trade.synthetic import benchmark_rows, write_baci

    if not path.exists():
        write_baci(path, benchmark_rows(rows, codes, seed=rows))


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
    small_run = run_measured(manage("import_trade", "--format", "baci", str(small)), env)
    large_run = run_measured(manage("import_trade", "--format", "baci", str(large)), env)

    import_seconds = float(re.search(r"([0-9.]+) s\b", large_run.output).group(1))
    copy_rate, import_rate = ROWS / copy.seconds, ROWS / import_seconds
    print(f"bench-import: {ROWS:,} BACI rows into PostgreSQL (file {large.relative_to(ROOT)})")
    print(f"  bare psql \\copy (no indexes):  {copy.seconds:7.2f} s  {copy_rate:12,.0f} rows/s")
    print(
        f"  project import (import_trade): {import_seconds:7.2f} s  {import_rate:12,.0f} rows/s"
        f"  ({large_run.seconds:.2f} s with the command's start-up)"
    )
    print(f"  ratio import/copy:             {import_rate / copy_rate:7.2f}   (target >= 0.50)")
    print(
        f"  peak memory of the import:     {small_run.peak_rss_mib:7.1f} MiB at {SMALL:,} rows, "
        f"{large_run.peak_rss_mib:.1f} MiB at {ROWS:,} rows (target: flat)"
    )


if __name__ == "__main__":
    main()

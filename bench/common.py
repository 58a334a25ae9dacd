"""What the benchmarks share: a fresh PostgreSQL database and child processes measured."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
REFERENCE = ("import_hs", "import_regions", "import_sectors")


def database_url(name: str) -> str:
    """The URL of database `name` (with BENCH_DB_SUFFIX, which keeps the benchmark databases of
    concurrent checkouts apart) on the server of DATABASE_URL, whether or not it exists."""
    name += os.environ.get("BENCH_DB_SUFFIX", "")
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tradeportal")
    return urlparse(base)._replace(path=f"/{name}").geturl()


def bench_database_url(name: str) -> str:
    """Return the URL of a fresh database `name` on the server of DATABASE_URL."""
    url = database_url(name)
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        sys.exit("benchmarks need PostgreSQL: set DATABASE_URL (make bench-* does)")
    admin = psql_args(parsed._replace(path="/postgres").geturl())
    name = parsed.path.lstrip("/")
    subprocess.run([*admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    subprocess.run([*admin, "-c", f"CREATE DATABASE {name}"], check=True)
    return url


def psql_args(url: str) -> list[str]:
    parsed = urlparse(url)
    return [
        "psql",
        "-h",
        parsed.hostname or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
        "-d",
        parsed.path.lstrip("/"),
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
    ]


@dataclass
class Measured:
    seconds: float
    peak_rss_mib: float
    output: str


def run_measured(args: list[str], env: dict[str, str]) -> Measured:
    """Run a child process; return its wall time and its own peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{output}")
    return Measured(seconds=seconds, peak_rss_mib=usage.ru_maxrss / 1024, output=output)


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def prepare_database(env: dict, commands=("import_hs",), *, fresh: bool = True) -> dict:
    """Migrate the database of `env` and load reference data with `commands` (unless it is
    reused), then set Django up in this process with the same environment."""
    if fresh:
        run_measured(manage("migrate", "--noinput", "-v0"), env)
        for command in commands:
            run_measured(manage(command), env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeportal.settings")
    import django

    django.setup()
    return env


def run_clients(count: int, client) -> float:
    """Run `client()` in `count` threads at once; return the seconds until the last finished."""
    import threading

    threads = [threading.Thread(target=client) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started

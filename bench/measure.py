"""Repeated measurements: the median and spread of three runs, the load average around them, a
free TCP port, and a prepared benchmark database kept between runs."""

import os
import socket
import statistics
import subprocess

from bench.common import psql_args

RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def median_spread(values: list[float]) -> tuple[float, float, float]:
    """The median, the lowest and the highest of the runs' values."""
    return statistics.median(values), min(values), max(values)


def figure(values: list[float], unit: str = "", digits: int = 1) -> str:
    """'median (min-max) unit' over the runs."""
    middle, low, high = median_spread(values)
    return f"{middle:,.{digits}f} ({low:,.{digits}f}-{high:,.{digits}f}){unit}"


def free_port(variable: str) -> int:
    """The port in `variable` if set; otherwise the first free one from HELPER_PORT_BASE
    (a shared machine gives each checkout its own range), or any free port."""
    if os.environ.get(variable):
        return int(os.environ[variable])
    base = os.environ.get("HELPER_PORT_BASE")
    candidates = range(int(base), int(base) + 100) if base else []
    for port in [*candidates, 0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise SystemExit("no free TCP port")


def prepared_key(url: str) -> str | None:
    """The key a previous run wrote in the database's bench_prepared table once it had loaded
    it completely, or None (no such database, or a run that stopped half-way)."""
    result = subprocess.run(
        [*psql_args(url), "-Atc", "SELECT key FROM bench_prepared"],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or None if result.returncode == 0 else None

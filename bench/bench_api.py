"""The REST API under gunicorn at the matching benchmark's scale.

Generates bench-match's data (BENCH_COMPANIES companies with their products, BENCH_OPPORTUNITIES
opportunities) in a fresh PostgreSQL database, computes the matches of the first
BENCH_API_MATCHED companies with the engine, gives the company with the most matches an owner
with a personal API token, serves the site with gunicorn (production settings, throttling out of the
way) and drives it with BENCH_API_CLIENTS keep-alive clients for BENCH_API_SECONDS per endpoint:
prints p50/p95 and requests/s for listing opportunities and listing my matches (token auth),
and the SQL queries per request at two page sizes.
"""

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_match
from bench.common import (
    REFERENCE,
    ROOT,
    bench_database_url,
    database_url,
    manage,
    prepare_database,
    run_clients,
    run_measured,
)
from bench.measure import RUNS, figure, free_port, load_average, prepared_key

CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "16"))
# The Procfile's settings for a 2-core machine (README, Production), as bench-web serves them.
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_API_THREADS", "4"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "8"))
PORT = free_port("BENCH_API_PORT")
PAGE_SIZES = (10, 100)
MATCHED = int(os.environ.get("BENCH_API_MATCHED", "2000"))
DATABASE = "tradeportal_bench_api"
# The database a previous run prepared is reused when it holds the same data (the key); set
# BENCH_API_FRESH=1 to build it again.
FRESH = os.environ.get("BENCH_API_FRESH") == "1"
KEY = f"v1 {bench_match.COMPANIES} companies {bench_match.OPPORTUNITIES} opportunities {MATCHED}"
TARGET_P95_MS = 150


def setup() -> tuple[dict, bool]:
    url = database_url(DATABASE)
    reuse = not FRESH and prepared_key(url) == KEY
    if not reuse:
        url = bench_database_url(DATABASE)
    env = {
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECRET_KEY": "bench-api",
        "CONN_MAX_AGE": "60",  # the production default (make's test environment sets 0)
        # Measure the API, not the throttle's refusals.
        "API_RATE_ANON": "1000000/min",
        "API_RATE_USER": "1000000/min",
    }
    if reuse:  # the code measured may bring migrations of its own (indexes)
        run_measured(manage("migrate", "--noinput", "-v0"), env)
    return prepare_database(env, REFERENCE, fresh=not reuse), reuse


def prepare() -> None:
    """bench-match's companies and opportunities, the matches of the first MATCHED companies,
    fresh statistics; then the key that lets the next run reuse it all."""
    from django.db import connection

    started = time.perf_counter()
    generate()
    print(f"  data generated in {time.perf_counter() - started:.0f} s")
    seconds, written = match_some(MATCHED)
    print(f"  matches of the first {MATCHED:,} companies: {written:,} written in {seconds:.0f} s")
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them in production
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CREATE TABLE bench_prepared (key text)")
        cursor.execute("INSERT INTO bench_prepared VALUES (%s)", [KEY])


def generate() -> None:
    """bench-match's generator, with tax ids made unique: its random 8-digit RUCs collide
    (birthday paradox) once there are tens of thousands of Peruvian companies."""
    from opportunities.listings import demo

    original, seen = demo.tax_id, set()

    def unique_tax_id(country, rng):
        value = original(country, rng)
        while (country, value) in seen:
            value = original(country, rng)
        seen.add((country, value))
        return value

    demo.tax_id = unique_tax_id
    try:
        bench_match.generate()
    finally:
        demo.tax_id = original


def match_some(count: int) -> tuple[float, int]:
    """The matches of the first `count` companies, by the engine in this process.

    A full rematch at 100,000 companies writes millions of matches and takes far longer than
    this benchmark should (bench-match measures it); listing one company's matches reads them
    through the (company, is_stale, -score) index, whatever the table's size.
    """
    from companies.models import Company
    from opportunities.matching import engine

    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True)[:count])
    started = time.perf_counter()
    written = engine.rematch(ids, "company")
    return time.perf_counter() - started, written


def token_for_busiest_company() -> tuple[int, str, int]:
    """An owner with a token for the company with the most current matches."""
    from django.db.models import Count

    from companies import tokens
    from companies.models import Membership, User
    from opportunities.models import Match

    busiest = (
        Match.objects.filter(is_stale=False)
        .values("company")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    user = User.objects.filter(email="bench@api.test").first()
    if user is None:  # a reused database has it from the run that prepared it
        user = User.objects.create_user(email="bench@api.test", password=None)
        Membership.objects.create(user=user, company_id=busiest["company"], role="owner")
    _token, key = tokens.create_token(user=user, name="bench")
    return busiest["company"], key, busiest["n"]


def count_queries(path: str, key: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(path)  # the token's first use of the minute also writes its last use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return len(queries)


def drive(path: str, key: str, seconds: float = SECONDS) -> tuple[list[float], float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "es"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    seconds = run_clients(CLIENTS, client)
    return latencies, len(latencies) / seconds


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tradeportal.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    for _ in range(60):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/health/")
            return server
        except OSError:
            time.sleep(0.5)
    return server


def endpoints(company: int, matches: int) -> dict[str, str]:
    return {
        "opportunities (default sort)": "/api/v1/opportunities/?page_size={n}",
        "opportunities (market, by value)": (
            "/api/v1/opportunities/?market=PE&sort=value&page_size={n}"
        ),
        "opportunities (sector, min value, closing)": (
            "/api/v1/opportunities/?sector=agribusiness&min_value=100000&sort=closing&page_size={n}"
        ),
        f"my matches ({matches} current, token)": (
            f"/api/v1/my/companies/{company}/matches/?page_size={{n}}"
        ),
    }


def main() -> None:
    env, reuse = setup()
    companies, opportunities = bench_match.COMPANIES, bench_match.OPPORTUNITIES
    print(f"bench-api: {companies:,} companies x {opportunities:,} opportunities (PostgreSQL)")
    if reuse:
        print(f"  reusing the database a previous run prepared ({KEY}; BENCH_API_FRESH=1 rebuilds)")
    else:
        prepare()
    company, key, matches = token_for_busiest_company()
    paths = endpoints(company, matches)
    queries = {
        name: [count_queries(path.format(n=n), key) for n in PAGE_SIZES]
        for name, path in paths.items()
    }
    run_measured(manage("collectstatic", "--noinput", "-v0"), env)
    server = serve(env)
    results: dict[str, list] = {name: [] for name in paths}
    try:
        for path in paths.values():  # every gunicorn worker loads the code and connects
            drive(path.format(n=25), key, seconds=2)
        load_before = load_average()
        for _run in range(RUNS):  # the endpoints in turn, so a drift of the load hits them all
            for name, path in paths.items():
                results[name].append(drive(path.format(n=25), key))
        load_after = load_average()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
    print(
        f"  gunicorn {WORKERS} workers x {THREADS} threads on port {PORT}, {CLIENTS} clients, "
        f"{SECONDS:.0f} s per run, 25 per page, {RUNS} runs: median (lowest-highest), "
        f"{os.cpu_count()} CPUs"
    )
    print(f"  load average (1, 5, 15 min) before: {load_before}, after: {load_after}")
    for name, runs in results.items():
        p50 = [statistics.quantiles(latencies, n=100)[49] * 1000 for latencies, _rate in runs]
        p95 = [statistics.quantiles(latencies, n=100)[94] * 1000 for latencies, _rate in runs]
        rates = [rate for _latencies, rate in runs]
        counts = " / ".join(str(q) for q in queries[name])
        print(f"  {name}")
        print(
            f"      p50 {figure(p50, ' ms')}  p95 {figure(p95, ' ms')} (target < "
            f"{TARGET_P95_MS} ms)  {figure(rates, ' req/s')}"
        )
        print(f"      queries a request at {PAGE_SIZES[0]} / {PAGE_SIZES[1]} a page: {counts}")


if __name__ == "__main__":
    main()

"""Browse and opportunity pages under gunicorn at scale, next to a trivial Django view.

Loads 2,000,000 BACI trade rows and BENCH_WEB_OPPORTUNITIES opportunities into a fresh
PostgreSQL database, serves the site with gunicorn (production settings), and drives it with
BENCH_WEB_CLIENTS concurrent keep-alive clients on loopback for BENCH_WEB_SECONDS per page:
prints SQL queries per request, p50/p95 latency and requests/s, and each page's throughput as a
share of /robots.txt (a trivial view) served by the same gunicorn in the same run.
"""

import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, ROOT, bench_database_url, manage, run_measured

OPPORTUNITIES = int(os.environ.get("BENCH_WEB_OPPORTUNITIES", "20000"))
FLOWS = int(os.environ.get("BENCH_WEB_FLOWS", "2000000"))
CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "10"))
PORT = 8765


def setup() -> dict:
    url = bench_database_url("tradeportal_bench_web")
    env = {
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-web",
    }
    run_measured(manage("migrate", "--noinput", "-v0"), env)
    for command in ("import_hs", "import_regions", "import_sectors"):
        run_measured(manage(command), env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeportal.settings")
    import django

    django.setup()
    return env


def load_data(env: dict) -> None:
    from django.utils import timezone

    from opportunities.models import HSCode, Opportunity, SectorCode
    from opportunities.synthetic import benchmark_rows, write_baci
    from tradeportal.text import fold

    codes = list(HSCode.objects.filter(level=6).values_list("code", flat=True))
    path = OUT / f"baci_{FLOWS}.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_baci(path, benchmark_rows(FLOWS, codes, seed=FLOWS))
    run_measured(manage("import_trade", "--format", "baci", str(path)), {**env, "REDIS_URL": ""})
    headings = list(HSCode.objects.filter(level=4))
    sectors = dict(SectorCode.objects.values_list("hs_code_id", "sector_id"))
    rng, now = random.Random(3), timezone.now()
    rows = []
    for index in range(OPPORTUNITIES):
        code = rng.choice(headings)
        years = list(range(2020, 2025))
        world = [rng.lognormvariate(16, 2) for _ in years]
        rows.append(
            Opportunity(
                kind="demand",
                status="published",
                market_country=rng.choice(["MX", "PE"]),
                hs_code=code,
                sector_id=sectors.get(code.code),
                value_usd=world[-1],
                imports_world_usd=world[-1],
                imports_partner_usd=world[-1] * rng.random() / 5,
                growth_pct=rng.gauss(3, 8),
                potential_usd=world[-1] / 4,
                unrealised_usd=world[-1] / 8,
                period_start=2020,
                period_end=2024,
                published_at=now,
                demand_key=f"bench:{index}",
                figures={
                    "years": years,
                    "world": world,
                    "partner": [w / 10 for w in world],
                    "origins": [["CHN", world[-1] / 3], ["USA", world[-1] / 4]],
                },
                search_text=fold(f"{code.code} {code.description_es} {code.description_en}"),
            )
        )
    Opportunity.objects.bulk_create(rows, batch_size=5000)


def count_queries(paths: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(HTTP_HOST="127.0.0.1"), {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def drive(path: str) -> tuple[list[float], float]:
    latencies: list[float] = []
    stop = time.monotonic() + SECONDS
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies) / (time.perf_counter() - started)


def main() -> None:
    env = setup()
    load_data(env)
    from opportunities.models import Opportunity

    detail = Opportunity.objects.order_by("-value_usd").values_list("pk", flat=True)[50]
    pages = {
        "trivial view (/robots.txt)": "/robots.txt",
        "browse: market filter + search word": "/opportunities/?market=PE&q=carne",
        "browse: sector filter + search word": "/opportunities/?sector=agribusiness&q=frutas",
        "opportunity page": f"/opportunities/{detail}/",
    }
    queries = count_queries(list(pages.values()))
    run_measured(manage("collectstatic", "--noinput", "-v0"), env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tradeportal.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "4",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        time.sleep(3)
        results = {name: drive(path) for name, path in pages.items()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
    print(
        f"bench-web: {OPPORTUNITIES:,} opportunities, {FLOWS:,} trade rows, gunicorn 4x4, "
        f"{CLIENTS} clients, {SECONDS:.0f} s per page"
    )
    baseline = results["trivial view (/robots.txt)"][1]
    for name, (latencies, rate) in results.items():
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"  {name:38s} queries {queries[pages[name]]:2d}  p50 {cuts[49] * 1000:6.1f} ms  "
            f"p95 {cuts[94] * 1000:6.1f} ms  {rate:7.1f} req/s  {100 * rate / baseline:5.1f}% "
            "of trivial"
        )
    print("  targets: <= 10 queries, p95 < 100 ms, >= 40% of the trivial view's throughput")


if __name__ == "__main__":
    main()

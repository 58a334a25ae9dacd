"""Full rematch at scale on PostgreSQL with the project's own Celery workers.

Generates BENCH_COMPANIES companies (about 4 products each, Zipf-skewed HS headings, the demo
generator's) and BENCH_OPPORTUNITIES opportunities, then prints: the full rematch's duration
through real worker processes (a chord of chunks), matches written, peak memory per worker
process, the straightforward per-company ORM loop on a slice scaled up, and one company's
incremental rematch from commit to stored matches.
"""

import os
import random
import subprocess
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, REFERENCE, ROOT, bench_database_url, prepare_database
from tradeportal.celery import worker_argv

COMPANIES = int(os.environ.get("BENCH_COMPANIES", "100000"))
OPPORTUNITIES = int(os.environ.get("BENCH_OPPORTUNITIES", "20000"))
SLICE = int(os.environ.get("BENCH_SLICE", "2000"))
# At 20,000 opportunities the loop takes seconds per company: it stops after this budget and
# its rate on the companies it finished is scaled up.
NAIVE_BUDGET_S = float(os.environ.get("BENCH_NAIVE_SECONDS", "120"))
DATABASE = os.environ.get("BENCH_DATABASE", "tradeportal_bench_match")  # a name of one's own


def setup() -> dict:
    url = bench_database_url(DATABASE)
    env = {"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "0"}
    return prepare_database(env, REFERENCE)


def generate() -> None:
    from django.db import connection
    from django.utils import timezone

    from companies.models import Company, CompanyProduct, Region
    from opportunities.listings import demo
    from opportunities.models import HSCode, Opportunity

    headings = list(HSCode.objects.filter(level=4).values_list("code", flat=True))
    featured = {
        c: [h for h in v if h in set(headings)]
        for c, v in demo.main_products(ROOT.parent / "shared" / "data").items()
    }
    regions = {c: list(Region.objects.filter(country=c)) for c in ("MX", "PE")}
    batch, products = [], []
    for country, pick, name, tax_id, size, exports, imports in demo.company_rows(
        COMPANIES, headings, featured, seed=11
    ):
        batch.append(
            Company(
                legal_name=name,
                country=country,
                tax_id=tax_id,
                size=size,
                region=regions[country][int(pick * len(regions[country]))],
                status="verified",
                is_demo=True,
            )
        )
        products.append(([*exports, headings[zlib.crc32(name.encode()) % 300]], imports))
    Company.objects.bulk_create(batch, batch_size=5000)
    rows = [
        CompanyProduct(company=c, hs_code_id=code, direction=d)
        for c, (exports, imports) in zip(batch, products, strict=True)
        for d, codes in (("export", set(exports)), ("import", set(imports)))
        for code in codes
    ]
    CompanyProduct.objects.bulk_create(rows, batch_size=10000)
    rng, now = random.Random(5), timezone.now()
    weights = [1 / r**0.8 for r in range(1, len(headings) + 1)]
    opportunities = [
        Opportunity(
            kind="demand",
            status="published",
            market_country=rng.choice(["MX", "PE"]),
            hs_code_id=code,
            value_usd=rng.lognormvariate(16, 2),
            growth_pct=rng.gauss(3, 8),
            unrealised_usd=rng.lognormvariate(14, 2.5),
            imports_world_usd=1,
            imports_partner_usd=0,
            period_end=2024,
            published_at=now,
            demand_key=f"bench:{index}",
        )
        for index, code in enumerate(rng.choices(headings, weights=weights, k=OPPORTUNITIES))
    ]
    Opportunity.objects.bulk_create(opportunities, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them on a live database
    print(
        f"  generated {COMPANIES:,} companies, {len(rows):,} products, "
        f"{OPPORTUNITIES:,} opportunities"
    )


def naive_loop(company_ids: list[int]) -> tuple[float, int]:
    """The straightforward version: per company, per product, ORM queries and update_or_create.

    Returns the time taken and how many companies it went through within the budget."""
    from companies.models import Company
    from opportunities.matching.scoring import Candidate, Weights, score
    from opportunities.models import Match, Opportunity

    weights, started, done = Weights(), time.perf_counter(), 0
    for company in Company.objects.filter(pk__in=company_ids):
        if time.perf_counter() - started > NAIVE_BUDGET_S:
            break
        done += 1
        for product in company.products.filter(direction="export"):
            for opportunity in (
                Opportunity.objects.open()
                .filter(hs_code__code__startswith=product.hs_code_id[:2])
                .exclude(market_country=company.country)
            ):
                value, parts = score(
                    Candidate(
                        product.hs_code_id,
                        opportunity.hs_code_id,
                        company.country,
                        opportunity.market_country,
                        demand_usd=float(opportunity.value_usd or 0),
                    ),
                    weights,
                )
                if value >= 20:
                    Match.objects.update_or_create(
                        company=company,
                        opportunity=opportunity,
                        defaults={"score": value, "components": parts, "kind": "opportunity"},
                    )
    return time.perf_counter() - started, done


WORKER_LOG = OUT / "bench-match-workers.log"


def start_workers(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        worker_argv(queues="default,matching", node="bench"),
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=WORKER_LOG.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def peak_rss_mib(root: subprocess.Popen) -> list[float]:
    pids = [root.pid] + [
        int(p)
        for p in subprocess.run(
            ["pgrep", "-P", str(root.pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def one_company(company_id: int) -> float:
    """Seconds from sending a company's rematch to its matches stored (its run finished).

    Read from the database, not the result backend: what a firm waits for is the stored rows."""
    from django.utils import timezone

    from opportunities.matching import tasks
    from opportunities.models import MatchingRun

    since = timezone.now()
    started = time.perf_counter()
    tasks.rematch_company.delay(company_id)
    runs = MatchingRun.objects.filter(kind=MatchingRun.Kind.COMPANY, started_at__gte=since)
    while not runs.filter(finished_at__isnull=False).exists():
        if time.perf_counter() - started > 60:
            sys.exit(f"bench-match: the company's rematch did not finish in 60 s ({WORKER_LOG})")
        time.sleep(0.002)
    return time.perf_counter() - started


def main() -> None:
    env = setup()
    print(f"bench-match: {COMPANIES:,} companies x {OPPORTUNITIES:,} opportunities (PostgreSQL)")
    generate()
    from companies.models import Company
    from opportunities.matching import tasks
    from opportunities.models import Match, MatchingRun
    from tradeportal.celery import app

    app.conf.task_always_eager = False
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    from opportunities.matching.engine import CHUNK

    naive_s, naive_done = naive_loop(ids[:SLICE])
    naive = naive_s / naive_done * len(ids)
    Match.objects.all().delete()
    workers = start_workers(env)
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.5)
        started = time.perf_counter()
        run_id = tasks.full_rematch.delay().get(timeout=3600)
        while not MatchingRun.objects.get(pk=run_id).finished_at:
            if time.perf_counter() - started > 3600:
                sys.exit("bench-match: the full rematch did not finish within an hour")
            time.sleep(0.2)
        full = time.perf_counter() - started
        run = MatchingRun.objects.get(pk=run_id)
        company = Company.objects.filter(products__direction="export").first()
        incremental = one_company(company.pk)
        peaks = peak_rss_mib(workers)
    finally:
        os.killpg(workers.pid, 15)
    print(
        f"  full rematch ({-(-len(ids) // CHUNK)} chunks, 2 worker processes): "
        f"{full:.1f} s, {run.matches_written:,} matches written (target < 60 s)"
    )
    print(
        f"  straightforward ORM loop, {naive_done:,} companies of a {SLICE:,}-company slice "
        f"in {naive_s:.0f} s, scaled up: {naive:,.0f} s -> speed-up x{naive / full:,.0f} "
        f"(target >= 50)"
    )
    print(f"  peak memory per worker process: {max(peaks):.0f} MiB (target < 1024)")
    print(
        f"  incremental rematch of one company through the broker: {incremental * 1000:.0f} ms "
        f"(target < 200 ms)"
    )


if __name__ == "__main__":
    main()

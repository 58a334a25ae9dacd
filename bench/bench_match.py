"""Full and incremental rematch at scale on PostgreSQL with the project's own Celery workers,
against a fair baseline doing the same job straightforwardly.

Generates BENCH_COMPANIES companies (the demo generator's Zipf-skewed products, with sectors,
certifications, sizes, yearly volumes, profiles filled in to varying degrees and activity spread
over a year) and BENCH_OPPORTUNITIES opportunities (market demand of every age and size, and
BENCH_REQUEST_SHARE of them buyer requests of importing firms with certifications required),
plus BENCH_DISMISSED_SHARE of the firms with a dismissed match. Then prints:

- the fair baseline: per firm, the same candidates (same loading, same fields), every pair
  scored with the same scoring function, counterparts included, the best N kept with heapq in
  the same order, one transaction per firm with bulk ORM writes; timed on BENCH_SLICES slices of
  BENCH_SLICE firms (each stopped after BENCH_BASELINE_SECONDS) and scaled up, mean and spread;
- the full rematch through real worker processes from no matches, the median and range of
  BENCH_FULL_RUNS runs, matches written, the speed-up; and its duration once more over its own
  stored matches (the nightly case) while the incremental rematches run;
- the equivalence check: the baseline's matches of the slices against the engine's (same pairs,
  same scores);
- incremental rematches (their own `rematch` queue and worker) from sending to stored matches,
  p50/p95 over BENCH_INCREMENTAL firms, idle and while a full rematch runs;
- peak memory per worker process.

Isolated: its own database, and its own Redis database as broker and result backend (number
BENCH_MATCH_REDIS_DB), flushed before it starts and after it ends, so no task left by another
run is ever consumed; no beat runs, so no demand regeneration touches the opportunities during
the measurement. A failed run stops its workers and flushes its broker.
"""

import contextlib
import heapq
import os
import random
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    OUT,
    REFERENCE,
    ROOT,
    bench_database_url,
    prepare_database,
    psql_args,
)

COMPANIES = int(os.environ.get("BENCH_COMPANIES", "100000"))
OPPORTUNITIES = int(os.environ.get("BENCH_OPPORTUNITIES", "20000"))
REQUEST_SHARE = float(os.environ.get("BENCH_REQUEST_SHARE", "0.15"))
DISMISSED_SHARE = float(os.environ.get("BENCH_DISMISSED_SHARE", "0.03"))
SLICE = int(os.environ.get("BENCH_SLICE", "300"))
SLICES = max(3, int(os.environ.get("BENCH_SLICES", "3")))
BASELINE_BUDGET_S = float(os.environ.get("BENCH_BASELINE_SECONDS", "60"))
INCREMENTAL = int(os.environ.get("BENCH_INCREMENTAL", "50"))
FULL_RUNS = max(1, int(os.environ.get("BENCH_FULL_RUNS", "3")))
DATABASE = os.environ.get("BENCH_DATABASE", "tradeportal_bench_match")  # a name of one's own
REDIS_DB = int(os.environ.get("BENCH_MATCH_REDIS_DB", "11"))
WORKER_LOG = OUT / "bench-match-workers.log"


def broker_url() -> str:
    """A Redis database of the benchmark's own, on the server of REDIS_URL."""
    base = urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return base._replace(path=f"/{REDIS_DB}").geturl()


def flush_broker(url: str) -> int:
    """Drop every message and result left in the benchmark's broker database; return how many
    keys there were."""
    import redis

    client = redis.Redis.from_url(url)
    keys = client.dbsize()
    client.flushdb()
    return keys


# the data set's scale and generator version: a database built with the same is reused
BUILT = (
    f"companies={COMPANIES} opportunities={OPPORTUNITIES} requests={REQUEST_SHARE} "
    f"dismissed={DISMISSED_SHARE} generator=2"
)


def built_database() -> str | None:
    """The URL of this scale's database when an earlier run built it completely, else None."""
    name = f"{DATABASE}_{COMPANIES}x{OPPORTUNITIES}{os.environ.get('BENCH_DB_SUFFIX', '')}"
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tradeportal")
    url = urlparse(base)._replace(path=f"/{name}").geturl()
    found = subprocess.run(
        [*psql_args(url), "-tAc", "SELECT note FROM bench_match_built"],
        capture_output=True,
        text=True,
    )
    return url if found.returncode == 0 and found.stdout.strip() == BUILT else None


def setup() -> tuple[dict, bool]:
    """The environment of the benchmark's database, and whether it was reused as built."""
    reused = os.environ.get("BENCH_REBUILD", "") != "1" and built_database()
    url = reused or bench_database_url(f"{DATABASE}_{COMPANIES}x{OPPORTUNITIES}")
    broker = broker_url()
    left = flush_broker(broker)
    if left:
        print(f"  broker database {broker}: {left} keys left by an earlier run, flushed")
    env = {
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CACHE_URL": broker,
    }
    return prepare_database(env, REFERENCE, fresh=not reused), bool(reused)


def mark_built() -> None:
    """Record that the data set is complete (a run interrupted while generating rebuilds it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_match_built (note text)")
        cursor.execute("INSERT INTO bench_match_built VALUES (%s)", [BUILT])


def vacuum_matches() -> None:
    from django.db import connection

    from opportunities.models import Match

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Match._meta.db_table}")


def reset_matches() -> None:
    """Back to the data set as generated: only the dismissals, no runs, batches or emails."""
    from django.db import connection

    from opportunities.models import Match, MatchingChunk, MatchingRun
    from opportunities.notifications.models import InstantBatch
    from tradeportal.models import OutboxEmail

    Match.objects.exclude(status="dismissed").delete()
    MatchingChunk.objects.all().delete()
    MatchingRun.objects.all().delete()
    with connection.cursor() as cursor:
        tables = (InstantBatch._meta.db_table, OutboxEmail._meta.db_table)
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("VACUUM ANALYZE")


def generate() -> None:
    """Companies, products, sectors, opportunities, requests and dismissals, realistic enough
    that firms' profiles differ (no two chapters' firms all alike)."""
    from django.db import connection
    from django.utils import timezone

    from companies.models import Certification, Company, CompanyProduct, Region
    from companies.services import refresh_sector_bits
    from opportunities.listings import demo
    from opportunities.models import HSCode, Match, Opportunity, Sector

    rng, now = random.Random(5), timezone.now()
    headings = list(HSCode.objects.filter(level=4).values_list("code", flat=True))
    known = set(headings)
    featured = {
        c: [h for h in v if h in known]
        for c, v in demo.main_products(ROOT.parent / "shared" / "data").items()
    }
    sector_of: dict[str, int] = {}
    for sector_id, code in Sector.codes.through.objects.values_list("sector_id", "hs_code_id"):
        sector_of.setdefault(code[:4], sector_id)
        sector_of.setdefault(code[:2], sector_id)
    certifications = [c for c, _label in Certification.choices]
    regions = {c: list(Region.objects.filter(country=c)) for c in ("MX", "PE")}
    batch, products = [], []
    for country, pick, name, tax_id, size, exports, imports in demo.company_rows(
        COMPANIES, headings, featured, seed=11
    ):
        filled = rng.random()
        batch.append(
            Company(
                legal_name=name,
                country=country,
                tax_id=tax_id,
                size=size,
                region=regions[country][int(pick * len(regions[country]))],
                status="verified",
                is_demo=True,
                certifications=rng.sample(certifications, rng.choice([0, 0, 1, 1, 2])),
                description="Empresa sintética del benchmark." if filled > 0.3 else "",
                website="https://example.com" if filled > 0.6 else "",
                city="Ciudad" if filled > 0.5 else "",
                languages=["es", "en"] if filled > 0.7 else ["es"] if filled > 0.4 else [],
            )
        )
        products.append(([*exports, headings[zlib.crc32(name.encode()) % 300]], imports))
    Company.objects.bulk_create(batch, batch_size=5000)
    rows, links = [], []
    for company, (exports, imports) in zip(batch, products, strict=True):
        for direction, codes in (("export", set(exports)), ("import", set(imports))):
            for code in codes:
                volume = rng.choice([None, None, round(rng.lognormvariate(12, 2), 2)])
                rows.append(
                    CompanyProduct(
                        company=company, hs_code_id=code, direction=direction,
                        yearly_volume_usd=volume,
                    )
                )  # fmt: skip
        sectors = {sector_of.get(code[:4]) or sector_of.get(code[:2]) for code in exports}
        links += [
            Company.sectors.through(company=company, sector_id=s) for s in sectors if s is not None
        ]
    CompanyProduct.objects.bulk_create(rows, batch_size=10000)
    Company.sectors.through.objects.bulk_create(links, batch_size=10000, ignore_conflicts=True)
    refresh_sector_bits()
    with connection.cursor() as cursor:  # last activity and verification spread over a year
        cursor.execute(
            f"UPDATE {Company._meta.db_table} SET updated_at = now() - (id * 7919 % 365) "
            "* interval '1 day', verified_at = now() - (id * 7919 % 365) * interval '1 day'"
        )
    importers = [(c, imports) for c, (_e, imports) in zip(batch, products, strict=True) if imports]
    weights = [1 / r**0.8 for r in range(1, len(headings) + 1)]
    opportunities = []
    for index, code in enumerate(rng.choices(headings, weights=weights, k=OPPORTUNITIES)):
        if rng.random() < REQUEST_SHARE and importers:
            buyer, imports = rng.choice(importers)
            opportunities.append(
                Opportunity(
                    kind="request",
                    status="published",
                    company=buyer,
                    title=f"Solicitud sintética {index}",
                    market_country=buyer.country,
                    hs_code_id=rng.choice(imports),
                    value_usd=rng.choice([None, round(rng.lognormvariate(12, 1.5), 2)]),
                    required_certifications=rng.sample(certifications, rng.choice([0, 1, 1, 2])),
                    published_at=now - timezone.timedelta(days=rng.randint(0, 60)),
                    deadline=now + timezone.timedelta(days=rng.randint(10, 90)),
                )
            )
            continue
        opportunities.append(
            Opportunity(
                kind="demand",
                status="published",
                market_country=rng.choice(["MX", "PE"]),
                hs_code_id=code,
                sector_id=sector_of.get(code) or sector_of.get(code[:2]),
                value_usd=rng.lognormvariate(16, 2),
                growth_pct=rng.gauss(3, 8),
                unrealised_usd=rng.lognormvariate(14, 2.5),
                imports_world_usd=1,
                imports_partner_usd=0,
                period_end=2024,
                published_at=now - timezone.timedelta(days=rng.randint(0, 365)),
                demand_key=f"bench:{index}",
            )
        )
    Opportunity.objects.bulk_create(opportunities, batch_size=5000)
    dismissed = [
        Match(
            company=company, kind="opportunity", opportunity=rng.choice(opportunities),
            score=30, status="dismissed",
        )
        for company in rng.sample(batch, int(len(batch) * DISMISSED_SHARE))
    ]  # fmt: skip
    Match.objects.bulk_create(dismissed, batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them on a live database
    requests = sum(o.kind == "request" for o in opportunities)
    print(
        f"  generated {COMPANIES:,} companies, {len(rows):,} products, {len(links):,} sector "
        f"links, {OPPORTUNITIES:,} opportunities ({requests:,} buyer requests), "
        f"{len(dismissed):,} dismissals"
    )


def baseline_matches(company_id: int) -> list:
    """One firm's best matches the straightforward way: its candidates loaded for it alone,
    every pair scored, the best N kept with heapq, in the engine's order."""
    from django.utils import timezone

    from opportunities.matching import engine, loading, reasons
    from opportunities.matching.candidates import counterpart_candidate, opportunity_candidate
    from opportunities.matching.ranking import Found, one_card_per_party, tie_order
    from opportunities.matching.scoring import score

    firm = engine.load_firms([company_id])[company_id]
    weights, floor, keep = engine.load_settings()
    needs = engine.needs_of([firm])
    now = timezone.now()
    seed = now.date().toordinal()
    best: dict[tuple, tuple] = {}
    for opening in loading.openings(needs, now):
        for code, volume in firm.exports.items():
            candidate = opportunity_candidate(opening, code, firm.profile(code), volume)
            value, parts = score(candidate, weights)
            key = (True, opening.pk)
            if value >= floor and value > 0 and value > best.get(key, (0,))[0]:
                why = reasons.explain_opportunity(opening, firm.country, code, candidate)
                found = Found(
                    value, "opportunity", opening.pk, parts, why, party=opening.company_id
                )
                best[key] = (value, (-value, False, opening.pk), found)
    for row in loading.counterparts(needs, now):
        if row.country == firm.country or row.pk == firm.pk:
            continue
        role = "buyer" if row.direction == "import" else "supplier"
        codes = firm.exports if role == "buyer" else firm.imports
        for code in codes:
            candidate = counterpart_candidate(code, role, firm.profile(code), row)
            value, parts = score(candidate, weights)
            key = (False, row.pk)
            if value >= floor and value > 0 and value > best.get(key, (0,))[0]:
                parts["other_code"] = row.code
                why = reasons.explain_counterpart(
                    row.name, row.country, row.code, role, code, candidate
                )
                found = Found(value, role, row.pk, parts, why, party=row.pk)
                best[key] = (value, (-value, True, tie_order(firm.pk, row.pk, seed)), found)
    kept = heapq.nsmallest(keep, best.values(), key=lambda item: item[1])
    return one_card_per_party([found for _value, _rank, found in kept])


def baseline(slices: list[list[int]]) -> tuple[list[float], dict[int, set], int]:
    """Seconds per firm on each slice, the matches found, and how many firms were done."""
    from django.db import transaction

    from opportunities.matching import store

    rates, found, done = [], {}, 0
    for ids in slices:
        started, count = time.perf_counter(), 0
        for company_id in ids:
            if time.perf_counter() - started > BASELINE_BUDGET_S:
                break
            matches = baseline_matches(company_id)
            with transaction.atomic():  # one transaction per firm, bulk writes
                store.save_orm([company_id], [(company_id, f) for f in matches])
                store.mark_to_announce([company_id])  # as store.save does
            found[company_id] = {(f.is_opportunity, f.target, f.score) for f in matches}
            count += 1
        rates.append((time.perf_counter() - started) / max(count, 1))
        done += count
    return rates, found, done


def start_workers(env: dict) -> list[subprocess.Popen]:
    """Two processes on the full rematch's queues, at a lower CPU priority as the Procfile runs
    them, and one of its own on the rematch queue; with the production's persistent database
    connections (CONN_MAX_AGE 60 s)."""
    from tradeportal.celery import worker_argv

    WORKER_LOG.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/out yet
    log = WORKER_LOG.open("w")
    return [
        subprocess.Popen(
            [*nice, *worker_argv(queues=queues, node=name, concurrency=concurrency)],
            cwd=ROOT,
            env={**os.environ, **env, "CONN_MAX_AGE": "60"},
            stdout=log,
            stderr=subprocess.STDOUT,
            # a process group of its own to stop it by, in the benchmark's session: the kernel's
            # autogroups share the CPU out by session first, so a worker in a session of its own
            # would take half of it whatever its nice value
            process_group=0,
        )
        for name, queues, concurrency, nice in (
            ("bench-full", "default,matching", 2, ["nice", "-n", "10"]),
            ("bench-rematch", "rematch", 1, []),
        )
    ]


def peak_rss_mib(roots: list[subprocess.Popen]) -> list[float]:
    pids = [root.pid for root in roots]
    for root in roots:
        children = subprocess.run(["pgrep", "-P", str(root.pid)], capture_output=True, text=True)
        pids += [int(p) for p in children.stdout.split()]
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def one_company(company_id: int) -> float:
    """Seconds from sending a company's rematch to its matches stored (its run finished).

    The task answers after its matches and run are committed; the run is then checked in the
    database: what a firm waits for is the stored rows."""
    from opportunities.matching import tasks
    from opportunities.models import MatchingRun

    runs = MatchingRun.objects.filter(kind=MatchingRun.Kind.COMPANY, finished_at__isnull=False)
    before = runs.count()
    started = time.perf_counter()
    # the task returns once the matches are committed; waiting on its result (Redis pub/sub)
    # takes no CPU from the workers, as polling the database every few ms would
    tasks.rematch_company.delay(company_id).get(timeout=60)
    waited = time.perf_counter() - started
    if runs.count() <= before:
        raise RuntimeError(f"a company's rematch answered without storing its run ({WORKER_LOG})")
    return waited


def percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def full_rematch() -> tuple[int, float]:
    from opportunities.matching import tasks

    return tasks.full_rematch.delay().get(timeout=3600), time.perf_counter()


def finished(run_id: int) -> bool:
    from opportunities.models import MatchingRun

    return MatchingRun.objects.filter(pk=run_id, finished_at__isnull=False).exists()


def main() -> None:
    env, reused = setup()
    print(
        f"bench-match: {COMPANIES:,} companies x {OPPORTUNITIES:,} opportunities (PostgreSQL), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if reused:
        reset_matches()
        print(f"  reusing the data set built by an earlier run ({BUILT}; BENCH_REBUILD=1 rebuilds)")
    else:
        generate()
        mark_built()
    if os.environ.get("BENCH_BUILD_ONLY") == "1":
        return
    from companies.models import Company
    from opportunities.matching.engine import CHUNK
    from opportunities.models import Match, MatchingRun
    from tradeportal.celery import app

    app.conf.task_always_eager = False
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(17)
    starts = sorted(rng.sample(range(max(1, len(ids) - SLICE)), SLICES))
    slices = [ids[start : start + SLICE] for start in starts]
    rates, expected, done = baseline(slices)
    per_firm = statistics.mean(rates)
    spread = statistics.stdev(rates) if len(rates) > 1 else 0.0
    Match.objects.exclude(status="dismissed").delete()
    workers = start_workers(env)
    try:
        while len(app.control.ping(timeout=0.5)) < 2:
            time.sleep(0.5)
        fulls = []
        for attempt in range(FULL_RUNS):
            if attempt:  # from no matches again, on a table vacuumed as before the first
                Match.objects.exclude(status="dismissed").delete()
                vacuum_matches()
            started = time.perf_counter()
            run_id, _sent = full_rematch()
            while not finished(run_id):
                if time.perf_counter() - started > 3600:
                    raise TimeoutError("the full rematch did not finish within an hour")
                time.sleep(0.2)
            fulls.append(time.perf_counter() - started)
        full = statistics.median(fulls)
        run = MatchingRun.objects.get(pk=run_id)
        live = Match.objects.filter(company_id__in=expected, is_stale=False)
        stored: dict[int, set] = {pk: set() for pk in expected}
        for company_id, opportunity_id, counterpart_id, score in live.values_list(
            "company_id", "opportunity_id", "counterpart_id", "score"
        ):
            target = opportunity_id or counterpart_id
            stored[company_id].add((opportunity_id is not None, target, score))
        differ = [pk for pk in expected if stored[pk] != expected[pk]]
        # the same firms on every run of a data set (a seeded sample, not the database's random)
        exporters = sorted(
            Company.objects.filter(products__direction="export")
            .distinct()
            .values_list("pk", flat=True)
        )
        exporters = random.Random(29).sample(exporters, min(INCREMENTAL, len(exporters)))
        idle = [one_company(pk) for pk in exporters]
        busy, runs = [], []
        while len(busy) < len(exporters):
            if not runs or finished(runs[-1]):
                runs.append(full_rematch()[0])
                time.sleep(1.0)  # its chunks are being worked on
            busy.append(one_company(exporters[len(busy)]))
        while not all(finished(r) for r in runs):
            time.sleep(0.5)
        again = MatchingRun.objects.filter(pk__in=runs).order_by("pk")
        nightly = list(again.values_list("duration_s", flat=True))
        peaks = peak_rss_mib(workers)
    finally:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, 15)
        flush_broker(broker_url())
    baseline_total = per_firm * len(ids)
    print(
        f"  fair baseline (same candidates and scoring, counterparts, heapq top-N, one "
        f"transaction per firm with bulk writes): {done:,} firms over {len(slices)} slices of "
        f"{SLICE}, {per_firm * 1000:.1f} +/- {spread * 1000:.1f} ms per firm -> "
        f"{baseline_total:,.0f} +/- {spread * len(ids):,.0f} s for {len(ids):,} firms"
    )
    print(
        f"  full rematch from no matches ({-(-len(ids) // CHUNK)} chunks, 2 worker processes), "
        f"median of {len(fulls)}: {full:.1f} s [{min(fulls):.1f}-{max(fulls):.1f}], "
        f"{run.matches_written:,} matches written (target < 60 s) -> "
        f"x{baseline_total / full:,.1f} the baseline "
        f"(x{(per_firm - spread) * len(ids) / full:,.1f} to "
        f"x{(per_firm + spread) * len(ids) / full:,.1f}; target >= 20)"
    )
    print(
        f"  equivalence on the slices: {len(expected) - len(differ):,} of {len(expected):,} firms "
        f"have the same matches (pairs and scores) from the baseline and the engine"
        + (f"; differing: {differ[:10]}" if differ else "")
    )
    print(
        f"  incremental rematch through its own queue, {len(exporters)} firms: "
        f"idle {percentiles(idle)}; during {len(runs)} full rematch(es) {percentiles(busy)} "
        f"(target p95 < 300 ms)"
    )
    slowest = sorted(range(len(busy)), key=busy.__getitem__)[-3:][::-1]
    print(
        "  slowest during the full rematch: "
        + ", ".join(
            f"firm {exporters[i]} {busy[i] * 1000:.0f} ms (idle {idle[i] * 1000:.0f} ms)"
            for i in slowest
        )
    )
    print(
        f"  full rematch again over its own stored matches (the nightly case), beside the "
        f"incremental rematches: {', '.join(f'{seconds:.1f} s' for seconds in nightly)}"
    )
    print(f"  peak memory per worker process: {max(peaks):.0f} MiB (target < 1024)")
    print(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if differ:
        sys.exit("bench-match: the baseline and the engine disagree")


if __name__ == "__main__":
    main()

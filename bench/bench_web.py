"""Browse and opportunity pages under gunicorn at scale, next to a trivial Django view.

Loads 2,000,000 BACI trade rows and BENCH_WEB_OPPORTUNITIES opportunities into a fresh
PostgreSQL database (then VACUUM ANALYZE, as autovacuum leaves a live database), serves the site
with gunicorn (production settings, persistent database connections), and drives it with
BENCH_WEB_CLIENTS concurrent keep-alive clients on loopback for BENCH_WEB_SECONDS per run.

Each page is measured under two gunicorns, RUNS (3) rounds each, with the trivial view
/robots.txt (the same middleware, the same server, no work) measured in every round: "cache OFF"
(PUBLIC_PAGE_CACHE_SECONDS=0, every request a URL never asked before), which issue 18's targets
are about -- a unique `v=` parameter alone does not defeat the page cache, whose key ignores
unknown parameters; and "cache ON", clients picking among 10 popular variants of each page.
Prints SQL queries per page, p50, p95 and requests/s as the median [min-max] of the rounds, the
share of the trivial view's throughput, the share of cache hits, the load average before and
after, and each target next to its figure. BENCH_WEB_PORT, else HELPER_PORT_BASE, is the port.
"""

import http.client
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    OUT,
    REFERENCE,
    ROOT,
    bench_database_url,
    database_url,
    manage,
    prepare_database,
    psql_args,
    run_clients,
    run_measured,
)

OPPORTUNITIES = int(os.environ.get("BENCH_WEB_OPPORTUNITIES", "20000"))
FLOWS = int(os.environ.get("BENCH_WEB_FLOWS", "2000000"))
CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "8"))
# The Procfile's settings for a 2-core machine (README, Production).
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_WEB_THREADS", "4"))
PORT = int(os.environ.get("BENCH_WEB_PORT") or os.environ.get("HELPER_PORT_BASE") or "8765")
# Popular searches: words found in the HS descriptions of many headings.
WORDS = {
    "PE": [
        "carne",
        "pescado",
        "leche",
        "frutas",
        "cafe",
        "aceite",
        "azucar",
        "papel",
        "acero",
        "cobre",
    ],
    "agribusiness": [
        "frutas",
        "carne",
        "cafe",
        "leche",
        "aceite",
        "hortalizas",
        "cacao",
        "trigo",
        "arroz",
        "vino",
    ],
}
DATABASE = os.environ.get("BENCH_WEB_DATABASE", "tradeportal_bench_web")
# BENCH_WEB_REUSE=1 serves the database the previous run loaded (to try server settings quickly).
REUSE = os.environ.get("BENCH_WEB_REUSE") == "1"


def setup() -> dict:
    # A reused database has the name a fresh run gave it (with BENCH_DB_SUFFIX).
    url = database_url(DATABASE) if REUSE else bench_database_url(DATABASE)
    env = {
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-web",
        "CONN_MAX_AGE": "60",  # the production default (make's test environment sets 0)
    }
    return prepare_database(env, REFERENCE, fresh=not REUSE)


def load_data(env: dict) -> None:
    from django.utils import timezone

    from opportunities.models import HSCode, Opportunity, SectorCode
    from opportunities.trade.synthetic import benchmark_rows, write_baci
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
    # A live database has been vacuumed and analysed by autovacuum; a just-loaded one has not
    # (its GIN index still holds the new rows in a slow pending list).
    run_measured([*psql_args(env["DATABASE_URL"]), "-c", "VACUUM ANALYZE"], env)


MEMBERS = int(os.environ.get("BENCH_WEB_MEMBERS", "16"))
MEMBER_PRODUCTS, MEMBER_REQUESTS, MEMBER_INTERESTS = 8, 6, 6


def load_members() -> list[int]:
    """MEMBERS signed-in firms, made once per database (a reused one keeps them): Peruvian
    exporters of 8 headings with Mexican demand, matched by the engine, each with 6 buyer
    requests of its own, interests in 6 of its matches and interests received from the other
    members on its requests. Returns their users' ids."""
    from django.utils import timezone

    from companies.models import (
        Company,
        CompanyProduct,
        Membership,
        PrivacyConsent,
        PrivacyNotice,
        Region,
        User,
    )
    from opportunities.matching import engine, interests
    from opportunities.models import Match, Opportunity

    existing = list(
        User.objects.filter(email__endswith="@members.bench")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(existing) >= MEMBERS:
        return existing[:MEMBERS]
    rng, now = random.Random(5), timezone.now()
    region = Region.objects.filter(country="PE").order_by("code").first()
    demanded = sorted(
        set(
            Opportunity.objects.filter(kind="demand", market_country="MX").values_list(
                "hs_code_id", flat=True
            )
        )
    )
    notice = PrivacyNotice.objects.current()
    companies, users = [], []
    for index in range(len(existing), MEMBERS):
        company = Company.objects.create(
            legal_name=f"Exportadora Bench {index:03d} S.A.C.",
            country="PE",
            tax_id=f"20{index:09d}",
            region=region,
            size="small",
            status=Company.Status.VERIFIED,
            verified_at=now,
        )
        user = User.objects.create_user(email=f"member{index:03d}@members.bench", password=None)
        Membership.objects.create(user=user, company=company, role="owner")
        if notice is not None:
            PrivacyConsent.objects.create(user=user, notice=notice)
        CompanyProduct.objects.bulk_create(
            CompanyProduct(company=company, hs_code_id=code, direction="export")
            for code in rng.sample(demanded, MEMBER_PRODUCTS)
        )
        for number in range(MEMBER_REQUESTS):
            Opportunity.objects.create(
                kind="request",
                status="published",
                company=company,
                market_country="PE",
                hs_code_id=rng.choice(demanded),
                title=f"Compra {number} de {company.legal_name}",
                description="Solicitud de compra del benchmark.",
                quantity=20,
                unit="t",
                deadline=now + timedelta(days=30 + number),
                published_at=now,
            )
        companies.append(company)
        users.append(user)
    engine.rematch([c.pk for c in companies], "company")
    for company, user in zip(companies, users, strict=True):
        matches = Match.objects.filter(company=company, opportunity__isnull=False)
        for match in matches.order_by("-score")[:MEMBER_INTERESTS]:
            interests.express_interest(company=company, user=user, opportunity=match.opportunity)
        for other, other_user in zip(companies, users, strict=True):
            request = Opportunity.objects.filter(kind="request", company=company).first()
            if other is not company and request is not None and rng.random() < 0.4:
                interests.express_interest(company=other, user=other_user, opportunity=request)
    return [*existing, *(u.pk for u in users)]


def signed_in_cookies(user_ids: list[int]) -> list[str]:
    """A session for each member (as the login form makes one), as a Cookie header."""
    from django.conf import settings
    from django.test import Client

    from companies.models import User

    cookies = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        client = Client()
        client.force_login(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def count_queries(paths: list[str]) -> dict[str, list[int]]:
    """SQL queries of each path asked twice: a page is rendered, then served from the cache."""
    from django.test import Client

    from tradeportal import pagecache

    pagecache.public_pages_changed(*pagecache.AREAS)  # outside a transaction: a new version at once
    client = Client(HTTP_HOST="127.0.0.1")
    return first_and_next_visit(client, paths)


def first_and_next_visit(client, paths: list[str]) -> dict[str, list[int]]:
    """SQL queries of each page for this client, on a first visit and on the next one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for path in paths:
        counts[path] = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            counts[path].append(len(queries))
    return counts


def count_member_queries(paths: list[str], user_id: int) -> dict[str, list[int]]:
    """SQL queries of each signed-in page, on a member's first visit and on the next one."""
    from django.test import Client

    from companies.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=user_id))
    return first_and_next_visit(client, paths)


class Run:
    """Requests of one run: their latencies and how many were served from the page cache."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.hits = 0
        self.rate = 0.0

    @property
    def hit_share(self) -> float:
        return self.hits / len(self.latencies)


def drive(next_path, seconds: float = SECONDS, cookies: list[str] | None = None) -> Run:
    """CLIENTS keep-alive clients asking for next_path() for `seconds`; return what they saw.
    With `cookies`, each client sends its own (a signed-in member's session)."""
    run, lock = Run(), threading.Lock()
    stop = time.monotonic() + seconds
    numbers = itertools.count()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Cookie": cookies[next(numbers) % len(cookies)]} if cookies else {}
        latencies, hits = [], 0
        while time.monotonic() < stop:
            path = next_path()
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            latencies.append(time.perf_counter() - started)
            hits += response.getheader("X-Cache") == "hit"
        with lock:
            run.latencies.extend(latencies)
            run.hits += hits

    seconds = run_clients(CLIENTS, client)
    run.rate = len(run.latencies) / seconds
    return run


def popular(paths: list[str]):
    """Paths picked at random among a few popular ones (cached after their first request)."""
    rng = random.Random(7)
    return lambda: rng.choice(paths)


UNIQUE = itertools.count()  # shared by every run: a URL is never asked twice in the benchmark
UNIQUE_LOCK = threading.Lock()


def never_asked(paths: list[str]):
    """The same paths, each request made unique so that none is served from the cache."""

    def next_path() -> str:
        with UNIQUE_LOCK:
            n = next(UNIQUE)
        path = paths[n % len(paths)]
        return f"{path}{'&' if '?' in path else '?'}v={n}"

    return next_path


def gunicorn(env: dict, **overrides: str) -> subprocess.Popen:
    command = [
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
    ]
    server_env = {**os.environ, **env, **overrides}
    return subprocess.Popen(command, cwd=ROOT, env=server_env, start_new_session=True)


RUNS = int(os.environ.get("BENCH_WEB_RUNS", "3"))


def measure(env: dict, pages: dict, cached: bool, members: dict, cookies: list[str]) -> dict:
    """RUNS rounds of (trivial view, each page) under one gunicorn.

    cached: the public page cache on, clients picking among popular variants; else the cache
    off (PUBLIC_PAGE_CACHE_SECONDS=0: a `v=` parameter alone maps to the stored page, so it does
    not defeat the cache) and every URL new. The trivial view runs under the same server.
    members: signed-in pages (never cached), each client a member with its own session
    (`cookies`), measured with the cache off only."""
    overrides = {} if cached else {"PUBLIC_PAGE_CACHE_SECONDS": "0"}
    server = gunicorn(env, **overrides)
    signed_in = {} if cached else members
    results = {name: [] for name in ["trivial view (/robots.txt)", *pages, *signed_in]}
    try:
        time.sleep(3)
        # Warm the workers (imports, compiled templates, database connections) on URLs that
        # are never asked again, so no measured page is cached by it.
        drive(never_asked([path for paths in pages.values() for path in paths]), seconds=3)
        for paths in signed_in.values():
            drive(popular(paths), seconds=1, cookies=cookies)
        for _round in range(RUNS):
            # The trivial view is measured in each round: the machine's other load drifts.
            results["trivial view (/robots.txt)"].append(drive(lambda: "/robots.txt"))
            for name, paths in pages.items():
                results[name].append(drive(popular(paths) if cached else never_asked(paths)))
            for name, paths in signed_in.items():
                results[name].append(drive(popular(paths), cookies=cookies))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return results


def main() -> None:
    env = setup()
    if not REUSE:
        load_data(env)
    run_measured(manage("collectstatic", "--noinput", "-v0"), env)
    from opportunities.models import Opportunity

    largest = Opportunity.objects.order_by("-value_usd").values_list("pk", flat=True)[50:60]
    pages = {
        "browse: market filter + search word": [
            f"/opportunities/?market=PE&q={word}" for word in WORDS["PE"]
        ],
        "browse: sector filter + search word": [
            f"/opportunities/?sector=agribusiness&q={word}" for word in WORDS["agribusiness"]
        ],
        "opportunity page": [f"/opportunities/{pk}/" for pk in largest],
    }
    member_ids = load_members()
    cookies = signed_in_cookies(member_ids)
    members = {
        "signed in: dashboard (20 matches)": ["/dashboard/"],
        "signed in: my requests": ["/requests/"],
        "signed in: interests": ["/interests/"],
    }
    queries = count_queries(["/robots.txt", *(paths[0] for paths in pages.values())])
    queries.update(count_member_queries([paths[0] for paths in members.values()], member_ids[0]))
    load_before = os.getloadavg()
    uncached = measure(env, pages, cached=False, members=members, cookies=cookies)
    cached = measure(env, pages, cached=True, members=members, cookies=cookies)
    load_after = os.getloadavg()
    report(uncached, cached, queries, {**pages, **members}, (load_before, load_after), members)


TARGET_P95_MS, TARGET_SHARE = 100.0, 20.0  # issue 18: rendered pages, cache off, 16 clients
TARGET_MEMBER_P95_MS = 150.0  # issue 18: signed-in pages, 16 clients


def report(uncached: dict, cached: dict, queries: dict, pages: dict, loads, members) -> None:
    print(
        f"bench-web: {OPPORTUNITIES:,} opportunities, {FLOWS:,} trade rows, gunicorn "
        f"{WORKERS} workers x {THREADS} threads, {CLIENTS} clients, {SECONDS:.0f} s per run, "
        f"{RUNS} runs (median [min-max]), {os.cpu_count()} CPUs"
    )
    before, after = (" ".join(f"{value:.2f}" for value in load) for load in loads)
    print(f"  load average (1, 5, 15 min) before: {before}, after: {after}")
    for title, results, which in (
        (
            "page cache OFF, every URL new (targets: p95 < 100 ms, >= 20% of trivial; signed "
            "in: p95 < 150 ms; queries: first visit)",
            uncached,
            0,
        ),
        ("page cache ON, 10 popular variants per page (indicative)", cached, 1),
    ):
        print(f"  {title}")
        print(
            f"  {'':40s} {'queries':>7s} {'p50 ms':>7s} {'p95 ms':>21s} {'req/s':>22s} "
            f"{'% trivial':>20s} {'hits':>6s}"
        )
        trivial = results["trivial view (/robots.txt)"]
        for name, runs in results.items():
            count = str(
                queries["/robots.txt"][0] if name not in pages else queries[pages[name][0]][which]
            )
            if name in members:  # first visit / next visit
                count = "/".join(str(n) for n in queries[pages[name][0]])
            line(
                name,
                runs,
                trivial,
                count,
                target=name in pages and not which,
                p95_target=TARGET_MEMBER_P95_MS if name in members else None,
            )


def spread(values: list[float], fmt: str) -> str:
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def line(
    name: str,
    runs: list[Run],
    trivial: list[Run],
    queries: str,
    target: bool,
    p95_target: float | None = None,
) -> None:
    p50 = [statistics.quantiles(run.latencies, n=100)[49] * 1000 for run in runs]
    p95 = [statistics.quantiles(run.latencies, n=100)[94] * 1000 for run in runs]
    rates = [run.rate for run in runs]
    shares = [100 * run.rate / base.rate for run, base in zip(runs, trivial, strict=True)]
    hits = statistics.median(100 * run.hit_share for run in runs)
    verdict = ""
    if target and p95_target is not None:  # signed in: the latency alone
        ok = statistics.median(p95) < p95_target
        verdict = "  meets target" if ok else "  MISSES target"
    elif target:
        ok = statistics.median(p95) < TARGET_P95_MS and statistics.median(shares) >= TARGET_SHARE
        verdict = "  meets targets" if ok else "  MISSES targets"
    print(
        f"  {name:40s} {queries:>7s} {statistics.median(p50):7.1f} {spread(p95, '6.1f'):>21s} "
        f"{spread(rates, '6.0f'):>22s} {spread(shares, '5.1f'):>19s}% {hits:5.1f}%{verdict}"
    )


if __name__ == "__main__":
    main()

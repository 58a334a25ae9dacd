"""Load and faults on private services: `make soak` (loopback only, about 10 minutes).

Starts its own PostgreSQL cluster (initdb in a temporary directory, port SOAK_PG_PORT) and its
own redis-server (SOAK_REDIS_PORT), never the machine's shared ones, loads the benchmark data set
(bench_web's opportunities and trade rows, bench_match's companies), serves the site with gunicorn
and runs Celery workers and beat against them. Then, printing its figures:

1. SOAK_CLIENTS (200) concurrent clients for SOAK_SECONDS (60) over the pages of PAGES: no 5xx,
   p50/p95 latency; a page that answers 404 to the probe (the API before it exists) is skipped;
2. the same load while PostgreSQL restarts: the window during which the site answered errors,
   and that gunicorn (same process) answers again on its own;
3. a reference full rematch, then one with Redis restarted in the middle: the lost chunks are
   sent again by beat and the matches equal the reference (none lost, none doubled);
4. the worker SIGKILLed SOAK_KILLS (20) times during a full rematch and then during the sending
   of the digests through aiosmtpd: matches equal the reference, every email delivered,
   duplicates counted (at most one per kill).

Everything it started is stopped and its directory removed on exit, even on failure.
"""

import contextlib
import http.client
import logging
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT
from tradeportal.celery import worker_argv

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = int(os.environ.get("SOAK_PG_PORT", "5544"))
REDIS_PORT = int(os.environ.get("SOAK_REDIS_PORT", "6390"))
WEB_PORT = int(os.environ.get("SOAK_WEB_PORT", "8790"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "200"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
RESTART_SECONDS = float(os.environ.get("SOAK_RESTART_SECONDS", "30"))
KILLS = int(os.environ.get("SOAK_KILLS", "20"))
MEMBERS = int(os.environ.get("SOAK_MEMBERS", "1500"))
CHUNK = int(os.environ.get("SOAK_CHUNK", "50"))  # chunks well within the soak's time limit
SMTP_DELAY = float(os.environ.get("SOAK_SMTP_DELAY", "0.04"))
# The data set: bench_web's pages and trade rows, bench_match's companies (smaller by default).
os.environ.setdefault("BENCH_WEB_FLOWS", os.environ.get("SOAK_FLOWS", "2000000"))
os.environ.setdefault("BENCH_WEB_OPPORTUNITIES", os.environ.get("SOAK_OPPORTUNITIES", "20000"))
os.environ.setdefault("BENCH_COMPANIES", os.environ.get("SOAK_COMPANIES", "2000"))
os.environ["BENCH_OPPORTUNITIES"] = "0"  # bench_web's opportunities are the ones matched

# Pages under load; {opportunity} is filled in. Add a page here; a 404 on the probe skips it.
PAGES = [
    "/",
    "/opportunities/",
    "/opportunities/?market=PE&q=carne",
    "/opportunities/?sector=agribusiness&q=frutas",
    "/opportunities/{opportunity}/",
    "/api/v1/opportunities/",
]
# Recovery intervals shortened for a soak of minutes (production defaults are in settings.py);
# they keep settings' order: time limit < stale claim, chunk grace, visibility timeout.
RECOVERY = {
    "CELERY_TASK_SOFT_TIME_LIMIT": "25",
    "CELERY_TASK_TIME_LIMIT": "30",
    "CELERY_VISIBILITY_TIMEOUT": "45",
    "OUTBOX_STALE_CLAIM_SECONDS": "35",
    "OUTBOX_SWEEP_SECONDS": "5",
    "MATCHING_CHUNK_GRACE_SECONDS": "35",
    "MATCHING_SWEEP_SECONDS": "5",
}


class Services:
    """The private PostgreSQL, Redis, gunicorn, workers and beat; `close` stops them all."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tp-soak-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.pg_started = False

    def pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {PG_PORT} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        command = [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.root / "pg"),
            "-l",
            str(self.root / "pg.log"),
        ]
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command, "-o", options, "-w", *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_postgres(self) -> str:
        if port_open(PG_PORT):
            raise SystemExit(f"soak: port {PG_PORT} is taken; choose another with SOAK_PG_PORT")
        shutil.chown(self.root, "postgres")
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "initdb"),
                "-D",
                str(self.root / "pg"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_ctl("start")
        self.pg_started = True
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres"

    def start_redis(self) -> None:
        if port_open(REDIS_PORT):
            raise SystemExit(f"soak: port {REDIS_PORT} is taken; choose another (SOAK_REDIS_PORT)")
        self.processes["redis"] = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: port_open(REDIS_PORT), 20, "redis-server")

    def restart_redis(self) -> None:
        self.stop("redis")
        self.start_redis()

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.processes[name]

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def close(self) -> None:
        for name in list(self.processes):
            with contextlib.suppress(Exception):
                self.stop(name)
        if self.pg_started:
            with contextlib.suppress(Exception):
                self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"soak: timed out after {timeout:.0f} s waiting for {what}")


class Inbox:
    """aiosmtpd handler: counts the messages per recipient, after a little latency per message."""

    def __init__(self) -> None:
        self.received: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(SMTP_DELAY)  # so that kills land in the middle of the sending
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"


def prepare(services: Services, smtp_port: int) -> dict:
    """Start PostgreSQL and Redis, load the data set; return the environment of the processes."""
    os.environ["DATABASE_URL"] = services.start_postgres()
    services.start_redis()
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    os.environ["CACHE_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/1"
    os.environ.update(RECOVERY)
    from bench import bench_match, bench_web

    env = bench_web.setup()  # a database on the private cluster, migrated, with reference data
    started = time.monotonic()
    bench_web.load_data(env)
    bench_match.generate()
    add_members(MEMBERS)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env=os.environ,
    )
    print(f"  data set loaded in {time.monotonic() - started:.0f} s", flush=True)
    return {
        **env,
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_URL": os.environ["CACHE_URL"],
        "CONN_MAX_AGE": "60",  # persistent connections, as in production
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # 200 clients share one address: the soak measures serving the API, not its throttle
        # (which answers 429 at the limit; tests/api/test_errors.py).
        "API_RATE_ANON": "1000000/min",
        **RECOVERY,
    }


def add_members(count: int) -> None:
    """A daily-digest member with a verified address for each of `count` exporting companies."""
    from allauth.account.models import EmailAddress

    from companies.models import Company, Membership, User

    companies = list(
        Company.objects.filter(products__direction="export").distinct().order_by("pk")[:count]
    )
    users = User.objects.bulk_create(
        [User(email=f"soak{n}@example.com", language="es" if n % 3 else "en") for n in range(count)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, company=c, notify_frequency="daily")
            for u, c in zip(users, companies, strict=False)
        ]
    )


# -- 1 and 2: pages under load, PostgreSQL restarted -------------------------------------------


def start_web(services: Services, env: dict) -> None:
    args = [
        sys.executable, "-m", "gunicorn", "tradeportal.wsgi", "-b", f"127.0.0.1:{WEB_PORT}",
        "-w", "4", "--threads", "4", "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    services.start("web", args, env)
    wait_until(lambda: port_open(WEB_PORT), 60, "gunicorn")


def get(path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def pages_to_load() -> list[str]:
    from opportunities.models import Opportunity

    detail = Opportunity.objects.order_by("-value_usd").values_list("pk", flat=True)[50]
    pages = []
    for page in PAGES:
        path = page.format(opportunity=detail)
        status = get(path)
        if status == 404:
            print(f"  skipped {path}: 404 on the probe (not in this tree)", flush=True)
        elif status >= 400:
            raise SystemExit(f"soak: {path} answers {status} before any load")
        else:
            pages.append(path)
    return pages


def drive(paths: list[str], seconds: float, during=None) -> list[tuple]:
    """CLIENTS keep-alive clients for `seconds`; `during(t0)` runs meanwhile. Returns, per
    request: (start since t0, status or 0 for a connection error, latency, path)."""
    results: list[tuple] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    stop = t0 + seconds

    def client(number: int) -> None:
        rng, connection, mine = random.Random(number), None, []
        while time.monotonic() < stop:
            path = paths[rng.randrange(len(paths))]
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
            mine.append((started - t0, status, time.monotonic() - started, path))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    if during:
        during(t0)
    for thread in threads:
        thread.join()
    return results


def is_error(status: int) -> bool:
    return status == 0 or status >= 500


def report_load(results: list[tuple], seconds: float) -> None:
    errors = sum(1 for r in results if r[1] >= 500)
    refused = sum(1 for r in results if r[1] == 0)
    client_errors = sum(1 for r in results if 400 <= r[1] < 500)
    cuts = statistics.quantiles([r[2] for r in results], n=100)
    print(
        f"  {len(results):,} requests, {len(results) / seconds:,.0f} req/s; 5xx: {errors}, "
        f"connection errors: {refused}, 4xx: {client_errors}; p50 {cuts[49] * 1000:,.0f} ms, "
        f"p95 {cuts[94] * 1000:,.0f} ms (target: 0 5xx)",
        flush=True,
    )
    for path in dict.fromkeys(r[3] for r in results):
        mine = [r for r in results if r[3] == path]
        refused = sum(1 for r in mine if 400 <= r[1] < 500)
        print(
            f"    {path:48s} {len(mine):6,} requests  p95 "
            f"{statistics.quantiles([r[2] for r in mine], n=100)[94] * 1000:7,.0f} ms"
            + (f"  ({refused:,} answered 4xx)" if refused else "")
        )


def restart_postgres_under_load(services: Services, paths: list[str]) -> None:
    moments: dict[str, float] = {}

    def restart(t0: float) -> None:
        time.sleep(RESTART_SECONDS / 3)
        moments["begin"] = time.monotonic() - t0
        services.pg_ctl("restart", "-m", "fast")
        moments["end"] = time.monotonic() - t0

    web = services.processes["web"]
    results = drive(paths, RESTART_SECONDS, during=restart)
    failed = [r for r in results if is_error(r[1])]
    print(
        f"  PostgreSQL restarted from {moments['begin']:.1f} s to {moments['end']:.1f} s "
        f"of {RESTART_SECONDS:.0f} s under load",
        flush=True,
    )
    if failed:
        first, last = min(r[0] + r[2] for r in failed), max(r[0] + r[2] for r in failed)
        after = [r for r in results if r[0] > last]
        print(
            f"  errors answered from {first:.1f} s to {last:.1f} s: window {last - first:.1f} s, "
            f"{len(failed)} of {len(results):,} requests; then {len(after):,} requests, "
            f"{sum(1 for r in after if is_error(r[1]))} errors (target: a few seconds)"
        )
    else:
        print(f"  no request failed ({len(results):,} requests)")
    same = web.poll() is None and services.processes["web"] is web
    print(f"  gunicorn: the same master process throughout: {'yes' if same else 'NO'}")
    services.stop("web")


# -- 3 and 4: a full rematch with Redis restarted, then workers SIGKILLed ---------------------


def start_worker(services: Services, env: dict) -> None:
    args = worker_argv(queues="default,matching,email", node="soak", heartbeat=False)
    services.start("worker", args, env)
    from tradeportal.celery import app

    def answers() -> bool:
        with contextlib.suppress(Exception), app.connection_for_write() as connection:
            name = f"soak@{socket.gethostname()}"  # a fresh connection: Redis may have restarted
            return bool(app.control.ping(destination=[name], timeout=0.5, connection=connection))
        return False

    wait_until(answers, 90, "the worker")


def start_beat(services: Services, env: dict) -> None:
    schedule = services.root / "beat-schedule"
    args = [
        sys.executable, "-m", "celery", "-A", "tradeportal", "beat", "--schedule", str(schedule),
        "--loglevel", "INFO",
    ]  # fmt: skip
    services.start("beat", args, env)


def start_full_rematch():
    """Send the full rematch through its task; return the run once it exists."""
    from opportunities.matching import tasks
    from opportunities.models import MatchingRun

    last = MatchingRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    tasks.full_rematch.delay(CHUNK)
    wait_until(lambda: MatchingRun.objects.filter(pk__gt=last, kind="full").exists(), 60, "the run")
    return MatchingRun.objects.filter(pk__gt=last, kind="full").get()


def finished(run) -> bool:
    run.refresh_from_db()
    return run.finished_at is not None


def match_keys() -> tuple[set, int]:
    from opportunities.models import Match

    rows = list(
        Match.objects.filter(is_stale=False).values_list(
            "company_id", "opportunity_id", "counterpart_id"
        )
    )
    return set(rows), Match.objects.count()


def compare(reference: set, label: str) -> None:
    keys, stored = match_keys()
    lost, extra = len(reference - keys), len(keys - reference)
    print(
        f"  {label}: {stored:,} matches stored, reference {len(reference):,}; lost {lost}, "
        f"not in the reference {extra}, doubled {stored - len(keys)} (target: 0, 0, 0)",
        flush=True,
    )


def keep_worker_running(services: Services, env: dict) -> bool:
    """Restart the worker if it exited, as a process supervisor does in production (systemd
    Restart=always, a platform's process manager): kombu may give up on a broker that went
    away ("Unrecoverable error") and end the worker. True when it had to."""
    if services.processes["worker"].poll() is None:
        return False
    services.processes.pop("worker")
    start_worker(services, env)
    return True


def redis_restart_during_rematch(services: Services, env: dict, reference: set) -> None:
    from opportunities.models import Match

    Match.objects.all().delete()
    run = start_full_rematch()
    chunks = run.chunks.count()
    wait_until(
        lambda: run.chunks.filter(finished_at__isnull=False).count() >= max(chunks // 4, 1),
        300,
        "a quarter of the chunks",
    )
    done = run.chunks.filter(finished_at__isnull=False).count()
    services.restart_redis()
    restarted, revived = time.monotonic(), 0

    def completed() -> bool:
        nonlocal revived
        revived += keep_worker_running(services, env)
        return finished(run)

    wait_until(completed, 600, "the rematch to complete after the Redis restart")
    resent = run.chunks.filter(dispatched_at__gt=run.started_at + timedelta(seconds=1)).count()
    print(
        f"  Redis restarted with {done} of {chunks} chunks done; the run completed "
        f"{time.monotonic() - restarted:.0f} s later, {resent} chunks sent again by beat; "
        f"the worker exited {revived} time(s) and was restarted as a supervisor would",
        flush=True,
    )
    compare(reference, "after the Redis restart")


def kills_during_rematch_and_digests(services: Services, env: dict, reference, inbox) -> None:
    from django.utils import timezone

    from companies.models import Membership
    from opportunities.models import Match
    from opportunities.notifications import digests
    from tradeportal.models import OutboxEmail

    Match.objects.all().delete()
    OutboxEmail.objects.all().delete()
    Membership.objects.update(last_digest_at=timezone.now() - timedelta(days=1))
    run, rng = start_full_rematch(), random.Random(8)
    landed = Counter()
    queued = 0
    for kill in range(KILLS):
        # the second half of the kills (or the rest, once the rematch is over) hit the digests
        if not queued and (kill >= KILLS // 2 or finished(run)):
            wait_until(lambda: finished(run), 600, "the rematch between the kills")
            queued = digests.queue_digests("daily")  # each chunk's commit sends send_outbox
        time.sleep(rng.uniform(1.0, 3.0))
        busy = not finished(run) if not queued else OutboxEmail.objects.exclude(status="sent")
        landed["rematch" if not queued else "digests"] += bool(
            busy if not queued else busy.exists()
        )
        services.kill("worker")
        start_worker(services, env)
    wait_until(lambda: finished(run), 600, "the rematch to complete")
    wait_until(lambda: not OutboxEmail.objects.exclude(status="sent").exists(), 600, "the outbox")
    time.sleep(1)
    print(
        f"  {KILLS} SIGKILLs of the worker (main process and pool): {landed['rematch']} while "
        f"the rematch ran, {landed['digests']} while digests were being sent",
        flush=True,
    )
    compare(reference, "after the kills")
    recipients = set(OutboxEmail.objects.values_list("to_email", flat=True))
    with inbox.lock:
        received = Counter(inbox.received)
    lost = [r for r in recipients if not received[r]]
    duplicates = sum(received.values()) - len(received)
    print(
        f"  digests: {queued:,} queued, {len(recipients):,} outbox rows sent, received by "
        f"{len(received):,} recipients; lost {len(lost)}, duplicates {duplicates} "
        f"(target: 0 lost, at most one duplicate per kill)",
        flush=True,
    )


def main() -> None:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("soak: terminated"))
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    services = Services()
    started = time.monotonic()
    try:
        smtp.start()
        print(
            f"soak: private PostgreSQL :{PG_PORT}, Redis :{REDIS_PORT}, gunicorn :{WEB_PORT} "
            f"({services.root}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        env = prepare(services, smtp_port)
        start_web(services, env)
        paths = pages_to_load()
        print(f"1. {CLIENTS} clients for {SECONDS:.0f} s over {len(paths)} pages", flush=True)
        report_load(drive(paths, SECONDS), SECONDS)
        print("2. PostgreSQL restarted under the same load", flush=True)
        restart_postgres_under_load(services, paths)
        from django.db import connection

        connection.close()  # the restart broke this process's connection too
        start_worker(services, env)
        start_beat(services, env)
        print(f"3. full rematch (chunks of {CHUNK}), then again with Redis restarted", flush=True)
        run = start_full_rematch()
        wait_until(lambda: finished(run), 600, "the reference rematch")
        reference, _stored = match_keys()
        print(f"  reference run: {len(reference):,} matches in {run.duration_s:.0f} s")
        redis_restart_during_rematch(services, env, reference)
        print(f"4. the worker SIGKILLed {KILLS} times during a rematch and digests", flush=True)
        kills_during_rematch_and_digests(services, env, reference, inbox)
    finally:
        services.close()
        smtp.stop()
    print(
        f"soak: done in {time.monotonic() - started:.0f} s; private services stopped; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()

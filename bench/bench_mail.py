"""Digests for BENCH_MAIL_COMPANIES companies (20,000) through a local SMTP server.

One daily member per company with a verified address and 3 new matches. Prints the time to
queue the digests (one outbox row each, in chunked transactions), then the time real Celery
workers (BENCH_MAIL_WORKERS processes on the email queue) take to drain the outbox through
aiosmtpd on loopback, and emails per second. The SMTP server runs in this process and keeps
only a count of the messages it accepted.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database_url, prepare_database
from bench.measure import free_port
from tradeportal.celery import worker_argv

COMPANIES = int(os.environ.get("BENCH_MAIL_COMPANIES", "20000"))
WORKERS = int(os.environ.get("BENCH_MAIL_WORKERS", "2"))
MATCHES_PER_COMPANY = 3


class Counting:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def setup(port: int) -> dict:
    url = bench_database_url("tradeportal_bench_mail")
    env = {
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    return prepare_database(env)


def generate() -> None:
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from companies.models import Company, Membership, Region, User
    from opportunities.models import HSCode, Match, Opportunity

    region, _ = Region.objects.get_or_create(
        code="PE-LIM", defaults={"country": "PE", "name": "Lima"}
    )
    codes = list(HSCode.objects.filter(level=4).values_list("code", flat=True)[:50])
    opportunities = Opportunity.objects.bulk_create(
        [
            Opportunity(
                kind="demand",
                status="published",
                market_country="MX",
                hs_code_id=code,
                value_usd=1e6 * (n + 1),
                published_at=timezone.now(),
                title=f"Demanda {code}",
            )
            for n, code in enumerate(codes)
        ]
    )
    yesterday = timezone.now() - timedelta(days=1)
    reasons = [
        {"key": "growth", "params": {"growth": 6}},
        {"key": "product", "params": {"level": "heading", "firm_code": "080610"}},
    ]
    for start in range(0, COMPANIES, 5000):
        n_range = range(start, min(start + 5000, COMPANIES))
        users = User.objects.bulk_create(
            [User(email=f"m{n}@example.com", language="es" if n % 4 else "en") for n in n_range]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        companies = Company.objects.bulk_create(
            [
                Company(
                    legal_name=f"Empresa {n} S.A.C.",
                    country="PE",
                    region=region,
                    tax_id=f"20{n:09d}",
                    status="verified",
                )
                for n in n_range
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, company=c, notify_frequency="daily", last_digest_at=yesterday)
                for u, c in zip(users, companies, strict=True)
            ]
        )
        Match.objects.bulk_create(
            [
                Match(
                    company=c,
                    kind="opportunity",
                    opportunity=opportunities[(i * 7 + k) % len(opportunities)],
                    score=60 + (i + k * 11) % 40,
                    reasons=reasons,
                )
                for i, c in enumerate(companies)
                for k in range(MATCHES_PER_COMPANY)
            ]
        )


def start_workers(env: dict, node: str) -> subprocess.Popen:
    return subprocess.Popen(
        worker_argv(queues="email", node=node, concurrency=WORKERS, loglevel="WARNING"),
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def main() -> None:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = Counting()
    port = free_port("BENCH_MAIL_SMTP_PORT")
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    env = setup(port)
    print(f"bench-mail: digests for {COMPANIES:,} companies through aiosmtpd on 127.0.0.1:{port}")
    generate()

    from opportunities.notifications import digests
    from tradeportal.celery import app
    from tradeportal.models import OutboxEmail

    app.conf.task_always_eager = False
    node = f"bench-mail-{os.getpid()}"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("email")
    workers = start_workers(env, node)
    try:
        while not app.control.ping(destination=[f"{node}@{socket.gethostname()}"], timeout=0.5):
            time.sleep(0.5)
        started = time.perf_counter()
        queued = digests.queue_digests("daily")  # each chunk's commit enqueues send_outbox
        queued_s = time.perf_counter() - started
        while OutboxEmail.objects.exclude(status="sent").exists():
            if OutboxEmail.objects.filter(status="failed").exists():
                sys.exit("some emails failed: see the outbox")
            time.sleep(0.2)
        drained_s = time.perf_counter() - started
    finally:
        os.killpg(workers.pid, 15)
        workers.wait(timeout=60)
        controller.stop()
    sent = OutboxEmail.objects.filter(status="sent").count()
    print(f"digests queued:         {queued:,} in {queued_s:.1f} s ({queued / queued_s:,.0f}/s)")
    print(f"SMTP messages accepted: {handler.count:,} (outbox rows sent: {sent:,})")
    print(
        f"outbox drained in:      {drained_s:.1f} s after the digest run started "
        f"({WORKERS} worker processes)"
    )
    print(f"outbox drained:         {drained_s - queued_s:.1f} s after the last digest was queued")
    print(f"emails per second:      {sent / drained_s:,.0f} (queue + send, end to end)")
    print("(a shared 2-core machine: other processes may slow these figures)")


if __name__ == "__main__":
    main()

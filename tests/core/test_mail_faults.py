"""A real Celery worker SIGKILLed 5 times while it sends 500 digests through a real SMTP server:
every recipient gets their digest, and a duplicate (at most one per kill) shares the Message-ID."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from companies.models import Company, Membership, User
from opportunities.models import Match
from opportunities.notifications import digests
from tests.conftest import WorkerProcess
from tests.factories import CompanyFactory, OpportunityFactory, RegionFactory
from tests.notifications.test_outbox_support import REASONS, smtp_server
from tradeportal import outbox
from tradeportal.models import OutboxEmail

RECIPIENTS = 500
KILLS = 5


def members_with_a_new_match(count: int) -> None:
    """`count` daily members with verified addresses, each with one new match (bulk written)."""
    region = RegionFactory()
    opportunity = OpportunityFactory(title="Demanda de uva en Lima")
    users = User.objects.bulk_create(
        [
            User(email=f"buyer{n}@example.com", language="es" if n % 3 else "en")
            for n in range(count)
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    companies = Company.objects.bulk_create(
        [CompanyFactory.build(region=region, tax_id=f"F{n:011d}") for n in range(count)]
    )
    yesterday = timezone.now() - timedelta(days=1)
    Membership.objects.bulk_create(
        [
            Membership(user=u, company=c, notify_frequency="daily", last_digest_at=yesterday)
            for u, c in zip(users, companies, strict=True)
        ]
    )
    Match.objects.bulk_create(
        [
            Match(company=c, kind="opportunity", opportunity=opportunity, score=80, reasons=REASONS)
            for c in companies
        ]
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_five_times_mid_batch_loses_no_digest():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("worker tests need a broker: run them through `make test` (REDIS_URL)")
    controller, inbox = smtp_server(delay=0.01)  # a little latency, so kills land mid-batch
    worker = WorkerProcess(
        concurrency=1, extra_env={"EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    )
    try:
        worker.purge()
        members_with_a_new_match(RECIPIENTS)
        assert digests.queue_digests("daily") == RECIPIENTS  # queues send_outbox on commit
        worker.start()
        step = RECIPIENTS // (KILLS + 2)
        for _ in range(KILLS):
            reached = inbox.count() + step // 2
            wait_for(lambda r=reached: inbox.count() >= r, 60, f"{reached} messages")
            worker.kill()
            # The dead worker's claims: the beat sweep would re-queue them after the lease; the
            # worker is dead, so every "sending" row is an orphan and can be re-queued now.
            outbox.sweep_stale(older_than=timedelta(0))
            worker.start()
            outbox.send_outbox.delay()
        wait_for(
            lambda: not OutboxEmail.objects.exclude(status="sent").exists(),
            90,
            "the outbox to drain",
        )
        time.sleep(0.2)
        messages = list(inbox.messages)
    finally:
        worker.stop()
        controller.stop()

    rows = dict(OutboxEmail.objects.values_list("to_email", "key"))
    per_recipient = Counter(str(m["To"]) for m in messages)
    lost = [email for email in rows if per_recipient[email] == 0]
    duplicates = sum(per_recipient.values()) - len(per_recipient)
    print(
        f"\nrecipients: {RECIPIENTS}, kills: {KILLS}, lost: {len(lost)}, duplicates: {duplicates}"
    )
    assert len(rows) == RECIPIENTS
    assert lost == []
    assert set(per_recipient) == set(rows)
    assert duplicates <= KILLS
    ids_per_recipient: dict[str, set] = {}
    for message in messages:
        ids_per_recipient.setdefault(str(message["To"]), set()).add(str(message["Message-ID"]))
    assert all(len(ids) == 1 for ids in ids_per_recipient.values())  # a duplicate is recognisable
    by_key = {row.to_email: row.message_id for row in OutboxEmail.objects.all()}
    assert all(ids == {by_key[to]} for to, ids in ids_per_recipient.items())

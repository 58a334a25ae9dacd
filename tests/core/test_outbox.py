"""The outbox: one row per key, claims that skip locked rows, retries with backoff, the sweep."""

import itertools
import socket
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.notifications.test_outbox_support import use_smtp
from tradeportal import outbox
from tradeportal.models import OutboxEmail
from tradeportal.outbox import enqueue_email

pytestmark = pytest.mark.django_db


def queue(key="k1", to="ana@example.com", language="es"):
    return enqueue_email(
        key=key,
        to_email=to,
        template="company-verified",
        context={"company": "Uvas del Sur S.A.C.", "link": "https://x/c/1/"},
        language=language,
    )


def test_the_same_key_is_queued_once_and_the_database_refuses_a_second_row():
    assert queue("interest:7:accepted") is not None
    assert queue("interest:7:accepted") is None
    assert OutboxEmail.objects.filter(key="interest:7:accepted").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxEmail.objects.create(key="interest:7:accepted", to_email="b@example.com")


def test_a_sent_email_carries_a_message_id_derived_from_its_key_and_is_marked_sent():
    email = queue("verified:1")
    assert outbox.send_queued() == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == email.message_id
    assert email.message_id == OutboxEmail(key="verified:1").message_id
    assert email.message_id != OutboxEmail(key="verified:2").message_id
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1 and email.sent_at
    assert outbox.send_queued() == 0  # nothing is sent twice


def test_claims_never_hand_the_same_row_to_two_workers():
    for n in range(5):
        queue(f"k{n}")
    first, second = outbox.claim(3), outbox.claim(3)
    assert len(first) == 3 and len(second) == 2
    assert not {e.id for e in first} & {e.id for e in second}
    assert all(e.status == OutboxEmail.Status.SENDING and e.attempts == 1 for e in first)
    assert outbox.claim(3) == []


@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_rows_another_transaction_holds_locked():
    # Written directly: enqueue_email would send them at once (tasks run eagerly in tests).
    for n in range(4):
        OutboxEmail.objects.create(key=f"k{n}", to_email="a@example.com", template="x")
    locked = threading.Event()
    release = threading.Event()
    held = []

    def other_worker():
        with transaction.atomic():
            rows = list(
                OutboxEmail.objects.select_for_update()
                .order_by("id")
                .values_list("id", flat=True)[:2]
            )
            held.extend(rows)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        claimed = outbox.claim(10)  # does not wait for the locked rows
    finally:
        release.set()
        thread.join()
    assert len(claimed) == 2 and not {e.id for e in claimed} & set(held)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


def test_an_smtp_failure_is_retried_with_backoff_then_recorded_as_failed(settings):
    use_smtp(settings, closed_port())
    email = queue("verified:9")
    before = timezone.now()
    assert outbox.send_queued() == 0
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at >= before + timedelta(seconds=outbox.BACKOFF_BASE_SECONDS)
    assert outbox.send_queued() == 0 and OutboxEmail.objects.get().attempts == 1  # not yet due
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        OutboxEmail.objects.filter(id=email.id).update(next_attempt_at=timezone.now())
        outbox.send_queued()
        email.refresh_from_db()
        if email.next_attempt_at:
            delays.append(email.next_attempt_at - timezone.now())
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert all(a < b for a, b in itertools.pairwise(delays))  # the backoff grows
    assert outbox.send_queued() == 0


def test_the_sweep_requeues_only_claims_a_dead_worker_left_behind():
    queue("old")
    queue("fresh")
    claimed = outbox.claim(2)
    old = next(e for e in claimed if e.key == "old")
    OutboxEmail.objects.filter(id=old.id).update(
        claimed_at=timezone.now() - outbox.STALE_CLAIM - timedelta(seconds=1)
    )
    assert outbox.sweep_stale() == 1
    statuses = dict(OutboxEmail.objects.values_list("key", "status"))
    assert statuses == {"old": "queued", "fresh": "sending"}
    assert outbox.send_queued() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [old.message_id]


def test_staff_see_the_outbox_by_status_and_can_resend_a_failed_email(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    email = queue("failed:1")
    OutboxEmail.objects.filter(id=email.id).update(
        status=OutboxEmail.Status.FAILED, attempts=5, last_error="SMTPServerDisconnected"
    )
    url = reverse("admin:tradeportal_outboxemail_changelist")
    page = client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200 and "ana@example.com" in page.content.decode()
    response = client.post(url, {"action": "resend", "_selected_action": [email.id]}, follow=True)
    assert "1 correo en cola de nuevo." in response.content.decode()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED and email.attempts == 0
    assert outbox.send_queued() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_beat_runs_the_digests_and_the_sweep_and_celery_never_drops_a_killed_task(settings):
    from tradeportal.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery, imports
    schedule = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "opportunities.notifications.tasks.send_digests" in app.tasks
    assert "tradeportal.outbox.sweep_outbox" in app.tasks
    digests = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("digests")]
    assert sorted(e["args"][0] for e in digests) == ["daily", "weekly"]
    assert "tradeportal.outbox.sweep_outbox" in schedule
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= 3600
    assert outbox.STALE_CLAIM.total_seconds() > settings.CELERY_TASK_TIME_LIMIT


def test_the_sweep_task_requeues_and_sends_what_a_dead_worker_left():
    email = queue("left-behind")
    outbox.claim(1)
    OutboxEmail.objects.filter(id=email.id).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox.sweep_outbox.delay().get() == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2
    assert len(mail.outbox) == 1

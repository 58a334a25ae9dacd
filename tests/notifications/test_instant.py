"""Instant match emails, batched: the matches of a window go out in one email, best first; the
store marks the companies in the transaction that writes the matches, and the notifications take
the marks: a worker lost between storing and emailing loses no email and doubles none."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from opportunities.matching import store
from opportunities.matching.ranking import Found
from opportunities.models import InstantBatch, MatchesToAnnounce, Opportunity
from opportunities.notifications import instant
from opportunities.notifications.digests import queue_digests
from opportunities.notifications.instant import queue_match_emails, send_instant_batches
from tests.conftest import ROOT, database_url
from tests.factories import HSCodeFactory, OpportunityFactory
from tests.notifications.test_outbox_support import REASONS, match, member
from tradeportal.models import OutboxEmail
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


def after_window(minutes: int = 11):
    return timezone.now() + timedelta(minutes=minutes)


def test_an_instant_member_gets_one_email_for_a_new_match_above_their_minimum():
    membership = member("instant", min_score=70)
    good = match(membership.company, 88, title="Cacao para Monterrey")
    match(membership.company, 55, title="Demasiado baja")

    assert queue_match_emails(company_ids=[membership.company_id]) == 1
    assert send_instant_batches(now=after_window(9)) == 0  # the 10-minute window is open
    assert send_instant_batches(now=after_window()) == 1
    assert send_queued() == 1
    [message] = mail.outbox
    assert message.subject.startswith("Nueva coincidencia para")
    assert "Cacao para Monterrey (88/100)" in message.subject
    assert "Sus importaciones crecen 6,0\u00a0% al año." in message.body
    assert "Demasiado baja" not in message.body
    assert f"/opportunities/{good.opportunity_id}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_ten_matches_in_one_second_make_one_email_listing_them_best_first():
    membership = member("instant", min_score=50)
    for score in (61, 95, 72, 88, 55, 90, 67, 79, 83, 58):
        match(membership.company, score, title=f"Demanda {score}")
        queue_match_emails(company_ids=[membership.company_id])  # the engine runs per change
    assert InstantBatch.objects.count() == 1
    assert send_instant_batches(now=after_window()) == 1
    send_queued()
    [message] = mail.outbox
    assert message.subject == f"10 coincidencias nuevas para {membership.company}, la mejor 95/100"
    body = message.body
    positions = [body.index(f"Demanda {s} ") for s in (95, 90, 88, 83, 79, 72, 67, 61, 58, 55)]
    assert positions == sorted(positions)


def test_the_same_match_never_goes_twice_to_the_same_person():
    membership = member("instant")
    match(membership.company, 90)
    queue_match_emails(company_ids=[membership.company_id])
    assert send_instant_batches(now=after_window()) == 1
    # Even if the "last told" mark were lost, the notice of the match refuses a second email.
    membership.last_digest_at = None
    membership.save()
    assert queue_match_emails(company_ids=[membership.company_id]) == 0
    assert send_instant_batches(now=after_window(60)) == 0
    assert OutboxEmail.objects.filter(template="match-instant").count() == 1


def test_the_batch_rolls_back_with_the_matches_that_caused_it():
    membership = member("instant")
    with pytest.raises(RuntimeError), transaction.atomic():
        match(membership.company, 90)
        queue_match_emails(company_ids=[membership.company_id])
        raise RuntimeError("the matching run failed")
    assert InstantBatch.objects.count() == 0
    assert send_instant_batches(now=after_window()) == 0


@pytest.mark.parametrize(
    "frequency, verified", [("daily", True), ("none", True), ("instant", False)]
)
def test_no_instant_email_for_other_preferences_or_an_unverified_address(frequency, verified):
    membership = member(frequency, verified=verified)
    match(membership.company, 95)
    assert queue_match_emails(company_ids=[membership.company_id]) == 0


def test_a_member_who_switches_off_instant_during_the_window_gets_nothing():
    membership = member("instant")
    match(membership.company, 95)
    queue_match_emails(company_ids=[membership.company_id])
    membership.notify_frequency = "weekly"
    membership.save()
    assert send_instant_batches(now=after_window()) == 0


def test_an_english_member_gets_the_instant_email_in_english():
    membership = member("instant", language="en")
    match(membership.company, 80, title="Grapes")
    queue_match_emails(company_ids=[membership.company_id])
    send_instant_batches(now=after_window())
    send_queued()
    [message] = mail.outbox
    assert message.subject.startswith("New match for") and "/en/opportunities/" in message.body


def test_matches_on_synthetic_demo_data_carry_the_demo_label_in_emails_and_digests():
    instant = member("instant")
    demo = match(instant.company, 90, title="Demanda demo")
    demo.opportunity.is_demo = True
    demo.opportunity.save()
    queue_match_emails(company_ids=[instant.company_id])
    send_instant_batches(now=after_window())
    daily = member("daily")
    other = match(daily.company, 90, title="Otra demo")
    other.opportunity.is_demo = True
    other.opportunity.save()
    queue_digests("daily")
    send_queued()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "[Datos de demostración (sintéticos)" in message.body


def stored(membership, score: float = 90, title: str = "Demanda de cacao") -> Opportunity:
    """An opportunity found for the member's company and written by the matching store."""
    opportunity = OpportunityFactory(title=title, hs_code=HSCodeFactory())
    found = Found(score, "opportunity", opportunity.pk, {}, REASONS)
    store.save([membership.company_id], [(membership.company_id, found)])
    return opportunity


def instant_emails() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(template="match-instant"))


def test_the_store_marks_the_company_and_the_next_look_sends_one_email():
    membership = member("instant")
    stored(membership, title="Cacao para Lima")
    assert MatchesToAnnounce.objects.filter(company_id=membership.company_id).exists()
    assert InstantBatch.objects.count() == 0  # the store opens no batch: it only leaves the mark

    assert send_instant_batches(now=after_window(9)) == 0  # the mark becomes a batch, which waits
    assert not MatchesToAnnounce.objects.exists()
    assert send_instant_batches(now=after_window()) == 1
    [email] = instant_emails()
    assert email.to_email == membership.user.email
    assert email.context["match"]["title"] == "Cacao para Lima"


def test_the_mark_rolls_back_with_the_matches_that_caused_it():
    membership = member("instant")
    with pytest.raises(RuntimeError), transaction.atomic():
        stored(membership)
        raise RuntimeError("the matching run failed")
    assert not MatchesToAnnounce.objects.exists()
    assert send_instant_batches(now=after_window()) == 0


def test_a_second_save_before_the_look_keeps_the_first_window():
    membership = member("instant")
    stored(membership, 80, title="Primera")
    first = MatchesToAnnounce.objects.get().saved_at
    stored(membership, 95, title="Segunda")
    assert MatchesToAnnounce.objects.get().saved_at == first
    instant.announce_saved_matches()
    assert InstantBatch.objects.get().due_at == first + timedelta(minutes=10)


def test_a_worker_lost_while_opening_the_batches_leaves_the_mark_for_the_next_look(monkeypatch):
    membership = member("instant")
    stored(membership)
    real = instant.queue_match_emails

    def open_then_die(**kwargs):
        real(**kwargs)
        raise SystemExit("worker lost")

    monkeypatch.setattr(instant, "queue_match_emails", open_then_die)
    with pytest.raises(SystemExit):
        send_instant_batches(now=after_window())
    assert InstantBatch.objects.count() == 0 and MatchesToAnnounce.objects.count() == 1

    monkeypatch.setattr(instant, "queue_match_emails", real)
    assert send_instant_batches(now=after_window()) == 1
    assert send_instant_batches(now=after_window(60)) == 0
    assert len(instant_emails()) == 1


def test_a_worker_lost_while_queueing_the_email_leaves_the_batch_for_the_next_minute(monkeypatch):
    membership = member("instant")
    stored(membership)

    def die(emails):
        raise SystemExit("worker lost")

    monkeypatch.setattr(instant, "enqueue_many", die)
    with pytest.raises(SystemExit):
        send_instant_batches(now=after_window())
    assert InstantBatch.objects.count() == 1 and instant_emails() == []

    monkeypatch.undo()
    assert send_instant_batches(now=after_window()) == 1
    assert send_instant_batches(now=after_window(60)) == 0
    assert len(instant_emails()) == 1


# A real process, SIGKILLed: what it committed stays, what it had not committed goes with it.
STORE_THEN_DIE = """
import os, signal
from opportunities.matching import store
from opportunities.matching.ranking import Found
found = Found(90, "opportunity", {opportunity}, {{}}, [])
store.save([{company}], [({company}, found)])
os.kill(os.getpid(), signal.SIGKILL)
"""

OPEN_THEN_HANG = """
import time
from django.db import connection
from opportunities.notifications import instant
real = instant.queue_match_emails
def open_then_hang(**kwargs):
    real(**kwargs)
    print("opened", connection.connection.info.backend_pid, flush=True)
    time.sleep(600)
instant.queue_match_emails = open_then_hang
instant.announce_saved_matches()
"""


def run_shell(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )


def wait_for_backend_to_end(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
    pytest.fail(f"the killed worker's database session {pid} is still open")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_storing_or_while_announcing_loses_no_email_and_doubles_none():
    # Given an instant member, when a worker stores a new match and is SIGKILLed at once,
    membership = member("instant")
    opportunity = OpportunityFactory(title="Cacao", hs_code=HSCodeFactory())
    code = STORE_THEN_DIE.format(company=membership.company_id, opportunity=opportunity.pk)
    assert run_shell(code).wait(timeout=120) == -signal.SIGKILL
    assert MatchesToAnnounce.objects.filter(company_id=membership.company_id).exists()

    # and the next worker is SIGKILLed holding the mark, its batch opened but not committed,
    announcing = run_shell(OPEN_THEN_HANG)
    try:
        line = announcing.stdout.readline()
    finally:
        os.killpg(announcing.pid, signal.SIGKILL)
        announcing.wait(timeout=30)
    assert line.startswith("opened"), line
    wait_for_backend_to_end(int(line.split()[1]))
    assert InstantBatch.objects.count() == 0 and MatchesToAnnounce.objects.count() == 1

    # then the next looks send exactly one email, naming the match.
    assert send_instant_batches(now=after_window()) == 1
    assert send_instant_batches(now=after_window(60)) == 0
    [email] = instant_emails()
    assert email.to_email == membership.user.email
    assert email.context["match"]["title"] == "Cacao"

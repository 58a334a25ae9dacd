"""Instant match emails, batched: the matches of a window go out in one email, best first; the
batch is written in the transaction that writes the matches."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from opportunities.models import InstantBatch
from opportunities.notifications.digests import queue_digests
from opportunities.notifications.instant import queue_match_emails, send_instant_batches
from tests.notifications.test_outbox_support import match, member
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

"""Instant match emails, queued in the transaction that writes the matches."""

import pytest
from django.core import mail
from django.db import transaction

from opportunities.notifications.instant import queue_match_emails
from tests.opportunities.test_outbox_support import match, member
from tradeportal.models import OutboxEmail
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


def test_an_instant_member_gets_one_email_per_new_match_above_their_minimum():
    membership = member("instant", min_score=70)
    good = match(membership.company, 88, title="Cacao para Monterrey")
    match(membership.company, 55, title="Demasiado baja")

    assert queue_match_emails(company_ids=[membership.company_id]) == 1
    assert send_queued() == 1
    [message] = mail.outbox
    assert message.subject.startswith("Nueva coincidencia para")
    assert "Cacao para Monterrey (88/100)" in message.subject
    assert "Sus importaciones crecen 6,0\u00a0% al año." in message.body
    assert f"/opportunities/{good.opportunity_id}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_same_match_never_goes_twice_to_the_same_person():
    membership = member("instant")
    item = match(membership.company, 90)
    assert queue_match_emails(company_ids=[membership.company_id]) == 1
    # Even if the "last told" mark were lost, the key (match, user) refuses a second email.
    membership.last_digest_at = None
    membership.save()
    assert queue_match_emails(company_ids=[membership.company_id]) == 0
    assert list(OutboxEmail.objects.values_list("key", flat=True)) == [
        f"match:{item.id}:user:{membership.user_id}"
    ]


def test_the_emails_roll_back_with_the_matches_that_caused_them():
    membership = member("instant")
    with pytest.raises(RuntimeError), transaction.atomic():
        match(membership.company, 90)
        queue_match_emails(company_ids=[membership.company_id])
        raise RuntimeError("the matching run failed")
    assert OutboxEmail.objects.count() == 0


@pytest.mark.parametrize(
    "frequency, verified", [("daily", True), ("none", True), ("instant", False)]
)
def test_no_instant_email_for_other_preferences_or_an_unverified_address(frequency, verified):
    membership = member(frequency, verified=verified)
    match(membership.company, 95)
    assert queue_match_emails(company_ids=[membership.company_id]) == 0


def test_an_english_member_gets_the_instant_email_in_english():
    membership = member("instant", language="en")
    match(membership.company, 80, title="Grapes")
    queue_match_emails(company_ids=[membership.company_id])
    send_queued()
    [message] = mail.outbox
    assert message.subject.startswith("New match for") and "/en/opportunities/" in message.body

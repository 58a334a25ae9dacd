"""Interest emails actually sent: received, answered, reminder and outcome, in each reader's
language; recorded once however often the button is pressed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities.matching import interests
from opportunities.models import Interest
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    seller = CompanyFactory(region__code="PE-LIM", legal_name="Uvas del Sur S.A.C.")
    buyer = CompanyFactory(region__code="MX-CMX", legal_name="Supermercados del Centro")
    seller_user = MembershipFactory(
        company=seller, user=UserFactory(email="ventas@uvas.pe", language="es")
    ).user
    MembershipFactory(company=buyer, user=UserFactory(email="buyer@super.mx", language="en"))
    return seller, buyer, seller_user


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_the_whole_interest_conversation_is_emailed_in_each_readers_language(pair):
    seller, buyer, user = pair
    interest = interests.express_interest(
        company=seller, user=user, target_company=buyer, message="Tenemos uva red globe"
    )
    assert interests.express_interest(company=seller, user=user, target_company=buyer) == interest
    send_queued()
    [received] = sent_to("buyer@super.mx")
    assert received.subject == "Uvas del Sur S.A.C. is interested in doing business with you"
    assert "Tenemos uva red globe" in received.body

    interests.answer_interest(interest=interest, company=buyer, accept=True, reason="Buen precio")
    send_queued()
    [answered] = sent_to("ventas@uvas.pe")
    assert answered.subject == "Supermercados del Centro aceptó su interés"
    assert "Buen precio" in answered.body

    mail.outbox.clear()
    later = timezone.now() + timedelta(days=31)
    assert interests.ask_outcomes(now=later) == 1
    assert interests.ask_outcomes(now=later) == 0
    send_queued()
    assert {m.subject for m in mail.outbox} == {
        "Did this introduction lead to business?",
        "¿Esta presentación generó negocios?",
    }


def test_an_unanswered_interest_is_reminded_once_after_a_week(pair):
    seller, buyer, user = pair
    interests.express_interest(company=seller, user=user, target_company=buyer)
    send_queued()
    mail.outbox.clear()
    assert interests.send_reminders(now=timezone.now() + timedelta(days=6)) == 0
    week = timezone.now() + timedelta(days=8)
    assert interests.send_reminders(now=week) == 1
    assert interests.send_reminders(now=week) == 0
    send_queued()
    [reminder] = mail.outbox
    assert reminder.subject.startswith("Reminder: Uvas del Sur S.A.C.")


def test_interest_in_itself_is_refused_with_a_message_and_nothing_written(pair):
    seller, _buyer, user = pair
    with pytest.raises(ValidationError):
        interests.express_interest(company=seller, user=user, target_company=seller)
    assert Interest.objects.count() == 0

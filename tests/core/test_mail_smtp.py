"""Sending through a real SMTP server on loopback (aiosmtpd), reading the messages back."""

import pytest

from opportunities.notifications import digests
from tests.notifications.test_outbox_support import match, member, smtp_server, use_smtp
from tradeportal.models import OutboxEmail
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings):
    controller, inbox = smtp_server()
    use_smtp(settings, controller.port)
    settings.SITE_URL = "https://tradeportal.example"
    yield inbox
    controller.stop()


def test_digests_arrive_over_smtp_with_headers_text_and_html_in_each_language(inbox):
    es = member("daily", language="es")
    en = member("daily", language="en")
    match(es.company, 81, title="Paltas Hass")
    match(en.company, 77, title="Avocados")
    assert digests.queue_digests("daily") == 2
    assert send_queued() == 2

    received = {m["To"]: m for m in inbox.messages}
    assert set(received) == {es.user.email, en.user.email}
    for membership, subject in [(es, "Su resumen diario"), (en, "Your daily digest")]:
        message = received[membership.user.email]
        row = OutboxEmail.objects.get(to_email=membership.user.email)
        assert message["Message-ID"] == row.message_id
        assert message["Subject"].startswith(subject)
        assert message["From"] == "TradePortal <no-reply@tradeportal.local>"
        unsubscribe = str(message["List-Unsubscribe"]).strip()
        assert unsubscribe.startswith("<https://tradeportal.example/")
        assert "/notifications/unsubscribe/" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert (
            row.context["matches"][0]["title"] in text
            and row.context["matches"][0]["title"] in html
        )
    assert (
        "Sus importaciones crecen 6,0\u00a0% al año."
        in received[es.user.email].get_body(("plain",)).get_content()
    )
    assert "/en/opportunities/" in received[en.user.email].get_body(("plain",)).get_content()
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}

"""Daily and weekly digests: the member's preference, their language, best first, never empty."""

import pytest
from django.core import mail

from opportunities.models import Match
from opportunities.notifications import digests
from tests.notifications.test_outbox_support import match, member
from tradeportal.models import OutboxEmail
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


def test_a_daily_member_gets_one_spanish_digest_with_the_new_matches_best_first(settings):
    settings.SITE_URL = "https://tradeportal.example"
    membership = member("daily", min_score=50)
    grapes = match(membership.company, 62, title="Uvas para Lima")
    match(membership.company, 91, title="Paltas para CDMX")
    match(membership.company, 40, title="Por debajo del mínimo")
    match(membership.company, 99, title="Descartada", status=Match.Status.DISMISSED)

    assert digests.queue_digests("daily") == 1
    assert send_queued() == 1

    [message] = mail.outbox
    assert message.to == [membership.user.email]
    assert "Su resumen diario: 2 nuevas coincidencias" in message.subject
    text = message.body
    assert text.index("Paltas para CDMX") < text.index("Uvas para Lima")
    assert "Por debajo del mínimo" not in text and "Descartada" not in text
    assert "Sus importaciones crecen 6,0\u00a0% al año." in text
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Paltas para CDMX" in html and 'lang="es"' in html
    assert f"https://tradeportal.example/opportunities/{grapes.opportunity_id}/" in text
    assert "https://tradeportal.example/notifications/unsubscribe/" in text


def test_an_english_member_gets_the_digest_in_english_with_english_links(settings):
    settings.SITE_URL = "https://tradeportal.example"
    membership = member("weekly", language="en")
    item = match(membership.company, 70, title="Grapes for Lima")

    assert digests.queue_digests("weekly") == 1
    send_queued()

    [message] = mail.outbox
    assert message.subject.startswith("Your weekly digest: 1 new match for")
    assert f"https://tradeportal.example/en/opportunities/{item.opportunity_id}/" in message.body
    assert "Its imports grow 6.0% a year." in message.body


def test_an_empty_digest_is_never_sent():
    member("daily")
    assert digests.queue_digests("daily") == 0
    assert OutboxEmail.objects.count() == 0


def test_each_match_is_in_one_digest_only_and_a_second_run_the_same_day_sends_nothing():
    membership = member("daily")
    match(membership.company, 80)
    assert digests.queue_digests("daily") == 1
    assert digests.queue_digests("daily") == 0
    membership.refresh_from_db()
    membership.last_digest_at = None  # even if the mark were lost, the period key holds
    membership.save()
    assert digests.queue_digests("daily") == 0
    assert OutboxEmail.objects.count() == 1


@pytest.mark.parametrize(
    "frequency, verified, queued",
    [
        ("daily", True, 1),
        ("weekly", True, 0),
        ("instant", True, 0),
        ("none", True, 0),
        ("daily", False, 0),
    ],
)
def test_only_verified_daily_members_get_the_daily_digest(frequency, verified, queued):
    membership = member(frequency, verified=verified)
    match(membership.company, 90)
    assert digests.queue_digests("daily") == queued


def test_every_member_of_the_company_gets_their_own_digest_in_their_language():
    es = member("daily", language="es")
    en = member("daily", language="en", company=es.company)
    match(es.company, 75)
    assert digests.queue_digests("daily") == 2
    languages = dict(OutboxEmail.objects.values_list("to_email", "language"))
    assert languages == {es.user.email: "es", en.user.email: "en"}


def test_a_long_digest_shows_the_best_matches_and_links_to_the_rest(settings):
    settings.SITE_URL = "https://tradeportal.example"
    membership = member("daily")
    for score in range(60, 60 + digests.DIGEST_MAX_ITEMS + 3):
        match(membership.company, score, title=f"Demanda {score}")
    assert digests.queue_digests("daily") == 1
    send_queued()
    [message] = mail.outbox
    assert "18 nuevas coincidencias" in message.subject
    assert "Demanda 77" in message.body and "Demanda 60" not in message.body
    assert "Y 3 más en el sitio: https://tradeportal.example/dashboard/" in message.body

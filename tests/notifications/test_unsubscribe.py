"""One-click unsubscribe (RFC 8058) without logging in."""

import pytest
from django.core import mail

from companies.models import Membership
from opportunities.notifications import digests
from opportunities.notifications.content import unsubscribe_token
from tests.notifications.test_outbox_support import match, member
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


def unsubscribe_link(membership):
    match(membership.company, 80)
    digests.queue_digests(membership.notify_frequency)
    send_queued()
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return header[1:-1]


def test_the_one_click_post_from_the_header_turns_notifications_off_without_a_session(client):
    membership = member("daily")
    url = unsubscribe_link(membership)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Ya no recibirás correos de coincidencias" in response.content.decode()
    membership.refresh_from_db()
    assert membership.notify_frequency == "none"


def test_opening_the_link_asks_first_and_changes_nothing(client):
    membership = member("weekly")
    url = unsubscribe_link(membership)
    response = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 200 and "Darse de baja" in response.content.decode()
    membership.refresh_from_db()
    assert membership.notify_frequency == "weekly"


def test_a_changed_token_is_refused_in_the_users_language(client):
    membership = member("daily")
    token = unsubscribe_token(membership.id)
    forged = unsubscribe_token(membership.id + 1)[:-2] + token[-2:]
    response = client.post(f"/en/notifications/unsubscribe/{forged}/")
    assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    response = client.post(f"/notifications/unsubscribe/{token}x/")
    assert response.status_code == 400 and "Este enlace no es válido" in response.content.decode()
    assert Membership.objects.get(id=membership.id).notify_frequency == "daily"

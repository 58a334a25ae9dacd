"""The signed-in member's notification preferences page."""

import pytest

from companies.models import Membership
from tests.notifications.test_outbox_support import member

pytestmark = pytest.mark.django_db


def test_the_page_needs_a_signed_in_user(client):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_changes_frequency_and_minimum_score_for_each_company(client):
    first = member("weekly")
    second = member("weekly")
    second.user.delete()
    second = Membership.objects.create(user=first.user, company=member("none").company)
    client.force_login(first.user)
    page = client.get("/notifications/preferences/")
    assert "Notificaciones por correo" in page.content.decode()
    response = client.post(
        "/notifications/preferences/",
        {
            f"m{first.id}-notify_frequency": "daily",
            f"m{first.id}-notify_min_score": "65",
            f"m{second.id}-notify_frequency": "instant",
            f"m{second.id}-notify_min_score": "80",
        },
        follow=True,
    )
    assert "Se guardaron sus preferencias de notificaciones." in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.notify_frequency, first.notify_min_score) == ("daily", 65)
    assert (second.notify_frequency, second.notify_min_score) == ("instant", 80)


def test_bad_input_is_explained_in_spanish_and_nothing_is_saved(client):
    first = member("weekly")
    second = Membership.objects.create(user=first.user, company=member("none").company)
    client.force_login(first.user)
    response = client.post(
        "/notifications/preferences/",
        {
            f"m{first.id}-notify_frequency": "daily",
            f"m{first.id}-notify_min_score": "70",
            f"m{second.id}-notify_frequency": "daily",
            f"m{second.id}-notify_min_score": "150",
        },
    )
    assert response.status_code == 200
    assert "Asegúrese de que este valor es menor o igual a 100." in response.content.decode()
    first.refresh_from_db()
    assert (first.notify_frequency, first.notify_min_score) == ("weekly", 50)

"""Personal API tokens: created on the settings page (the key shown once), used, revoked."""

import re

import pytest
from django.utils import timezone

from companies.models import ApiToken
from tests.api.conftest import error, token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY = re.compile(r"tp_[A-Za-z0-9_-]{40,}")


def test_a_token_is_created_used_and_revoked(world, client):
    client.force_login(world.owner)
    response = client.post("/companies/api-tokens/", {"name": "ERP sync"})
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    key = KEY.search(page).group()
    assert "Cópialo ahora" in page  # shown once, with a warning, in the user's language

    token = ApiToken.objects.get(user=world.owner)
    assert token.name == "ERP sync"
    assert key not in token.key_hash and token.prefix == key[:10]
    assert key not in str(dict(client.session))
    assert KEY.search(client.get("/companies/api-tokens/").content.decode()) is None
    assert token.prefix in client.get("/companies/api-tokens/").content.decode()

    api = token_client(None)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/my/companies/").json()["results"][0]["id"] == world.mine.pk
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.post(f"/companies/api-tokens/{token.pk}/revoke/")
    response = api.get("/api/v1/my/companies/")
    assert response.status_code == 401
    assert error(response)["message"] == "Token no válido o revocado."
    assert "Revocado" in client.get("/companies/api-tokens/").content.decode()


def test_the_tokens_page_speaks_english_too(world, client):
    world.owner.language = "en"
    client.force_login(world.owner)
    page = client.post("/en/companies/api-tokens/", {"name": "Reports"}).content.decode()
    assert "Copy it now" in page and "My tokens" in page


def test_a_token_needs_a_name(world, client):
    client.force_login(world.owner)
    response = client.post("/companies/api-tokens/", {"name": ""})
    assert "Este campo es requerido." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_can_revoke_another_users_token(world, client):
    client.force_login(world.stranger)
    api = token_client(world.owner)
    token = ApiToken.objects.get(user=world.owner)
    client.post(f"/companies/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api.get("/api/v1/my/companies/").status_code == 200


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/companies/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_keys_and_malformed_headers_are_refused(world):
    api = token_client(None)
    for header in ("Bearer tp_not-a-real-key", "Bearer", "Bearer two words"):
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/v1/opportunities/")
        assert response.status_code == 401, header
        assert error(response)["code"] == "authentication_failed"


def test_a_deactivated_users_tokens_stop_working(world):
    api = token_client(world.owner)
    world.owner.is_active = False
    world.owner.save()
    assert api.get("/api/v1/my/companies/").status_code == 401


def test_the_key_is_stored_only_as_a_hash(db):
    from companies import tokens

    token, key = tokens.create_token(user=UserFactory(), name="x")
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_last_use_is_written_at_most_once_a_minute(world):
    api = token_client(world.owner)
    api.get("/api/v1/my/companies/")
    token = ApiToken.objects.get(user=world.owner)
    first = token.last_used_at
    api.get("/api/v1/my/companies/")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    api.get("/api/v1/my/companies/")
    token.refresh_from_db()
    assert token.last_used_at > first - timezone.timedelta(seconds=1)


def test_staff_can_revoke_a_token_in_the_admin(world, client):
    world.staff.is_superuser = True
    world.staff.save()
    api = token_client(world.owner)
    token = ApiToken.objects.get(user=world.owner)
    client.force_login(world.staff)
    client.post(
        "/admin/companies/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert api.get("/api/v1/my/companies/").status_code == 401

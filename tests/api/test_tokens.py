"""Personal API tokens: created on the settings page (the key shown once), used, revoked."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services, tokens
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
    token, key = tokens.create_token(user=UserFactory(), name="x")
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_last_use_is_written_at_most_once_a_minute(world, monkeypatch):
    api = token_client(world.owner)
    api.get("/api/v1/my/companies/")
    token = ApiToken.objects.get(user=world.owner)
    first = token.last_used_at
    api.get("/api/v1/my/companies/")
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + timezone.timedelta(minutes=2)
    monkeypatch.setattr(tokens.timezone, "now", lambda: later)
    api.get("/api/v1/my/companies/")
    token.refresh_from_db()
    assert token.last_used_at == later


def token_queries(api, path: str = "/api/v1/opportunities/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200
    return sum("companies_apitoken" in q["sql"] for q in queries.captured_queries)


def test_a_token_is_read_from_the_database_once_a_minute(world):
    api = token_client(world.owner)
    assert token_queries(api) == 2  # read, and its last use written
    assert [token_queries(api) for _ in range(3)] == [0, 0, 0]
    token = ApiToken.objects.get(user=world.owner)
    cached = cache.get(tokens.CACHE_PREFIX + token.key_hash)
    assert cached.user == world.owner and "password" not in cached.user.__dict__


def test_a_revoked_token_stops_working_at_once_though_it_was_just_used(world, client):
    api = token_client(world.owner)
    token = ApiToken.objects.get(user=world.owner)
    assert [token_queries(api) for _ in range(2)] == [2, 0]  # its lookup is cached
    client.force_login(world.owner)
    client.post(f"/companies/api-tokens/{token.pk}/revoke/")
    response = api.get("/api/v1/opportunities/")
    assert response.status_code == 401
    assert error(response)["message"] == "Token no válido o revocado."


def test_a_user_deactivated_or_deleted_in_the_admin_loses_their_tokens_at_once(world, client):
    world.staff.is_superuser = True
    world.staff.save()
    client.force_login(world.staff)
    owner, stranger = token_client(world.owner), token_client(world.stranger)
    assert owner.get("/api/v1/opportunities/").status_code == 200
    assert stranger.get("/api/v1/opportunities/").status_code == 200

    form = client.get(f"/admin/companies/user/{world.owner.pk}/change/").context["adminform"]
    data = {name: value for name, value in form.form.initial.items() if value is not None}
    data.update(is_active="", groups=[], user_permissions=[], last_login_0="", last_login_1="")
    data.update(date_joined_0="2026-01-01", date_joined_1="10:00:00")
    response = client.post(f"/admin/companies/user/{world.owner.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert owner.get("/api/v1/opportunities/").status_code == 401

    client.post(f"/admin/companies/user/{world.stranger.pk}/delete/", {"post": "yes"})
    assert stranger.get("/api/v1/opportunities/").status_code == 401

    colleague = token_client(world.colleague)
    assert colleague.get("/api/v1/opportunities/").status_code == 200
    selected = {"action": "delete_selected", "_selected_action": [world.colleague.pk]}
    client.post("/admin/companies/user/", {**selected, "post": "yes"})
    assert colleague.get("/api/v1/opportunities/").status_code == 401


def test_deleting_ones_account_ends_its_tokens_at_once(world):
    api = token_client(world.colleague)
    assert api.get("/api/v1/opportunities/").status_code == 200
    services.delete_account(user=world.colleague)
    assert api.get("/api/v1/opportunities/").status_code == 401


def test_staff_can_revoke_a_token_in_the_admin(world, client):
    world.staff.is_superuser = True
    world.staff.save()
    api = token_client(world.owner)
    token = ApiToken.objects.get(user=world.owner)
    client.force_login(world.staff)
    assert api.get("/api/v1/my/companies/").status_code == 200  # its lookup is cached
    client.post(
        "/admin/companies/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert api.get("/api/v1/my/companies/").status_code == 401

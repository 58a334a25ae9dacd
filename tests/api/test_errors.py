"""Every error in one JSON shape, with its message in the request's language; throttling."""

import pytest
from django.test import override_settings

from tests.api.conftest import error, token_client
from tradeportal.api import AnonThrottle

pytestmark = pytest.mark.django_db


def prefs(world) -> str:
    return f"/api/v1/my/notification-preferences/{world.mine.pk}/"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Asegúrese de que este valor es menor o igual a 100."),
        ("en", "Ensure this value is less than or equal to 100."),
    ],
)
def test_validation_errors_name_the_field_in_the_clients_language(world, language, message):
    client = token_client(world.owner, language)
    response = client.patch(prefs(world), {"notify_min_score": 101}, format="json")
    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert error(response) == {
        "status": 400,
        "code": "invalid",
        "message": message,
        "fields": {"notify_min_score": [message]},
    }


def test_the_sites_own_rules_give_the_message_in_the_clients_language(world):
    path = f"/api/v1/my/companies/{world.mine.pk}/products/"
    body = {"hs_code": "74", "direction": "export"}
    spanish = error(token_client(world.owner, "es").post(path, body, format="json"))
    english = error(token_client(world.owner, "en").post(path, body, format="json"))
    assert spanish["fields"]["hs_code"] == [
        "74 no es una partida del SA (4 dígitos) ni una subpartida (6 dígitos). "
        "Códigos que empiezan con esos dígitos: 7403 Cobre refinado y aleaciones de cobre."
    ]
    assert english["fields"]["hs_code"] == [
        "74 is not an HS heading (4 digits) or subheading (6 digits). "
        "Codes that start with these digits: 7403 Copper; refined."
    ]


def test_several_invalid_fields_are_summed_up(world, as_owner):
    response = as_owner.patch(
        prefs(world), {"notify_min_score": -1, "notify_frequency": "hourly"}, format="json"
    )
    body = error(response)
    assert set(body["fields"]) == {"notify_min_score", "notify_frequency"}
    assert body["message"].startswith("Algunos campos no son válidos: ")


def test_unauthenticated_not_found_and_method_errors_share_the_shape(world, anonymous, as_owner):
    assert error(anonymous.get("/api/v1/my/companies/"))["status"] == 401
    assert error(as_owner.get("/api/v1/opportunities/999999/"))["message"] == "No encontrado."
    assert error(as_owner.get("/api/v1/no-such-thing/"))["code"] == "not_found"
    assert error(as_owner.put("/api/v1/sectors/agribusiness/", {}))["status"] == 405
    english = token_client(None, "en").get("/api/v1/my/companies/")
    assert error(english)["message"] == "Authentication credentials were not provided."


def test_a_page_past_the_end_is_a_404_in_the_shape(world, as_owner):
    response = as_owner.get("/api/v1/opportunities/?page=99")
    assert error(response)["code"] == "not_found"


def test_a_bad_filter_value_is_a_400(world, as_owner):
    response = as_owner.get("/api/v1/opportunities/?market=AR&min_value=lots")
    assert set(error(response)["fields"]) == {"market", "min_value"}


def test_an_unverified_company_cannot_post_buyer_requests(world, as_owner):
    world.mine.status = "pending"
    world.mine.save()
    path = f"/api/v1/my/companies/{world.mine.pk}/requests/"
    body = {"title": "Cobre", "hs_code": "7403", "deadline": "2031-01-01T00:00:00Z"}
    response = as_owner.post(path, body, format="json")
    assert response.status_code == 403
    assert error(response)["message"] == (
        "Solo las empresas verificadas pueden publicar solicitudes de compra."
    )


def test_a_server_error_answers_500_in_the_shape(world, as_owner, monkeypatch):
    from opportunities.trade import selectors

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "aggregate_trade", broken)
    response = token_client(world.owner, "en").get("/api/v1/trade-statistics/")
    assert response.status_code == 500
    assert error(response) == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side; please try again later.",
    }


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
)
def test_anonymous_clients_are_throttled_per_address(world):
    client = token_client(None, "en")
    for _ in range(3):
        assert client.get("/api/v1/sectors/").status_code == 200
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    body = error(response)
    assert body["code"] == "throttled"
    assert body["message"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) > 0
    other_address = token_client(None)
    assert other_address.get("/api/v1/sectors/", REMOTE_ADDR="10.1.2.3").status_code == 200


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
)
def test_a_user_is_throttled_across_all_their_tokens(world):
    first, second = token_client(world.owner), token_client(world.owner)
    for client in (first, second, first, second, first):
        assert client.get("/api/v1/my/companies/").status_code == 200
    response = second.get("/api/v1/opportunities/")
    assert response.status_code == 429
    assert error(response)["message"].startswith("Solicitud fue regulada")
    assert token_client(world.stranger).get("/api/v1/my/companies/").status_code == 200


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "8/min", "user": "2/min"},
    }
)
def test_anonymous_clients_get_the_anonymous_rate_even_above_the_users(world):
    client = token_client(None)
    assert [client.get("/api/v1/sectors/").status_code for _ in range(9)] == [200] * 8 + [429]


class Clock:
    """The throttles' clock, set by the test (an instance: a throttle does not bind it)."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
)
def test_retry_after_counts_from_the_oldest_request_of_the_last_minute(world, monkeypatch):
    clock = Clock(1000.0)
    monkeypatch.setattr(AnonThrottle, "timer", clock)
    client = token_client(None)

    def status_at(now: float) -> tuple[int, str | None]:
        clock.now = now
        response = client.get("/api/v1/sectors/")
        return response.status_code, response.get("Retry-After")

    assert [status_at(now) for now in (1000.0, 1010.0, 1020.0)] == [(200, None)] * 3
    assert status_at(1030.0) == (429, "30")  # the first request leaves the window at 1060
    assert status_at(1045.0) == (429, "15")  # refused requests are not counted
    assert status_at(1060.5) == (200, None)
    assert status_at(1061.0) == (429, "9")  # now the second one, at 1010, is the oldest

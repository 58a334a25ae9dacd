"""Accounts: email verification, Argon2, rate limits and no account enumeration."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from companies.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Tostado-Veracruz-91"


@pytest.fixture
def verified_user():
    user = UserFactory(email="ana@cafe.mx", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def same_page(one, other) -> bool:
    """Same page templates and the same cookies with the same attributes: nothing in the answer
    tells the two apart. (The email each sends differs, but it goes to the address's owner.)"""

    def page(response):
        return [t.name for t in response.templates if not t.name.startswith("account/email/")]

    def cookies(response):
        return {
            name: {key: value for key, value in morsel.items() if key != "expires"}
            for name, morsel in response.cookies.items()
        }

    return page(one) == page(other) and cookies(one) == cookies(other)


def login(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_up_sends_a_verification_email_and_holds_the_account_until_confirmed(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "nuevo@uvas.pe", "password1": PASSWORD, "password2": PASSWORD, "privacy": "on"},
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert not EmailAddress.objects.get(email="nuevo@uvas.pe").verified
    second = login(client, "nuevo@uvas.pe", PASSWORD)
    assert second["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(verified_user):
    assert User.objects.get(pk=verified_user.pk).password.startswith("argon2")


def test_a_verified_user_logs_in(client, verified_user):
    assert login(client, "ana@cafe.mx", PASSWORD)["Location"] == "/companies/mine/"


def test_failed_logins_are_limited_and_the_attempt_after_the_limit_is_refused(
    client, verified_user
):
    for _attempt in range(5):
        assert login(client, "ana@cafe.mx", "wrong-password").status_code == 200
    refused = login(client, "ana@cafe.mx", PASSWORD)  # limit + 1, even with the right password
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Demasiados intentos" in refused.content.decode()


def test_login_says_the_same_for_an_unknown_email_and_a_wrong_password(client, verified_user):
    unknown = login(client, "nadie@example.com", "wrong-password")
    wrong = login(client, "ana@cafe.mx", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors
    assert same_page(unknown, wrong)


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, verified_user):
    known = client.post("/accounts/password/reset/", {"email": "ana@cafe.mx"})
    unknown = client.post("/accounts/password/reset/", {"email": "nadie@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert same_page(known, unknown)


def test_sign_up_with_a_registered_email_looks_like_any_sign_up(client, verified_user):
    taken = client.post(
        "/accounts/signup/",
        {"email": "ana@cafe.mx", "password1": PASSWORD, "password2": PASSWORD, "privacy": "on"},
    )
    fresh = client.post(
        "/accounts/signup/",
        {"email": "otra@cafe.mx", "password1": PASSWORD, "password2": PASSWORD, "privacy": "on"},
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert same_page(taken, fresh)
    assert User.objects.filter(email="ana@cafe.mx").count() == 1


class Clock:
    """allauth's rate limits read time.time(); this one stands still unless a test moves it
    (so that a slow machine does not move the boundary)."""

    def __init__(self):
        import time

        self.real, self.start, self.offset = time, time.time(), 0.0

    def time(self) -> float:
        return self.start + self.offset

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    return clock


def answered(client, response, email: str) -> tuple:
    """What a visitor sees: the status, where it leads, and the next page with the address
    shown in it replaced (each page names the address typed in, whoever owns it), and the
    CSRF token (new for every visitor)."""
    page = client.get(response["Location"]) if response.status_code == 302 else response
    text = page.content.decode().replace(email, "EMAIL")
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "CSRF", text)
    return response.status_code, response.get("Location"), page.status_code, text


def sign_up(client, email: str):
    form = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "privacy": "on"}
    return client.post("/accounts/signup/", form)


@pytest.mark.parametrize("seconds_later", [179, 181])
def test_sign_up_answers_the_same_for_new_known_and_just_signed_up_addresses_around_the_cooldown(
    clock, verified_user, seconds_later
):
    from django.conf import settings
    from django.test import Client

    sign_up(Client(), "reciente@uvas.pe")  # a minute ago somebody signed up with this address
    clock.offset = seconds_later  # just inside / just past the 180 s resend cooldown
    assert settings.ACCOUNT_RATE_LIMITS["confirm_email"] == "1/3m/key"
    answers = {}
    for email in ("nueva@uvas.pe", "ana@cafe.mx", "reciente@uvas.pe"):
        client = Client()
        answers[email] = answered(client, sign_up(client, email), email)
    new, known, recent = answers.values()
    assert new == known == recent
    assert "EMAIL" in new[3]  # "we sent a confirmation email to ...", for all three
    assert User.objects.filter(email="reciente@uvas.pe").count() == 1


@pytest.mark.parametrize("seconds_later", [179, 181])
def test_login_and_reset_answer_the_same_for_new_known_and_just_signed_up_addresses(
    clock, verified_user, seconds_later
):
    from django.test import Client

    sign_up(Client(), "reciente@uvas.pe")
    clock.offset = seconds_later
    logins, resets = {}, {}
    for email in ("nadie@uvas.pe", "ana@cafe.mx", "reciente@uvas.pe"):
        client = Client()
        logins[email] = answered(client, login(client, email, "wrong-password"), email)
        reset = client.post("/accounts/password/reset/", {"email": email})
        resets[email] = answered(client, reset, email)
    assert len(set(logins.values())) == 1
    assert len(set(resets.values())) == 1


def test_password_reset_answers_the_same_past_its_per_address_limit(client, verified_user):
    """5 resets an hour per address: the sixth for a known address looks like any sixth."""
    from django.test import Client

    sign_up(Client(), "reciente@uvas.pe")
    answers = {}
    for email in ("nadie@uvas.pe", "ana@cafe.mx", "reciente@uvas.pe"):
        client = Client()
        tries = [client.post("/accounts/password/reset/", {"email": email}) for _ in range(6)]
        answers[email] = [answered(client, response, email) for response in tries[-2:]]
    new, known, recent = answers.values()
    assert new == known == recent

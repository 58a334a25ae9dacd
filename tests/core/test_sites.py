"""The site's name and domain come from settings at migrate, so every email says TradePortal."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sites.models import Site
from django.core import mail

from tests.factories import UserFactory
from tradeportal.sites import update_site_from_settings

pytestmark = pytest.mark.django_db


def test_migrate_names_the_site_after_settings(settings):
    site = Site.objects.get_current()
    assert site.name == "TradePortal"
    assert site.domain == "127.0.0.1:8000"


def test_a_new_site_url_is_taken_at_the_next_migrate(settings):
    settings.SITE_URL = "https://comercio.example.pe"
    update_site_from_settings(apps.get_app_config("sites"), apps=apps)
    Site.objects.clear_cache()
    assert Site.objects.get_current().domain == "comercio.example.pe"


def test_the_verification_email_says_tradeportal_in_its_branded_layout(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "nueva@uvas.pe",
            "password1": "Clave-Segura-2026",
            "password2": "Clave-Segura-2026",
            "privacy": "on",
        },
    )
    assert EmailAddress.objects.filter(email="nueva@uvas.pe").exists()
    (message,) = mail.outbox
    assert "example.com" not in message.subject + message.body
    assert "TradePortal" in message.subject
    assert "127.0.0.1:8000" in message.body
    assert "abra este enlace" in message.body  # usted, not "abre"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "TradePortal" in html and "Saludos de TradePortal" in html


def test_a_password_reset_email_also_has_the_branded_layout(client):
    UserFactory(email="ana@cafe.mx")
    client.post("/accounts/password/reset/", {"email": "ana@cafe.mx"})
    (message,) = mail.outbox
    assert "contraseña" in message.body
    assert message.alternatives and "TradePortal" in message.alternatives[0][0]

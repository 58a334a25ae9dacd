"""Privacy by law (Mexico's LFPDPPP, Peru's Law 29733): the notice, consent at sign-up with its
version, a link on every page and in every email, a new version asked of signed-in users, and
unverified accounts deleted after 30 days."""

from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from companies import services, tasks
from companies.models import PrivacyConsent, PrivacyNotice, User
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tradeportal import emails, privacy

pytestmark = pytest.mark.django_db
PASSWORD = "Tostado-Veracruz-91"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"


def sign_up(client, email: str, **extra):
    form = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post("/accounts/signup/", form)


def publish_version(number: int, **extra) -> PrivacyNotice:
    current = PrivacyNotice.objects.current()
    notice = PrivacyNotice.objects.create(
        version=number,
        responsible=current.responsible,
        contact_email=current.contact_email,
        body_es=current.body_es,
        body_en=current.body_en,
        published_at=timezone.now(),
        **extra,
    )
    cache.clear()
    return notice


def test_the_notice_says_who_what_why_how_long_to_whom_and_how_to_exercise_arco_rights(client):
    page = client.get("/privacy/").content.decode()
    for words in [
        "Aviso de privacidad",
        "Versión 1",
        "Responsable",
        "solicitudes ARCO",  # the contact comes from settings (PRIVACY_CONTACT_EMAIL)
        "Qué datos tratamos",
        "Para qué los usamos",
        "Cuánto tiempo los conservamos",
        "30 días",
        "A quién transferimos sus datos",
        "derechos ARCO",
        "20 días hábiles",
        "Ley N.º 29733",
        "Ley Federal de Protección de Datos Personales en Posesión de los Particulares",
    ]:
        assert words in page, words
    # the rights can be exercised at once from the notice: export, deletion, objection
    assert 'href="/companies/privacy/?download=1"' in page
    assert 'href="/companies/privacy/#delete"' in page
    assert 'href="/notifications/preferences/"' in page
    english = client.get("/en/privacy/").content.decode()
    assert "Your ARCO rights and how to exercise them" in english and "Law No. 29733" in english


def test_every_page_footer_links_to_the_notice(client):
    for path in ("/", "/opportunities/", "/accounts/login/", "/en/"):
        footer = client.get(path).content.decode().split('class="site-footer"')[1]
        assert "/privacy/" in footer, path


def test_sign_up_requires_consent_and_records_it_with_the_notice_version(client):
    refused = sign_up(client, "sin@uvas.pe")
    assert refused.status_code == 200
    assert "Acepte el aviso de privacidad para crear su cuenta." in refused.content.decode()
    assert not User.objects.filter(email="sin@uvas.pe").exists()
    page = client.get("/accounts/signup/").content.decode()
    assert "He leído y acepto el aviso de privacidad" in page and 'href="/privacy/"' in page

    assert sign_up(client, "con@uvas.pe", privacy="on").status_code == 302
    consent = PrivacyConsent.objects.get(user__email="con@uvas.pe")
    assert (consent.notice.version, consent.at_signup) == (1, True)


def test_every_email_links_to_the_privacy_notice(settings, client):
    settings.SITE_URL = "https://tradeportal.example"
    # every HTML email extends the base whose footer links to the notice; render() adds the
    # link to every plain-text body
    bodies = sorted(TEMPLATES.glob("*-body.html"))
    assert len(bodies) >= 10
    for body in bodies:
        assert body.read_text().startswith('{% extends "emails/base.html" %}'), body.name
    context = {"company": "Café de Altura", "link": "https://tradeportal.example/x/"}
    for language, path in (("es", "/privacy/"), ("en", "/en/privacy/")):
        rendered = emails.render("company-verified", context, language)
        assert f"https://tradeportal.example{path}" in rendered.text
        assert f'href="https://tradeportal.example{path}"' in rendered.html
    sign_up(client, "nuevo@uvas.pe", privacy="on")  # allauth's own emails too
    assert "https://tradeportal.example/privacy/" in mail.outbox[-1].body


def test_a_new_version_is_asked_of_signed_in_users_once_and_recorded(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/opportunities/").status_code == 200  # version 1 accepted at sign-up
    publish_version(2, changes="Nuevo encargado de envío de correos.")

    asked = client.get("/opportunities/?market=PE")
    assert asked.status_code == 302
    assert asked["Location"] == "/privacy/accept/?next=/opportunities/%3Fmarket%3DPE"
    page = client.get(asked["Location"]).content.decode()
    assert "Nuevo encargado de envío de correos." in page and "(versión 2)" in page
    # the notice, one's data and account deletion stay reachable without accepting
    for path in ("/privacy/", "/companies/privacy/", "/notifications/preferences/"):
        assert client.get(path).status_code == 200, path

    accepted = client.post("/privacy/accept/", {"next": "/opportunities/?market=PE"})
    assert accepted["Location"] == "/opportunities/?market=PE"
    assert set(user.privacy_consents.values_list("notice__version", flat=True)) == {1, 2}
    assert client.get("/opportunities/").status_code == 200


def test_the_accept_page_never_redirects_to_another_site(client):
    client.force_login(UserFactory())
    publish_version(2)
    response = client.post("/privacy/accept/", {"next": "https://evil.example/"})
    assert response["Location"] == "/companies/mine/"


def test_a_published_version_cannot_be_edited_in_the_admin_only_saved_as_new(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    notice = PrivacyNotice.objects.current()
    page = client.get(f"/admin/companies/privacynotice/{notice.pk}/change/").content.decode()
    assert 'name="body_es"' not in page  # read-only
    draft = client.post(
        "/admin/companies/privacynotice/add/",
        {
            "version": 2,
            "responsible": "Organismo de promoción, Av. Reforma 1, CDMX",
            "contact_email": "arco@promocion.example",
            "body_es": "# Responsable\nTexto nuevo.",
            "body_en": "# Responsible\nNew text.",
            "changes": "Nuevo domicilio.",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
        },
    )
    assert draft.status_code == 302
    assert PrivacyNotice.objects.current().version == 2
    assert "Texto nuevo." in client.get("/privacy/").content.decode()


def test_the_admin_shows_the_responsible_party_from_settings_not_an_editable_copy(client, settings):
    settings.PRIVACY_RESPONSIBLE_NAME = "Exportadora Andina S.A.C."
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/companies/privacynotice/add/").content.decode()
    assert "Exportadora Andina S.A.C." in page
    assert 'name="responsible"' not in page and 'name="contact_email"' not in page


def test_unverified_accounts_are_deleted_after_30_days_by_the_beat_task(settings):
    now = timezone.now()
    old = UserFactory(email="vieja@uvas.pe")
    EmailAddress.objects.create(user=old, email=old.email, verified=False, primary=True)
    recent = UserFactory(email="reciente@uvas.pe")
    verified = UserFactory(email="verificada@uvas.pe")
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    staff = UserFactory(email="staff@tradeportal.test", is_staff=True)
    User.objects.filter(pk__in=[old.pk, verified.pk, staff.pk]).update(
        date_joined=now - timedelta(days=30, minutes=1)
    )
    User.objects.filter(pk=recent.pk).update(date_joined=now - timedelta(days=29, hours=23))

    assert tasks.delete_unverified_accounts() == 1
    assert set(User.objects.values_list("email", flat=True)) == {
        "reciente@uvas.pe",
        "verificada@uvas.pe",
        "staff@tradeportal.test",
    }
    schedule = settings.CELERY_BEAT_SCHEDULE["delete-unverified-accounts"]
    assert schedule["task"] == "companies.tasks.delete_unverified_accounts"
    assert services.delete_unverified_accounts(now=now + timedelta(hours=1, minutes=1)) == 1


def test_an_unverified_member_of_a_company_is_kept():
    member = UserFactory(email="miembro@uvas.pe")
    MembershipFactory(user=member, company=CompanyFactory())
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days=60))
    assert services.delete_unverified_accounts() == 0


def test_the_data_export_includes_the_consents(client):
    user = UserFactory()
    client.force_login(user)
    data = client.get("/companies/privacy/?download=1").json()
    assert [c["version"] for c in data["privacy_consents"]] == [1]


def test_the_notice_names_the_responsible_party_configured_by_the_operator(client, settings):
    settings.PRIVACY_RESPONSIBLE_NAME = "Promotora de Comercio Exterior, A.C."
    settings.PRIVACY_RESPONSIBLE_ADDRESS = "Av. Paseo de la Reforma 100, 06600 Ciudad de México"
    settings.PRIVACY_CONTACT_EMAIL = "arco@promotora.example.mx"
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "Promotora de Comercio Exterior, A.C." in page
    assert "Av. Paseo de la Reforma 100, 06600 Ciudad de México" in page
    assert 'href="mailto:arco@promotora.example.mx"' in page
    assert "PLACEHOLDER" not in page and "marcador de posición" not in page
    assert privacy.check_responsible_party() == []


def test_a_placeholder_responsible_party_is_labelled_and_warned_in_production(client, settings):
    settings.PRIVACY_RESPONSIBLE_NAME = "[PLACEHOLDER] Legal name of the operator"
    settings.PRIVACY_CONTACT_EMAIL = "arco@placeholder.invalid"
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "[PLACEHOLDER] Legal name of the operator" in page
    assert "Marcador de posición:" in page
    settings.DEBUG = False
    [warning] = privacy.check_responsible_party()
    assert warning.id == "tradeportal.W001"
    left = "PRIVACY_RESPONSIBLE_NAME, PRIVACY_RESPONSIBLE_ADDRESS, PRIVACY_CONTACT_EMAIL not set"
    assert left in warning.msg
    settings.DEBUG = True
    assert privacy.check_responsible_party() == []

"""Introductions: accepting an interest shows each firm the other's contact card (by email and on
the introduction page), to nobody else; withdrawing hides the cards again."""

import pytest
from django.core import mail

from opportunities.matching import interests
from opportunities.models import Interest
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    seller = CompanyFactory(
        region__code="PE-LIM",
        legal_name="Uvas del Sur S.A.C.",
        contact_name="Rosa Quispe",
        contact_role="Jefa de exportaciones",
        contact_email="rosa@uvas.pe",
        contact_phone="+51 987 654 321",
        contact_languages=["es", "en"],
    )
    buyer = CompanyFactory(
        region__code="MX-CMX",
        legal_name="Supermercados del Centro",
        contact_name="Luis Ortega",
        contact_email="luis@super.mx",
        contact_phone="+52 55 1234 5678",
    )
    seller_user = MembershipFactory(
        company=seller, user=UserFactory(email="ventas@uvas.pe", language="es")
    ).user
    buyer_user = MembershipFactory(
        company=buyer, user=UserFactory(email="compras@super.mx", language="es")
    ).user
    return seller, buyer, seller_user, buyer_user


def accepted(pair) -> Interest:
    seller, buyer, seller_user, _buyer_user = pair
    interest = interests.express_interest(company=seller, user=seller_user, target_company=buyer)
    send_queued()
    mail.outbox.clear()
    return interests.answer_interest(
        interest=interest, company=buyer, accept=True, reason="Con gusto, escríbanos"
    )


def test_acceptance_emails_each_side_the_others_contact_card(pair):
    accepted(pair)
    send_queued()
    assert len(mail.outbox) == 2
    to_seller = next(m for m in mail.outbox if m.to == ["ventas@uvas.pe"])
    to_buyer = next(m for m in mail.outbox if m.to == ["compras@super.mx"])
    assert to_seller.subject == "Supermercados del Centro aceptó su interés"
    assert "Luis Ortega" in to_seller.body and "+52 55 1234 5678" in to_seller.body
    assert "Con gusto, escríbanos" in to_seller.body
    assert "rosa@uvas.pe" not in to_seller.body
    assert to_buyer.subject == "Ahora está en contacto con Uvas del Sur S.A.C."
    assert "Rosa Quispe, Jefa de exportaciones" in to_buyer.body
    assert "Idiomas: Español, English" in to_buyer.body
    assert "/introductions/" in to_buyer.body


def test_the_card_shows_only_to_the_two_firms_and_never_on_the_public_page(pair, client):
    interest = accepted(pair)
    seller, _buyer, seller_user, buyer_user = pair
    client.force_login(buyer_user)
    page = client.get(f"/introductions/{interest.pk}/").content.decode()
    assert "Rosa Quispe" in page and "rosa@uvas.pe" in page
    client.force_login(seller_user)
    assert "luis@super.mx" in client.get(f"/introductions/{interest.pk}/").content.decode()
    assert "rosa@uvas.pe" not in client.get(f"/companies/{seller.pk}/").content.decode()
    stranger = MembershipFactory(company=CompanyFactory(region__code="MX-CMX")).user
    client.force_login(stranger)
    assert client.get(f"/introductions/{interest.pk}/").status_code == 404
    client.logout()
    assert "rosa@uvas.pe" not in client.get(f"/companies/{seller.pk}/").content.decode()


def test_a_pending_or_declined_interest_shows_no_card(pair, client):
    seller, buyer, seller_user, buyer_user = pair
    interest = interests.express_interest(company=seller, user=seller_user, target_company=buyer)
    client.force_login(buyer_user)
    assert client.get(f"/introductions/{interest.pk}/").status_code == 404
    assert "rosa@uvas.pe" not in client.get("/interests/").content.decode()
    interests.answer_interest(interest=interest, company=buyer, accept=False, reason="No")
    assert client.get(f"/introductions/{interest.pk}/").status_code == 404


def test_withdrawing_hides_both_cards_again_and_tells_the_other_side(pair, client):
    interest = accepted(pair)
    _seller, _buyer, seller_user, buyer_user = pair
    client.force_login(seller_user)
    client.post(f"/introductions/{interest.pk}/withdraw/")
    assert Interest.objects.get().withdrawn_at is not None
    page = client.get(f"/introductions/{interest.pk}/").content.decode()
    assert "luis@super.mx" not in page and "Usted se retiró" in page
    client.force_login(buyer_user)
    page = client.get(f"/introductions/{interest.pk}/").content.decode()
    assert "rosa@uvas.pe" not in page and "se retiró de esta presentación" in page
    mail.outbox.clear()
    send_queued()
    [told] = [m for m in mail.outbox if "retiró" in m.subject]
    assert told.to == ["compras@super.mx"]


def test_an_interest_is_answered_once(pair, client):
    interest = accepted(pair)
    _seller, _buyer, _seller_user, buyer_user = pair
    client.force_login(buyer_user)
    response = client.post(f"/interests/{interest.pk}/decline/", follow=True)
    assert "ya fue respondido" in response.content.decode()
    assert Interest.objects.get().status == Interest.Status.ACCEPTED


def test_the_profile_form_takes_the_contact_card_and_checks_the_phone(client):
    company = CompanyFactory(region__code="PE-LIM")
    client.force_login(MembershipFactory(company=company).user)
    data = {
        "contact_name": "Rosa Quispe",
        "contact_email": "rosa@uvas.pe",
        "contact_phone": "llámenme",
        "is_public": "on",
    }
    response = client.post(f"/companies/{company.pk}/setup/3/", data)
    assert "Escriba el teléfono solo con dígitos" in response.content.decode()
    assert "Rosa Quispe" in response.content.decode()  # the form keeps the input
    client.post(f"/companies/{company.pk}/setup/3/", {**data, "contact_phone": "+51 987 654 321"})
    company.refresh_from_db()
    assert (company.contact_name, company.contact_phone) == ("Rosa Quispe", "+51 987 654 321")

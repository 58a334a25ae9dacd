"""What an interest says: the product, the score and its reasons, the sender's profile and message,
in the email and on the interests page; the dashboard's button with a message; a receiver with no
members handed to staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from opportunities.models import Interest
from tests.factories import (
    CompanyFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
)
from tradeportal.models import OutboxEmail
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client):
    company = CompanyFactory(
        region__code="PE-LIM",
        legal_name="Uvas del Sur S.A.C.",
        certifications=["globalgap", "haccp"],
        size="medium",
    )
    client.force_login(MembershipFactory(company=company).user)
    return company


def buyer_request(with_members: bool = True):
    buyer = CompanyFactory(region__code="MX-CMX", legal_name="Supermercados del Centro")
    if with_members:
        MembershipFactory(company=buyer, user=UserFactory(email="compras@super.mx", language="es"))
    return OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        title="Uva red globe",
        hs_code__code="080610",
        deadline=timezone.now() + timedelta(days=20),
    )


def match_on(seller, opportunity):
    reasons = [
        {"key": "buyer_request", "params": {"buyer": "Supermercados del Centro", "code": "080610"}},
        {"key": "product", "params": {"level": "exact", "firm_code": "080610"}},
    ]
    return MatchFactory(company=seller, opportunity=opportunity, score=87.6, reasons=reasons)


def test_the_interest_email_says_what_the_match_is_about_in_the_readers_language(client, seller):
    match = match_on(seller, buyer_request())
    client.post(
        f"/dashboard/matches/{match.pk}/interested/",
        {"message": "Tenemos uva red globe calibre 18+ & certificada", "next": "/dashboard/"},
    )
    send_queued()
    [email] = mail.outbox
    assert email.to == ["compras@super.mx"]
    assert email.subject == ("Uvas del Sur S.A.C. quiere hacer negocios con ustedes (SA 080610)")
    body = email.body
    assert "Producto: Producto 080610 (SA 080610)" in body
    assert "Puntaje de la coincidencia: 88/100" in body
    assert "Supermercados del Centro quiere comprar Producto 080610 (SA 080610)." in body
    assert "Uvas del Sur S.A.C. · Perú, Lima · Mediana (51-250 empleados)" in body
    assert "GlobalG.A.P., HACCP" in body
    assert "“Tenemos uva red globe calibre 18+ & certificada”" in body
    assert f"/companies/{seller.pk}/" in body
    html = email.alternatives[0][0]
    assert "calibre 18+ &amp; certificada" in html and "88/100" in html


def test_the_dashboard_button_takes_a_message_and_returns_to_the_same_card(client, seller):
    match = match_on(seller, buyer_request())
    page = client.get("/dashboard/?kind=opportunity").content.decode()
    assert f'id="match-{match.pk}"' in page and 'name="message"' in page
    response = client.post(
        f"/dashboard/matches/{match.pk}/interested/",
        {"message": "Enviamos muestras", "next": "/dashboard/?kind=opportunity"},
    )
    assert response.url == f"/dashboard/?kind=opportunity#match-{match.pk}"
    assert Interest.objects.get().message == "Enviamos muestras"


def test_the_dashboard_never_redirects_to_another_site(client, seller):
    match = match_on(seller, buyer_request())
    response = client.post(
        f"/dashboard/matches/{match.pk}/dismiss/", {"next": "https://evil.example/"}
    )
    assert response.url == f"/dashboard/#match-{match.pk}"


def test_the_receiver_sees_the_same_details_on_the_interests_page(client, seller):
    opportunity = buyer_request()
    match = match_on(seller, opportunity)
    client.post(f"/dashboard/matches/{match.pk}/interested/", {"message": "<b>Hola</b>"})
    client.force_login(opportunity.company.memberships.get().user)
    page = client.get("/interests/").content.decode()
    assert "88/100" in page and "Producto 080610" in page and "HACCP" in page
    assert "&lt;b&gt;Hola&lt;/b&gt;" in page and "<b>Hola</b>" not in page
    assert "Mediana (51-250 empleados)" in page


def test_an_interest_in_a_buyer_without_members_goes_to_staff_and_says_so(client, seller):
    UserFactory(email="staff@tradeportal.test", is_staff=True, language="es")
    match = match_on(seller, buyer_request(with_members=False))
    response = client.post(f"/dashboard/matches/{match.pk}/interested/", follow=True)
    assert "no tiene miembros en TradePortal" in response.content.decode()
    interest = Interest.objects.get()
    assert interest.via_staff
    [email] = OutboxEmail.objects.filter(template="interest-staff")
    assert email.to_email == "staff@tradeportal.test"
    send_queued()
    [sent] = mail.outbox
    assert "Supermercados del Centro" in sent.subject and "sin miembros" in sent.subject
    assert f"/admin/opportunities/interest/{interest.pk}/change/" in sent.body
    assert "nuestro personal" in client.get("/interests/").content.decode()


def test_a_buyer_with_members_is_told_directly_not_staff(client, seller):
    UserFactory(email="staff@tradeportal.test", is_staff=True)
    match = match_on(seller, buyer_request())
    response = client.post(f"/dashboard/matches/{match.pk}/interested/", follow=True)
    assert "Les avisamos que le interesa." in response.content.decode()
    assert not Interest.objects.get().via_staff
    assert not OutboxEmail.objects.filter(template="interest-staff").exists()

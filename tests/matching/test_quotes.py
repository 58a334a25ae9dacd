"""Quotes on buyer requests: verified suppliers send them, the buyer compares them side by side,
shortlists, accepts one (the introduction opens, the request closes) or declines with a reason;
each supplier is told; a request closes at its deadline or after a set number of quotes."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities.matching import quotes
from opportunities.models import Interest, Opportunity, Quote
from tests.api.conftest import token_client
from tests.factories import CompanyFactory, MembershipFactory, OpportunityFactory, UserFactory
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db

TERMS = {
    "unit_price": "2.35",
    "currency": "USD",
    "quantity": "20000",
    "unit": "kg",
    "incoterm": "FOB",
    "lead_time_days": "21",
    "valid_until": (date.today() + timedelta(days=30)).isoformat(),
    "message": "Uva red globe calibre 18+, cajas de 8,2 kg",
}


@pytest.fixture
def buyer_request():
    buyer = CompanyFactory(
        region__code="MX-CMX",
        legal_name="Supermercados del Centro",
        contact_name="Luis Ortega",
        contact_email="luis@super.mx",
    )
    MembershipFactory(company=buyer, user=UserFactory(email="compras@super.mx", language="es"))
    return OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        title="Uva red globe",
        hs_code__code="080610",
        quantity=20000,
        unit="kg",
        deadline=timezone.now() + timedelta(days=20),
    )


def supplier(name: str, email: str, **extra):
    company = CompanyFactory(region__code="PE-LIM", legal_name=name, **extra)
    user = MembershipFactory(company=company, user=UserFactory(email=email, language="es")).user
    return company, user


def send(client, user, request, **changes):
    client.force_login(user)
    return client.post(f"/requests/{request.pk}/quote/", {**TERMS, **changes})


def test_a_verified_supplier_quotes_and_the_buyer_is_told_the_terms(client, buyer_request):
    _uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    response = send(client, user, buyer_request)
    assert response.status_code == 302 and response.url == "/quotes/"
    quote = Quote.objects.get()
    assert (quote.incoterm, quote.lead_time_days, quote.status) == ("FOB", 21, "submitted")
    send_queued()
    [email] = mail.outbox
    assert email.to == ["compras@super.mx"]
    assert email.subject == "Nueva cotización de Uvas del Sur S.A.C. sobre “Uva red globe”"
    assert "Precio unitario: 2,35 USD" in email.body and "Incoterm 2020: FOB" in email.body
    assert "Plazo de entrega: 21 días" in email.body
    assert f"/requests/{buyer_request.pk}/quotes/" in email.body


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"unit_price": "0"}, "El precio debe ser mayor que cero."),
        ({"incoterm": "FAS2"}, "Escoja una opción válida"),
        ({"valid_until": "2020-01-01"}, "La fecha de validez no puede estar en el pasado."),
    ],
)
def test_a_bad_quote_is_refused_with_a_message_and_the_input_kept(
    client, buyer_request, changes, error
):
    _uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    response = send(client, user, buyer_request, **changes)
    page = response.content.decode()
    assert response.status_code == 400 and error in page
    assert "cajas de 8,2 kg" in page
    assert not Quote.objects.exists()


def test_only_verified_suppliers_quote_once_and_never_on_their_own_request(client, buyer_request):
    _pending, user = supplier("Nueva S.A.C.", "nueva@pe.pe", status="pending")
    client.force_login(user)
    page = client.get(f"/requests/{buyer_request.pk}/quote/")
    assert "Solo los proveedores verificados" in page.content.decode()
    send(client, user, buyer_request)
    assert not Quote.objects.exists()

    _uvas, uvas_user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    send(client, uvas_user, buyer_request)
    send(client, uvas_user, buyer_request, unit_price="2.10")
    assert Quote.objects.count() == 1

    own = buyer_request.company.memberships.get().user
    response = send(client, own, buyer_request)
    assert "no puede cotizar su propia solicitud" in response.content.decode()


def test_the_buyer_compares_shortlists_declines_and_accepts_one(client, buyer_request):
    uvas, uvas_user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe", contact_name="Rosa Quispe")
    ica, ica_user = supplier("Frutas de Ica", "ventas@ica.pe")
    tacna, tacna_user = supplier("Agro Tacna", "ventas@tacna.pe")
    send(client, uvas_user, buyer_request)
    send(client, ica_user, buyer_request, unit_price="2.10", currency="PEN", incoterm="CIF")
    send(client, tacna_user, buyer_request, unit_price="2.90")
    mail.outbox.clear()

    client.force_login(buyer_request.company.memberships.get().user)
    page = client.get(f"/requests/{buyer_request.pk}/quotes/").content.decode()
    for text in ("Uvas del Sur S.A.C.", "Frutas de Ica", "2,10 PEN", "CIF", "47000,00 USD"):
        assert text in page
    by = {q.supplier_id: q for q in Quote.objects.all()}
    client.post(f"/quotes/{by[uvas.pk].pk}/shortlist/")
    assert Quote.objects.get(pk=by[uvas.pk].pk).status == "shortlisted"
    client.post(f"/quotes/{by[tacna.pk].pk}/decline/", {"reason": ""})
    assert Quote.objects.get(pk=by[tacna.pk].pk).status == "submitted"
    client.post(f"/quotes/{by[tacna.pk].pk}/decline/", {"reason": "Precio alto"})
    response = client.post(f"/quotes/{by[uvas.pk].pk}/accept/")
    interest = Interest.objects.get(company=uvas, opportunity=buyer_request)
    assert response.url == f"/introductions/{interest.pk}/" and interest.is_introduction
    assert Opportunity.objects.get(pk=buyer_request.pk).status == "closed"
    statuses = {q.supplier_id: q.status for q in Quote.objects.all()}
    assert statuses == {uvas.pk: "accepted", ica.pk: "declined", tacna.pk: "declined"}

    send_queued()
    to = {
        address: [m for m in mail.outbox if m.to == [address]]
        for address in ("ventas@uvas.pe", "ventas@ica.pe", "ventas@tacna.pe", "compras@super.mx")
    }
    [accepted] = to["ventas@uvas.pe"]
    assert accepted.subject == "Supermercados del Centro aceptó su cotización sobre “Uva red globe”"
    assert "Luis Ortega" in accepted.body and "luis@super.mx" in accepted.body
    [declined] = to["ventas@tacna.pe"]
    assert "“Precio alto”" in declined.body
    [other] = to["ventas@ica.pe"]
    assert "El comprador aceptó otra cotización." in other.body
    subjects = {m.subject for m in to["compras@super.mx"]}
    assert "Ahora está en contacto con Uvas del Sur S.A.C." in subjects
    client.force_login(uvas_user)
    assert "luis@super.mx" in client.get(f"/introductions/{interest.pk}/").content.decode()


def test_a_request_closes_after_the_configured_number_of_quotes(client, buyer_request, settings):
    settings.REQUEST_MAX_QUOTES = 2
    for n in range(3):
        _company, user = supplier(f"Proveedor {n}", f"p{n}@pe.pe")
        send(client, user, buyer_request)
    assert Quote.objects.count() == 2
    assert Opportunity.objects.get(pk=buyer_request.pk).status == "closed"


def test_no_quote_after_the_deadline(client, buyer_request):
    Opportunity.objects.filter(pk=buyer_request.pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    _uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    assert "está cerrada" in send(client, user, buyer_request).content.decode()
    assert not Quote.objects.exists()


def test_quotes_are_rate_limited_per_firm(buyer_request, settings):
    settings.QUOTES_PER_HOUR = 1
    uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    data = {
        **TERMS,
        "valid_until": date.today() + timedelta(days=5),
        "unit_price": 2,
        "quantity": 5,
        "lead_time_days": 3,
    }
    quotes.submit_quote(request=buyer_request, supplier=uvas, user=user, data=data)
    other = OpportunityFactory(
        kind="request", company=buyer_request.company, hs_code=buyer_request.hs_code
    )
    with pytest.raises(ValidationError, match="muchas cotizaciones"):
        quotes.submit_quote(request=other, supplier=uvas, user=user, data=data)


def test_another_firm_never_sees_or_answers_the_quotes(client, buyer_request):
    _uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    send(client, user, buyer_request)
    quote = Quote.objects.get()
    assert client.get(f"/requests/{buyer_request.pk}/quotes/").status_code == 404
    assert client.post(f"/quotes/{quote.pk}/accept/").status_code == 404
    assert Quote.objects.get().status == "submitted"


def test_quotes_through_the_api(buyer_request):
    uvas, user = supplier("Uvas del Sur S.A.C.", "ventas@uvas.pe")
    api = token_client(user)
    body = {**TERMS, "request": buyer_request.pk}
    created = api.post(f"/api/v1/my/companies/{uvas.pk}/quotes/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["direction"] == "sent"
    again = api.post(f"/api/v1/my/companies/{uvas.pk}/quotes/", body, format="json")
    assert again.status_code == 400
    buyer = buyer_request.company
    buyer_api = token_client(buyer.memberships.get().user)
    [received] = buyer_api.get(f"/api/v1/my/companies/{buyer.pk}/quotes/").json()["results"]
    assert received["direction"] == "received" and received["incoterm"] == "FOB"
    accept = f"/api/v1/my/companies/{buyer.pk}/quotes/{received['id']}/accept/"
    assert (
        api.post(f"/api/v1/my/companies/{uvas.pk}/quotes/{received['id']}/accept/").status_code
        == 403
    )
    answer = buyer_api.post(accept)
    assert answer.json()["status"] == "accepted" and answer.json()["interest"]

"""Two firms on 375-pixel phones, in Spanish, from a match to a deal: interest with a message,
acceptance, contact cards, a message with a PDF, a quote accepted, and the 30-day outcome answered
in one click; the email of each step is checked."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from opportunities.matching import outcomes
from opportunities.models import Interest, IntroductionOutcome, Message, Quote
from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
    pdf_bytes,
)
from tradeportal.outbox import send_queued

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def firms():
    grapes = HSCodeFactory(code="080610", description_es="Uvas frescas", description_en="Grapes")
    seller = CompanyFactory(
        region__code="PE-LIM",
        legal_name="Uvas del Sur S.A.C.",
        certifications=["globalgap"],
        contact_name="Rosa Quispe",
        contact_role="Jefa de exportaciones",
        contact_email="rosa@uvas.pe",
        contact_phone="+51 987 654 321",
    )
    buyer = CompanyFactory(
        region__code="MX-CMX",
        legal_name="Supermercados del Centro",
        contact_name="Luis Ortega",
        contact_email="luis@super.mx",
        contact_phone="+52 55 1234 5678",
    )
    users = {}
    for company, email in ((seller, "ventas@uvas.pe"), (buyer, "compras@super.mx")):
        user = UserFactory(email=email, language="es")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        MembershipFactory(company=company, user=user)
        users[company.pk] = user
    request = OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        title="Uva red globe para supermercados",
        hs_code=grapes,
        quantity=20000,
        unit="kg",
        deadline=timezone.now() + timedelta(days=30),
    )
    reasons = [
        {"key": "buyer_request", "params": {"buyer": "Supermercados del Centro", "code": "080610"}},
        {"key": "product", "params": {"level": "exact", "firm_code": "080610"}},
    ]
    match = MatchFactory(company=seller, opportunity=request, score=88, reasons=reasons)
    return seller, buyer, users[seller.pk], users[buyer.pk], request, match


def signed_in(browser, live_server, user):
    """A 375-pixel Spanish phone already signed in as `user` (the session of a test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="es-MX")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def emails_to(address: str) -> list:
    send_queued()
    return [m for m in mail.outbox if m.to == [address]]


def fits_the_phone(page) -> bool:
    """Nothing sticks out sideways on a 375-pixel screen (the page does not scroll sideways)."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376)
            .filter(e => !e.closest('.table-scroll, .main-nav, .site-menu'))
            .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    assert not wide, wide
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def site_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_two_firms_go_from_a_match_to_a_deal_on_their_phones(browser, live_server, firms, tmp_path):
    seller, _buyer, seller_user, buyer_user, request, match = firms
    rosa = signed_in(browser, live_server, seller_user)
    luis = signed_in(browser, live_server, buyer_user)

    # 1. Rosa says "Me interesa" with a message, and comes back to the same card.
    rosa.goto(f"{live_server.url}/dashboard/")
    card = rosa.locator(f"#match-{match.pk}")
    card.get_by_text("Agregar un mensaje (opcional)").click()
    card.get_by_label("Mensaje para la otra empresa").fill("Tenemos uva red globe calibre 18+.")
    card.get_by_role("button", name="Me interesa").click()
    rosa.wait_for_url(re.compile(rf"/dashboard/#match-{match.pk}$"))
    rosa.get_by_text("Les avisamos que le interesa.").wait_for()
    assert fits_the_phone(rosa)
    [received] = emails_to("compras@super.mx")
    assert "quiere hacer negocios con ustedes (SA 080610)" in received.subject
    assert "Puntaje de la coincidencia: 88/100" in received.body
    assert "“Tenemos uva red globe calibre 18+.”" in received.body

    # 2. Luis accepts; both get the other's contact card by email and on the page.
    luis.goto(f"{live_server.url}/interests/")
    luis.get_by_label("Motivo breve (opcional)").first.fill("Con gusto, escríbanos")
    luis.get_by_role("button", name="Aceptar").first.click()
    luis.wait_for_url(re.compile(r"/introductions/\d+/$"))
    luis.get_by_text("rosa@uvas.pe").wait_for()
    assert fits_the_phone(luis)
    interest = Interest.objects.get()
    [answered] = emails_to("ventas@uvas.pe")
    assert answered.subject == "Supermercados del Centro aceptó su interés"
    assert "Luis Ortega" in answered.body and "+52 55 1234 5678" in answered.body
    [made] = [m for m in emails_to("compras@super.mx") if "contacto" in m.subject]
    assert "Rosa Quispe, Jefa de exportaciones" in made.body
    mail.outbox.clear()

    # 3. Rosa writes with her PDF catalogue; Luis sees it counted, opens it and downloads the PDF.
    rosa.goto(
        live_server.url
        + site_path(re.search(r"http\S+/introductions/\d+/", answered.body).group(0))
    )
    rosa.get_by_text("luis@super.mx").wait_for()
    catalogue = tmp_path / "catalogo-uvas-2026.pdf"
    catalogue.write_bytes(pdf_bytes(2))
    rosa.get_by_label("Su mensaje").fill("Le adjunto nuestro catálogo con precios FOB Callao.")
    rosa.get_by_label("Adjuntar un PDF (opcional)").set_input_files(str(catalogue))
    rosa.get_by_role("button", name="Enviar", exact=True).click()
    rosa.get_by_text("Mensaje enviado.").wait_for()
    assert Message.objects.get().attachment_name == "catalogo-uvas-2026.pdf"
    [told] = emails_to("compras@super.mx")
    assert told.subject == "Nuevo mensaje de Uvas del Sur S.A.C."
    assert "“Le adjunto nuestro catálogo con precios FOB Callao.”" in told.body
    luis.goto(f"{live_server.url}/dashboard/")
    assert luis.locator(".nav-count").first.inner_text() == "1"
    luis.goto(live_server.url + site_path(re.search(r"http\S+#reply", told.body).group(0)))
    with luis.expect_download() as download:
        luis.get_by_role("link", name=re.compile("catalogo-uvas-2026.pdf")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert fits_the_phone(luis)
    mail.outbox.clear()

    # 4. Rosa quotes on the request; Luis compares and accepts it.
    rosa.goto(f"{live_server.url}/opportunities/{request.pk}/")
    rosa.get_by_role("link", name="Enviar una cotización").click()
    rosa.get_by_label("Precio unitario").fill("2.35")
    rosa.get_by_label("Moneda").select_option("USD")
    rosa.get_by_label("Cantidad").fill("20000")
    rosa.get_by_label("Incoterm 2020").select_option("FOB")
    rosa.get_by_label("Plazo de entrega (días)").fill("21")
    rosa.get_by_label("Válida hasta").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    rosa.get_by_label("Mensaje").fill("Cajas de 8,2 kg, embarque semanal.")
    rosa.get_by_role("button", name="Enviar la cotización").click()
    rosa.get_by_text("Su cotización fue enviada al comprador.").wait_for()
    [quoted] = emails_to("compras@super.mx")
    assert "Nueva cotización de Uvas del Sur S.A.C." in quoted.subject
    assert "Incoterm 2020: FOB" in quoted.body
    luis.goto(live_server.url + site_path(re.search(r"http\S+/quotes/", quoted.body).group(0)))
    luis.get_by_text("2,35 USD").wait_for()
    luis.get_by_role("button", name="Aceptar esta cotización").click()
    luis.wait_for_url(re.compile(rf"/introductions/{interest.pk}/$"))
    assert Quote.objects.get().status == "accepted"
    [accepted] = emails_to("ventas@uvas.pe")
    assert accepted.subject == (
        "Supermercados del Centro aceptó su cotización sobre “Uva red globe para supermercados”"
    )
    assert "luis@super.mx" in accepted.body
    mail.outbox.clear()

    # 5. Thirty days later Rosa answers in one click, then adds the value band.
    assert outcomes.ask_outcomes(now=timezone.now() + timedelta(days=31)) == 1
    [asked] = emails_to("ventas@uvas.pe")
    assert asked.subject == "¿Esta presentación generó negocios?"
    yes = re.search(r"http\S+\?answer=yes", asked.body).group(0)
    rosa.goto(live_server.url + site_path(yes))
    rosa.get_by_text("Su respuesta quedó guardada: Sí, hicimos negocios.").wait_for()
    rosa.get_by_label("Valor aproximado (opcional)").select_option("50k-250k")
    rosa.get_by_role("button", name="Guardar").click()
    rosa.get_by_text("Gracias: su respuesta quedó guardada.").wait_for()
    assert fits_the_phone(rosa)
    row = IntroductionOutcome.objects.get(company=seller)
    assert (row.answer, row.value_band) == ("yes", "50k-250k")
    rosa.context.close()
    luis.context.close()

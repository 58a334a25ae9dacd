"""The interests page: what the firm sent and received, their answers, outcomes and unread
messages, read in a bounded number of queries."""

import pytest

from opportunities.matching import conversations, interests
from opportunities.models import Interest
from tests.factories import CompanyFactory, MembershipFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(client):
    company = CompanyFactory(region__code="PE-LIM", legal_name="Uvas del Sur S.A.C.")
    client.force_login(MembershipFactory(company=company).user)
    return company


def buyer(name: str):
    company = CompanyFactory(region__code="MX-CMX", legal_name=name)
    MembershipFactory(company=company)
    return company


def section(page: str, title_id: str) -> str:
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)]


def article(page: str, interest: Interest) -> str:
    start = page.index(f'id="interest-{interest.pk}"')
    return page[start : page.index("</article>", start)]


def test_the_page_shows_what_was_sent_and_received_with_names_answers_and_actions(client, firm):
    # given an interest in a request, an accepted one in a firm, and two received
    market = buyer("Supermercados del Centro")
    request = OpportunityFactory(kind="request", company=market, market_country="MX", title="")
    in_request = interests.express_interest(company=firm, user=None, opportunity=request)
    importer = CompanyFactory(region__code="MX-CMX", legal_name="Importadora X", trade_name="Impo")
    in_firm = interests.express_interest(company=firm, user=None, target_company=importer)
    interests.answer_interest(interest=in_firm, company=importer, accept=True, reason="Hablemos")
    own = OpportunityFactory(kind="request", company=firm, title="Cajas de cartón")
    by_request = interests.express_interest(
        company=buyer("Cartones del Norte"), user=None, opportunity=own, message="Tenemos"
    )
    direct = interests.express_interest(
        company=buyer("Frutas del Bajío"), user=None, target_company=firm
    )
    # when the firm opens its interests
    page = client.get("/interests/").content.decode()
    # then each list holds its own, named, with its status and what can be done
    received, sent = section(page, "received-title"), section(page, "sent-title")
    assert f"interest-{in_request.pk}" in sent and f"interest-{in_firm.pk}" in sent
    assert f"interest-{by_request.pk}" in received and f"interest-{direct.pk}" in received
    shown = article(page, in_request)
    assert f'<a href="/opportunities/{request.pk}/">Producto 852852</a>' in shown
    assert "Esperando respuesta" in shown and "/outcome/" not in shown
    shown = article(page, in_firm)
    assert "Impo · Aceptado: Hablemos" in shown
    assert f'href="/introductions/{in_firm.pk}/"' in shown and "¿Generó negocios?" in shown
    shown = article(page, by_request)
    assert "<strong>Cartones del Norte</strong> — Cajas de cartón · Esperando respuesta" in shown
    assert "Tenemos" in shown and f'action="/interests/{by_request.pk}/accept/"' in shown
    assert f'formaction="/interests/{by_request.pk}/decline/"' in shown
    assert "<strong>Frutas del Bajío</strong> — su empresa" in article(page, direct)


def test_an_introduction_shows_its_unread_messages_until_they_are_read(client, firm):
    importer = buyer("Importadora X")
    interest = interests.express_interest(company=firm, user=None, target_company=importer)
    interests.answer_interest(interest=interest, company=importer, accept=True)
    for text in ("Uno", "Dos"):
        conversations.post_message(interest=interest, company=importer, user=None, body=text)
    assert '<span class="nav-count">2</span>' in article(
        client.get("/interests/").content.decode(), interest
    )
    client.get(f"/introductions/{interest.pk}/")
    assert "nav-count" not in article(client.get("/interests/").content.decode(), interest)


def test_the_page_reads_a_bounded_number_of_queries(client, firm, django_assert_max_num_queries):
    own = OpportunityFactory(kind="request", company=firm, market_country="PE")
    for n in range(6):
        other = buyer(f"Empresa {n}")
        interests.express_interest(company=firm, user=None, target_company=other)
        interests.express_interest(company=other, user=None, target_company=firm)
        interests.express_interest(company=other, user=None, opportunity=own)
        request = OpportunityFactory(kind="request", company=other, market_country="MX")
        interests.express_interest(company=firm, user=None, opportunity=request)
    client.get("/interests/")
    # The session and user, the company (shared with the menu), the interests sent and received
    # (one query), the received ones' matches and HS names, the unread counts (one query, the
    # menu's badge being their sum).
    with django_assert_max_num_queries(7):
        client.get("/interests/")

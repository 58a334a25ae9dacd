"""The company dashboard and the "me interesa" flow."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from opportunities.matching import interests
from opportunities.models import Interest, Match
from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
)
from tradeportal.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client):
    company = CompanyFactory(region__code="PE-LIM", legal_name="Uvas del Sur S.A.C.")
    user = MembershipFactory(company=company).user
    client.force_login(user)
    return company


@pytest.fixture
def request_match(seller):
    buyer = CompanyFactory(region__code="MX-CMX", legal_name="Supermercados del Centro")
    MembershipFactory(company=buyer, user=UserFactory(email="compras@super.mx"))
    opportunity = OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        title="Uva red globe",
        hs_code__code="080610",
        deadline=timezone.now() + timedelta(days=20),
    )
    reasons = [
        {"key": "buyer_request", "params": {"buyer": "Supermercados del Centro", "code": "080610"}}
    ]
    return MatchFactory(company=seller, opportunity=opportunity, score=88, reasons=reasons)


def test_the_dashboard_ranks_matches_and_explains_them(client, seller, request_match):
    MatchFactory(company=seller, score=40, opportunity__hs_code__code="0810")
    MatchFactory(company=seller, score=95, is_stale=True)
    body = client.get("/dashboard/").content.decode()
    page = client.get("/dashboard/").context["page"]
    assert [m["score"] for m in page] == [88, 40]
    assert "Supermercados del Centro quiere comprar" in body


def card(body: str, match) -> str:
    """The HTML of one match's card on the dashboard."""
    start = body.index(f'id="match-{match.pk}"')
    return body[start : body.index("</article>", start)]


def test_a_firm_match_shows_the_firm_its_region_and_why_with_its_actions(client, seller):
    buyer = CompanyFactory(
        region__code="MX-CMX", legal_name="Distribuidora Norte S.A.", trade_name="Norte"
    )
    HSCodeFactory(code="080610", description_es="Uvas frescas", description_en="Fresh grapes")
    reasons = [
        {
            "key": "counterpart",
            "params": {"company": "Norte", "country": "MX", "code": "080610", "role": "buyer"},
        }
    ]
    match = MatchFactory(
        company=seller, kind="buyer", opportunity=None, counterpart=buyer, reasons=reasons
    )
    shown = card(client.get("/dashboard/?kind=buyer").content.decode(), match)
    assert f'<a href="/companies/{buyer.pk}/">Norte</a>' in shown
    assert "Ciudad de México" in shown and "Empresa compradora" in shown and "75/100" in shown
    assert "Norte (México) quiere importar Uvas frescas (SA 080610)." in shown
    assert f'action="/dashboard/matches/{match.pk}/interested/"' in shown
    assert f'action="/dashboard/matches/{match.pk}/dismiss/"' in shown
    assert 'name="next" value="/dashboard/?kind=buyer"' in shown
    shown = card(client.get("/en/dashboard/").content.decode(), match)
    assert "Norte (Mexico) wants to import Fresh grapes (HS 080610)." in shown


def test_an_opportunity_without_a_title_is_named_by_its_product_and_demo_data_says_so(
    client, seller
):
    match = MatchFactory(
        company=seller,
        opportunity__title="",
        opportunity__is_demo=True,
        opportunity__hs_code__code="0810",
    )
    shown = card(client.get("/dashboard/").content.decode(), match)
    assert f'<a href="/opportunities/{match.opportunity_id}/">Producto 0810</a>' in shown
    assert "Datos de demostración (sintéticos)" in shown
    shown = card(client.get("/en/dashboard/").content.decode(), match)
    assert "Product 0810</a>" in shown and "Demo data (synthetic)" in shown


def test_an_interested_match_says_so_and_a_dismissed_one_can_be_restored(
    client, seller, request_match
):
    client.get("/dashboard/")
    assert "/interested/" in card(client.get("/dashboard/").content.decode(), request_match)
    request_match.status = Match.Status.INTERESTED
    request_match.save()
    shown = card(client.get("/dashboard/").content.decode(), request_match)
    assert "Me interesa</span>" in shown and "/interested/" not in shown
    request_match.status = Match.Status.DISMISSED
    request_match.save()
    shown = card(client.get("/dashboard/?show=dismissed").content.decode(), request_match)
    assert f'action="/dashboard/matches/{request_match.pk}/restore/"' in shown
    assert "/dismiss/" not in shown and "Recuperar" in shown


def test_a_cards_forms_carry_each_visitors_own_token_and_return_path(seller, request_match):
    # given a card rendered and stored for one member, then served to another from the cache
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(seller.memberships.get().user)
    second.force_login(MembershipFactory(company=seller).user)
    first.get("/dashboard/")
    shown = card(second.get("/dashboard/?kind=opportunity").content.decode(), request_match)
    # when the second one marks it not relevant with the form's fields
    form = shown[shown.index(f'action="/dashboard/matches/{request_match.pk}/dismiss/"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)[:2])
    response = second.post(f"/dashboard/matches/{request_match.pk}/dismiss/", fields)
    # then the token is theirs and they come back to the page they were on
    assert response.status_code == 302
    assert response.url == f"/dashboard/?kind=opportunity#match-{request_match.pk}"
    assert Match.objects.get(pk=request_match.pk).status == Match.Status.DISMISSED


def test_new_matches_since_the_last_visit_are_highlighted(client, seller, request_match):
    assert "match-new" in client.get("/dashboard/").content.decode()
    assert "match-new" not in client.get("/dashboard/").content.decode()


def test_a_dismissed_match_leaves_the_list_and_can_be_restored(client, seller, request_match):
    client.post(f"/dashboard/matches/{request_match.pk}/dismiss/")
    assert not client.get("/dashboard/").context["page"].object_list
    assert len(client.get("/dashboard/", {"show": "dismissed"}).context["page"]) == 1
    client.post(f"/dashboard/matches/{request_match.pk}/restore/")
    assert Match.objects.get(pk=request_match.pk).status == Match.Status.SEEN


def test_interest_in_a_buyer_request_tells_the_buyer_once(client, seller, request_match):
    client.post(f"/dashboard/matches/{request_match.pk}/interested/")
    client.post(f"/opportunities/{request_match.opportunity_id}/interest/")
    assert Interest.objects.count() == 1
    assert Match.objects.get(pk=request_match.pk).status == Match.Status.INTERESTED
    email = OutboxEmail.objects.get(template="interest-received")
    assert email.to_email == "compras@super.mx" and email.context["from"] == "Uvas del Sur S.A.C."


def test_the_buyer_accepts_with_a_reason_and_the_seller_is_told(client, seller, request_match):
    client.post(f"/dashboard/matches/{request_match.pk}/interested/")
    interest = Interest.objects.get()
    client.force_login(request_match.opportunity.company.memberships.get().user)
    client.post(f"/interests/{interest.pk}/accept/", {"reason": "Envíen muestras"})
    interest.refresh_from_db()
    assert (
        interest.status == Interest.Status.ACCEPTED and interest.answer_reason == "Envíen muestras"
    )
    assert OutboxEmail.objects.filter(template="interest-answered").exists()


def test_the_interested_side_cannot_answer_its_own_interest(client, seller, request_match):
    client.post(f"/dashboard/matches/{request_match.pk}/interested/")
    interest = Interest.objects.get()
    client.post(f"/interests/{interest.pk}/accept/")
    assert Interest.objects.get().status == Interest.Status.PENDING


def test_a_week_without_answer_sends_one_reminder_and_a_month_after_asks_the_outcome(
    seller, request_match
):
    interest = interests.express_interest(
        company=seller, user=None, opportunity=request_match.opportunity
    )
    Interest.objects.filter(pk=interest.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert interests.send_reminders() == 1 and interests.send_reminders() == 0
    assert OutboxEmail.objects.filter(template="interest-reminder").count() == 1
    Interest.objects.filter(pk=interest.pk).update(
        status="accepted", answered_at=timezone.now() - timedelta(days=31)
    )
    assert interests.ask_outcomes() == 1
    assert OutboxEmail.objects.filter(template="interest-outcome").count() == 2  # both sides


def test_another_companys_match_cannot_be_touched(client, seller):
    other = MatchFactory(company=CompanyFactory(region__code="MX-CMX"))
    assert client.post(f"/dashboard/matches/{other.pk}/dismiss/").status_code == 404
    assert Match.objects.get(pk=other.pk).status == Match.Status.NEW


def test_the_dashboard_uses_a_bounded_number_of_queries(
    client, seller, request_match, django_assert_max_num_queries
):
    for _ in range(15):
        MatchFactory(company=seller, reasons=request_match.reasons)
    # A first visit, every cache empty: the session and user, the privacy notice and consent,
    # the company (one read shared with the menu), the page's count and matches, the reasons'
    # HS names, the visit's stamp, the filters' sectors and regions (then cached), the next
    # products (their space and the firm's codes), the unread counts, the session's save (3).
    with django_assert_max_num_queries(17):
        client.get("/dashboard/")
    # The next visit: the cached reference choices, the notice accepted in the session; the
    # cards, no longer new, are rendered again (their reasons' HS names read).
    with django_assert_max_num_queries(10):
        client.get("/dashboard/")
    # Then the cards come from the cache: no HS names to read.
    with django_assert_max_num_queries(9):
        client.get("/dashboard/")

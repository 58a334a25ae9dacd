"""Buyer requests: posted by verified companies, moderated by staff, closed at the deadline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.listings import services
from opportunities.models import Opportunity
from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
)
from tradeportal.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    company = CompanyFactory(region__code="MX-CMX", legal_name="Uvas y Más S.A.")
    user = MembershipFactory(company=company).user
    client.force_login(user)
    HSCodeFactory(code="080610", description_es="Uvas frescas", description_en="Grapes; fresh")
    return company


def form(**changes) -> dict:
    deadline = (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    return {
        "title": "Uva red globe para Navidad",
        "description": "Calibre 18+, cajas de 8.2 kg.",
        "hs_code": "080610",
        "quantity": "40",
        "unit": "t",
        "target_price_usd": "2100",
        "incoterm": "CIF",
        "destination": "Manzanillo",
        "deadline": deadline,
        "required_certifications": ["haccp", "globalgap"],
        **changes,
    }


def test_a_verified_company_posts_a_request_that_awaits_moderation(client, buyer):
    response = client.post("/requests/new/", form())
    request = Opportunity.objects.get(kind="request")
    assert response["Location"] == "/requests/"
    assert request.status == Opportunity.Status.PENDING and request.company == buyer
    assert request.market_country == "MX" and request.required_certifications == [
        "haccp",
        "globalgap",
    ]
    assert client.get(request.get_absolute_url()).status_code == 404  # not public yet


def test_a_pending_company_cannot_post_requests(client, buyer):
    buyer.status = "pending"
    buyer.save()
    client.post("/requests/new/", form())
    assert not Opportunity.objects.exists()


def test_a_past_deadline_is_refused_and_the_form_keeps_the_input(client, buyer):
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    body = client.post("/requests/new/", form(deadline=past)).content.decode()
    assert "La fecha límite debe estar en el futuro" in body
    assert "Uva red globe para Navidad" in body and not Opportunity.objects.exists()


def test_staff_publish_a_request_and_the_buyer_is_told(client, buyer):
    client.post("/requests/new/", form())
    services.moderate(opportunities=Opportunity.objects.all(), publish=True)
    request = Opportunity.objects.get()
    assert request.status == "published" and request.published_at
    assert OutboxEmail.objects.filter(template="request-moderated").count() == 1
    assert "Uva red globe" in client.get("/opportunities/", {"q": "uva"}).content.decode()


def test_requests_past_their_deadline_are_closed_not_deleted(client, buyer):
    client.post("/requests/new/", form())
    services.moderate(opportunities=Opportunity.objects.all(), publish=True)
    Opportunity.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    assert services.close_expired_requests() == 1
    request = Opportunity.objects.get()
    assert request.status == "closed" and request.closed_at
    assert OutboxEmail.objects.filter(template="request-closed").exists()


def test_another_company_cannot_edit_or_close_a_request(client, buyer):
    client.post("/requests/new/", form())
    request = Opportunity.objects.get()
    intruder = MembershipFactory(company=CompanyFactory(region__code="PE-LIM")).user
    client.force_login(intruder)
    assert client.get(f"/requests/{request.pk}/edit/").status_code == 404
    assert client.post(f"/requests/{request.pk}/close/").status_code == 404
    assert Opportunity.objects.get().status == "pending"


def test_a_user_without_a_company_gets_not_found(client, buyer):
    client.force_login(UserFactory())
    assert client.get("/requests/new/").status_code == 404


def test_staff_reject_a_request_in_the_admin_with_a_reason_the_buyer_receives(client, buyer):
    client.post("/requests/new/", form())
    request = Opportunity.objects.get()
    client.force_login(
        UserFactory(email="moderadora@tradeportal.test", is_staff=True, is_superuser=True)
    )
    action = {"action": "reject", "_selected_action": [request.pk]}
    asked = client.post("/admin/opportunities/opportunity/", action)
    assert asked.status_code == 200 and "Uva red globe para Navidad" in asked.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"  # nothing happens until staff give the reason

    reason = "Indica el calibre en milímetros, no en números."
    done = client.post("/admin/opportunities/opportunity/", {**action, "reason": reason})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and request.moderation_note == reason
    email = OutboxEmail.objects.get(template="request-moderated")
    assert email.context["note"] == reason


def test_the_list_of_requests_shows_each_with_its_status_and_actions_in_few_queries(
    client, buyer, django_assert_max_num_queries
):
    published = OpportunityFactory(
        kind="request", company=buyer, market_country="MX", hs_code_id="080610", title=""
    )
    rejected = OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        title="Uva sin semilla",
        status="rejected",
        moderation_note="Falta la cantidad",
    )
    closed = OpportunityFactory(
        kind="request", company=buyer, market_country="MX", title="Cajas", status="closed"
    )
    client.get("/requests/")
    # the session and user, the company (shared with the menu), the requests, the unread count
    with django_assert_max_num_queries(5):
        page = client.get("/requests/").content.decode()
    assert f'<a href="/opportunities/{published.pk}/">Uvas frescas</a>' in page
    assert "Uva sin semilla</th>" in page and "Rechazado: Falta la cantidad" in page
    assert f'href="/requests/{rejected.pk}/edit/"' in page
    assert f'href="/requests/{closed.pk}/quotes/"' in page
    assert f"/requests/{closed.pk}/edit/" not in page
    assert f"/requests/{closed.pk}/close/" not in page

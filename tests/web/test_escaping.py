"""User-written text is shown as text everywhere: a script typed into a profile, a buyer request
or an interest message never runs, on the site or in an email."""

import pytest
from django.core import mail

from companies.context_processors import SESSION_KEY
from opportunities.matching.interests import express_interest
from opportunities.models import Opportunity
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def assert_shown_as_text(html: str, where: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html, f"markup runs in {where}"
    assert "&lt;script&gt;alert(" in html, f"the text itself is missing from {where}"


def test_hostile_text_is_escaped_on_every_page_and_in_emails(
    client, django_capture_on_commit_callbacks
):
    lima = RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    cdmx = RegionFactory(code="MX-CMX", country="MX", name="Ciudad de México", national_code="09")
    grapes = HSCodeFactory(code="0806")
    buyer = CompanyFactory(
        legal_name=f"Compradora {HOSTILE}",
        trade_name=HOSTILE,
        city=HOSTILE,
        description=HOSTILE,
        other_certifications=HOSTILE,
        region=cdmx,
        is_public=True,
    )
    CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
    request = OpportunityFactory(
        kind=Opportunity.Kind.REQUEST,
        company=buyer,
        market_country="MX",
        hs_code=grapes,
        title=f"Uvas {HOSTILE}",
        description=HOSTILE,
        destination=HOSTILE,
        unit=HOSTILE[:30],
    )
    buyer_user = UserFactory(email="compras@uvas.mx")
    MembershipFactory(user=buyer_user, company=buyer)
    supplier = CompanyFactory(legal_name="Uvas del Sur S.A.C.", region=lima)
    supplier_user = UserFactory(email="ventas@uvas.pe")
    MembershipFactory(user=supplier_user, company=supplier)
    MatchFactory(
        company=supplier,
        opportunity=request,
        reasons=[{"key": "free", "text": HOSTILE}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        express_interest(company=supplier, user=supplier_user, opportunity=request, message=HOSTILE)

    public = {
        "the directory": "/companies/?q=Compradora",
        "the company page": f"/companies/{buyer.pk}/",
        "the browse page": "/opportunities/?kind=request",
        "the opportunity page": f"/opportunities/{request.pk}/",
    }
    for where, url in public.items():
        assert_shown_as_text(client.get(url).content.decode(), where)

    client.force_login(supplier_user)
    session = client.session
    session[SESSION_KEY] = supplier.pk
    session.save()
    assert_shown_as_text(client.get("/dashboard/").content.decode(), "the dashboard")
    assert_shown_as_text(client.get("/interests/").content.decode(), "the sent interests")

    client.force_login(buyer_user)
    session = client.session
    session[SESSION_KEY] = buyer.pk
    session.save()
    for where, url in {
        "the profile": f"/companies/{buyer.pk}/profile/",
        "the received interests": "/interests/",
        "the buyer's requests": "/requests/",
    }.items():
        assert_shown_as_text(client.get(url).content.decode(), where)

    emails = [message for message in mail.outbox if message.alternatives]
    assert emails, "the interest should have been emailed to the buyer"
    for message in emails:
        assert_shown_as_text(message.alternatives[0][0], f"the email {message.subject!r}")

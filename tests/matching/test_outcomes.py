"""Outcomes: both firms asked at 30 and 90 days in one click; the answers make the public results
on the home and sector pages (never a firm's name) and the staff report with CSV export."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from opportunities.matching import interests, outcomes
from opportunities.models import Interest, IntroductionOutcome
from tests.api.conftest import token_client
from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    SectorFactory,
    UserFactory,
)
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro():
    agro = SectorFactory(slug="agroindustria", name_es="Agroindustria")
    seller = CompanyFactory(region__code="PE-LIM", legal_name="Uvas del Sur S.A.C.")
    buyer = CompanyFactory(region__code="MX-CMX", legal_name="Supermercados del Centro")
    MembershipFactory(company=seller, user=UserFactory(email="ventas@uvas.pe", language="es"))
    MembershipFactory(company=buyer, user=UserFactory(email="buyer@super.mx", language="en"))
    request = OpportunityFactory(
        kind="request", company=buyer, sector=agro, title="Uva red globe", hs_code__code="080610"
    )
    interest = interests.express_interest(company=seller, user=None, opportunity=request)
    interests.answer_interest(interest=interest, company=buyer, accept=True)
    send_queued()
    mail.outbox.clear()
    return interest


def links_in(body: str) -> dict[str, str]:
    return {
        m.group(2): m.group(1) for m in re.finditer(r"(http\S+/outcomes/\S+/\?answer=(\w+))", body)
    }


def test_both_firms_are_asked_at_30_and_at_90_days_once_each(intro):
    assert outcomes.ask_outcomes(now=timezone.now() + timedelta(days=29)) == 0
    day31 = timezone.now() + timedelta(days=31)
    assert outcomes.ask_outcomes(now=day31) == 1
    assert outcomes.ask_outcomes(now=day31) == 0
    send_queued()
    spanish = next(m for m in mail.outbox if m.to == ["ventas@uvas.pe"])
    english = next(m for m in mail.outbox if m.to == ["buyer@super.mx"])
    assert spanish.subject == "¿Esta presentación generó negocios?"
    assert "Hace 30 días Uvas del Sur S.A.C. fue presentada a Supermercados del Centro" in (
        spanish.body
    )
    assert set(links_in(spanish.body)) == {"no", "talking", "yes"}
    assert "/en/outcomes/" in english.body
    mail.outbox.clear()
    day91 = timezone.now() + timedelta(days=91)
    assert outcomes.ask_outcomes(now=day91) == 1
    assert outcomes.ask_outcomes(now=day91) == 0
    send_queued()
    assert len(mail.outbox) == 2 and "Hace 90 días" in next(
        m.body for m in mail.outbox if m.to == ["ventas@uvas.pe"]
    )


def test_one_click_records_the_answer_then_the_page_takes_value_and_product(client, intro):
    outcomes.ask_outcomes(now=timezone.now() + timedelta(days=31))
    send_queued()
    body = next(m.body for m in mail.outbox if m.to == ["ventas@uvas.pe"])
    yes = links_in(body)["yes"].split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    page = client.get(yes)
    assert page.status_code == 200
    row = IntroductionOutcome.objects.get(company=intro.company)
    assert row.answer == "yes" and Interest.objects.get().outcome == "business"
    assert "Su respuesta quedó guardada" in page.content.decode()
    path = yes.split("?")[0]
    bad = client.post(path, {"answer": "yes", "value_band": "50k-250k", "product": "999999"})
    assert "No conocemos el código SA 999999" in bad.content.decode()
    HSCodeFactory(code="080610")
    client.post(path, {"answer": "yes", "value_band": "50k-250k", "product": "080610"})
    row.refresh_from_db()
    assert (row.value_band, row.product_id) == ("50k-250k", "080610")
    assert client.get(path[:-3] + "xyz/").status_code == 404


def test_the_public_results_show_totals_on_home_and_sector_pages_never_a_name(client, intro):
    outcomes.ask_outcomes(now=timezone.now() + timedelta(days=31))
    seller_row = IntroductionOutcome.objects.get(company=intro.company)
    outcomes.record_answer(outcome=seller_row, answer="yes", value_band="50k-250k")
    buyer_row = IntroductionOutcome.objects.exclude(pk=seller_row.pk).get()
    outcomes.record_answer(outcome=buyer_row, answer="talking")
    other = CompanyFactory(region__code="PE-LIM", legal_name="Otra S.A.C.")
    Interest.objects.create(
        company=other,
        target_company=intro.opportunity.company,
        status="accepted",
        answered_at=timezone.now(),
    )
    summary = outcomes.results()
    assert (summary.introductions, summary.deals, summary.talking) == (2, 1, 0)
    assert summary.bands == [("US$ 50 000 a 250 000", 1)]
    for url in ("/", "/sectors/agroindustria/"):
        page = client.get(url).content.decode()
        assert "Resultados informados por las empresas" in page
        assert "US$ 50 000 a 250 000: 1" in page
        assert "Uvas del Sur" not in page and "Supermercados del Centro" not in page
    sector = outcomes.results(intro.opportunity.sector)  # the other introduction has no sector
    assert (sector.introductions, sector.deals) == (1, 1)


def test_staff_export_the_outcomes_as_csv(client, intro):
    outcomes.ask_outcomes(now=timezone.now() + timedelta(days=31))
    row = IntroductionOutcome.objects.get(company=intro.company)
    outcomes.record_answer(outcome=row, answer="no")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/opportunities/introductionoutcome/").status_code == 200
    csv = client.get("/admin/opportunities/introductionoutcome/export/")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().strip().splitlines()
    assert lines[0].startswith("introduction,company,counterpart,after_days,answer")
    assert any(
        line.startswith(f"{intro.pk},Uvas del Sur S.A.C.,Supermercados del Centro,30,no,")
        for line in lines[1:]
    )
    client.force_login(MembershipFactory(company=intro.company).user)
    assert client.get("/admin/opportunities/introductionoutcome/export/").status_code == 302


def test_outcomes_and_results_through_the_api(intro):
    api = token_client(intro.company.memberships.get().user)
    path = f"/api/v1/my/companies/{intro.company.pk}/interests/{intro.pk}/outcome/"
    bad = api.post(path, {"answer": "maybe"}, format="json")
    assert bad.status_code == 400
    answer = api.post(path, {"answer": "yes", "value_band": "gt1m"}, format="json")
    assert answer.status_code == 200 and answer.json()["answer"] == "yes"
    results = token_client(None).get("/api/v1/results/").json()
    assert (results["introductions"], results["deals"]) == (1, 1)
    assert "Uvas" not in str(results)

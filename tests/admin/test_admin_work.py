"""The admin opens on the work waiting for staff, counted, each count linking to its list."""

import pytest

from companies.models import Company
from opportunities.admin import work
from opportunities.matching import interests
from opportunities.models import AbuseReport, MatchingRun, Opportunity, Thread, TradeUpload
from tests.factories import CompanyFactory, MembershipFactory, OpportunityFactory, UserFactory
from tradeportal.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="oficial@promocion.pe", is_staff=True, is_superuser=True))
    return client


def row(page: str, title: str) -> str:
    start = page.rindex("<tr", 0, page.index(title))
    return page[start : page.index("</tr>", start)]


def test_the_start_page_counts_the_work_waiting_and_links_to_each_list(staff_client):
    CompanyFactory.create_batch(2, status=Company.Status.PENDING)
    CompanyFactory(status=Company.Status.VERIFIED)
    OpportunityFactory(kind=Opportunity.Kind.REQUEST, status=Opportunity.Status.PENDING)
    OutboxEmail.objects.create(
        key="k1", to_email="a@b.mx", template="emails/digest", status=OutboxEmail.Status.FAILED
    )
    TradeUpload.objects.create(file="imports/a.csv", format="baci")
    TradeUpload.objects.create(file="imports/b.csv", format="baci", status="rejected")
    MatchingRun.objects.create(kind=MatchingRun.Kind.FULL, error="broker lost")

    page = staff_client.get("/admin/").content.decode()

    assert "TradePortal — Administración" in page
    assert "Administración de Django" not in page
    pending = row(page, "Empresas pendientes de verificación")
    assert "/admin/companies/company/?status__exact=pending" in pending
    assert ">2<" in pending
    assert ">1<" in row(page, "Solicitudes de compra en moderación")
    assert "?status__exact=failed" in row(page, "Correos que fallaron")
    assert ">1<" in row(page, "Importaciones de comercio en curso o en cola")
    assert ">1<" in row(page, "Importaciones de comercio rechazadas")
    assert "Aún no ha terminado ninguna ejecución completa" in page


def test_each_link_opens_the_list_filtered_to_that_work(staff_client):
    CompanyFactory(legal_name="Pendiente S.A.C.", status=Company.Status.PENDING)
    CompanyFactory(legal_name="Verificada S.A.C.", status=Company.Status.VERIFIED)
    page = staff_client.get("/admin/companies/company/?status__exact=pending").content.decode()
    assert "Pendiente S.A.C." in page
    assert "Verificada S.A.C." not in page


def test_open_abuse_reports_are_counted_and_link_to_the_open_ones(staff_client):
    seller = CompanyFactory(legal_name="Uvas del Sur S.A.C.")
    buyer = CompanyFactory(legal_name="Supermercados del Centro")
    user = MembershipFactory(company=seller).user
    interest = interests.express_interest(company=seller, user=user, target_company=buyer)
    interests.answer_interest(interest=interest, company=buyer, accept=True)
    thread, _ = Thread.objects.get_or_create(interest=interest)
    for reason, status in [
        ("Pide pagos por adelantado", AbuseReport.Status.OPEN),
        ("Ofrece un producto falso", AbuseReport.Status.OPEN),
        ("Ya revisado por el equipo", AbuseReport.Status.RESOLVED),
    ]:
        AbuseReport.objects.create(thread=thread, company=buyer, reason=reason, status=status)

    reports = row(staff_client.get("/admin/").content.decode(), "Denuncias de abuso por revisar")
    assert ">2<" in reports
    link = "/admin/opportunities/abusereport/?status__exact=open"
    assert link in reports
    listed = staff_client.get(link).content.decode()
    assert "Pide pagos por adelantado" in listed and "Ofrece un producto falso" in listed
    assert "Ya revisado por el equipo" not in listed


def test_another_area_adds_its_work_through_the_hook(staff_client, monkeypatch):
    monkeypatch.setattr(
        work,
        "WORK_SOURCES",
        [*work.WORK_SOURCES, lambda: [work.WorkItem("Fichas por traducir", 3, "/admin/")]],
    )
    assert ">3<" in row(staff_client.get("/admin/").content.decode(), "Fichas por traducir")


def test_the_admin_says_how_many_companies_it_verified_in_good_spanish(staff_client):
    company = CompanyFactory(status=Company.Status.PENDING)
    response = staff_client.post(
        "/admin/companies/company/",
        {"action": "verify", "_selected_action": [company.pk]},
        follow=True,
    )
    assert "1 empresa verificada y avisada por correo." in response.content.decode()

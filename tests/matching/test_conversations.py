"""The conversation of an introduction: messages with one PDF, served only to the two firms;
emails to the other side at most once per thread per window; unread counts; abuse reports."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opportunities.matching import conversations, interests
from opportunities.models import AbuseReport, Message
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
    pdf_bytes,
)
from tradeportal.outbox import send_queued

pytestmark = pytest.mark.django_db


def pdf_upload(name: str = "catalogo 2026.pdf", content: bytes | None = None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "private"


@pytest.fixture
def intro():
    seller = CompanyFactory(region__code="PE-LIM", legal_name="Uvas del Sur S.A.C.")
    buyer = CompanyFactory(region__code="MX-CMX", legal_name="Supermercados del Centro")
    seller_user = MembershipFactory(
        company=seller, user=UserFactory(email="ventas@uvas.pe", language="es")
    ).user
    buyer_user = MembershipFactory(
        company=buyer, user=UserFactory(email="buyer@super.mx", language="en")
    ).user
    interest = interests.express_interest(company=seller, user=seller_user, target_company=buyer)
    interests.answer_interest(interest=interest, company=buyer, accept=True)
    send_queued()
    mail.outbox.clear()
    return interest, seller_user, buyer_user


def test_a_message_with_a_pdf_reaches_the_other_side_by_email_and_only_the_two_firms_open_it(
    client, intro, private_dir
):
    interest, seller_user, buyer_user = intro
    client.force_login(seller_user)
    response = client.post(
        f"/introductions/{interest.pk}/messages/",
        {"body": "Adjunto el catálogo y la lista de precios.", "attachment": pdf_upload()},
    )
    assert response.status_code == 302 and response.url.endswith("#reply")
    message = Message.objects.get()
    assert message.attachment_name == "catalogo 2026.pdf"
    assert list(private_dir.rglob("*.pdf")) and str(private_dir) in message.attachment.path

    send_queued()
    [email] = mail.outbox
    assert email.to == ["buyer@super.mx"]
    assert email.subject == "New message from Uvas del Sur S.A.C."
    assert "“Adjunto el catálogo y la lista de precios.”" in email.body
    assert "Attachment: catalogo 2026.pdf" in email.body
    assert f"/en/introductions/{interest.pk}/#reply" in email.body

    url = f"/introductions/{interest.pk}/messages/{message.pk}/attachment/"
    for user in (seller_user, buyer_user):
        client.force_login(user)
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
        assert "attachment" in pdf["Content-Disposition"]
    client.force_login(MembershipFactory(company=CompanyFactory(region__code="MX-CMX")).user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"/media/{message.attachment.name}").status_code == 404
    with pytest.raises(ValueError):
        message.attachment.url  # noqa: B018 -- a private file has no URL


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("precios.pdf", b"precio,cantidad\n10,5\n", "application/pdf"),
            "El adjunto debe ser un archivo PDF",
        ),
        (
            SimpleUploadedFile("roto.pdf", b"%PDF-1.7\nnot really a pdf", "application/pdf"),
            "El adjunto debe ser un archivo PDF",
        ),
        (
            SimpleUploadedFile("grande.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "x/y"),
            "El adjunto debe pesar 5,0\xa0MB o menos",
        ),
    ],
    ids=["csv-named-pdf", "broken-pdf", "over-5-mb"],
)
def test_an_attachment_that_is_not_a_pdf_or_too_big_is_refused_and_nothing_stored(
    client, intro, private_dir, upload, error
):
    interest, seller_user, _buyer_user = intro
    client.force_login(seller_user)
    response = client.post(
        f"/introductions/{interest.pk}/messages/", {"body": "Hola", "attachment": upload}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page.replace("&nbsp;", "\xa0")
    assert "Hola" in page  # the form keeps the text
    assert not Message.objects.exists()
    assert not list(private_dir.rglob("*"))


def test_at_most_one_email_per_thread_per_fifteen_minutes_and_the_rest_follow(intro):
    interest, seller_user, _buyer_user = intro
    seller = interest.company
    conversations.post_message(interest=interest, company=seller, user=seller_user, body="Uno")
    conversations.post_message(interest=interest, company=seller, user=seller_user, body="Dos")
    conversations.post_message(interest=interest, company=seller, user=seller_user, body="Tres")
    send_queued()
    assert [m.subject for m in mail.outbox] == ["New message from Uvas del Sur S.A.C."]
    assert conversations.send_due_emails(now=timezone.now() + timedelta(minutes=10)) == 0
    later = timezone.now() + timedelta(minutes=16)
    assert conversations.send_due_emails(now=later) == 1
    assert conversations.send_due_emails(now=later) == 0
    send_queued()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "2 new messages from Uvas del Sur S.A.C."
    assert "“Dos”" in mail.outbox[1].body and "“Tres”" in mail.outbox[1].body


def test_unread_messages_are_counted_in_the_navigation_until_read(client, intro):
    interest, seller_user, buyer_user = intro
    for text in ("Uno", "Dos"):
        conversations.post_message(
            interest=interest, company=interest.company, user=seller_user, body=text
        )
    client.force_login(buyer_user)
    assert '<span class="nav-count"' in client.get("/dashboard/").content.decode()
    assert client.get("/dashboard/").context["unread_messages"] == 2
    client.get(f"/introductions/{interest.pk}/")
    assert client.get("/dashboard/").context["unread_messages"] == 0
    client.force_login(seller_user)
    assert client.get("/dashboard/").context["unread_messages"] == 0  # one's own messages


def test_the_unread_count_starts_again_after_the_read_mark_and_ends_with_the_introduction(intro):
    interest, seller_user, buyer_user = intro
    conversations.post_message(
        interest=interest, company=interest.company, user=seller_user, body="Uno"
    )
    conversations.mark_read(thread=conversations.thread_of(interest), user=buyer_user)
    assert conversations.unread_count(buyer_user) == 0
    conversations.post_message(
        interest=interest, company=interest.company, user=seller_user, body="Dos"
    )
    assert conversations.unread_count(buyer_user) == 1
    assert conversations.unread_count(seller_user) == 0
    interests.withdraw_introduction(interest=interest, company=interest.target_company)
    assert conversations.unread_count(buyer_user) == 0


def test_the_buyer_of_a_request_counts_the_messages_of_its_introductions():
    buyer = CompanyFactory(region__code="MX-CMX")
    buyer_user = MembershipFactory(company=buyer).user
    seller = CompanyFactory(region__code="PE-LIM")
    seller_user = MembershipFactory(company=seller).user
    request = OpportunityFactory(kind="request", company=buyer, market_country="MX")
    interest = interests.express_interest(company=seller, user=seller_user, opportunity=request)
    interests.answer_interest(interest=interest, company=buyer, accept=True)
    conversations.post_message(interest=interest, company=seller, user=seller_user, body="Hola")
    assert conversations.unread_count(buyer_user) == 1
    assert conversations.unread_count(UserFactory()) == 0


def test_text_is_escaped_in_the_thread(client, intro):
    interest, seller_user, buyer_user = intro
    conversations.post_message(
        interest=interest, company=interest.company, user=seller_user, body="<script>x()</script>"
    )
    client.force_login(buyer_user)
    page = client.get(f"/introductions/{interest.pk}/").content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page


def test_a_withdrawn_introduction_takes_no_more_messages(client, intro):
    interest, seller_user, _buyer_user = intro
    interests.withdraw_introduction(interest=interest, company=interest.target_company)
    client.force_login(seller_user)
    response = client.post(f"/introductions/{interest.pk}/messages/", {"body": "¿Sigue ahí?"})
    assert "la presentación fue retirada" in response.content.decode()
    assert not Message.objects.exists()


def test_messages_are_rate_limited_per_firm(client, intro, settings):
    settings.MESSAGES_PER_HOUR = 2
    interest, seller_user, _buyer_user = intro
    client.force_login(seller_user)
    for text in ("Uno", "Dos", "Tres"):
        response = client.post(f"/introductions/{interest.pk}/messages/", {"body": text})
    assert "muchos mensajes en la última hora" in response.content.decode()
    assert Message.objects.count() == 2


def test_a_report_queues_the_thread_for_staff_who_then_read_it_in_the_admin(client, intro):
    interest, seller_user, buyer_user = intro
    conversations.post_message(
        interest=interest,
        company=interest.company,
        user=seller_user,
        body="Pague por adelantado a esta cuenta",
        attachment=pdf_upload("factura.pdf"),
    )
    client.force_login(buyer_user)
    empty = client.post(f"/introductions/{interest.pk}/report/", {"reason": ""})
    assert empty.status_code == 400 and not AbuseReport.objects.exists()
    client.post(f"/introductions/{interest.pk}/report/", {"reason": "Pide pagos por adelantado"})
    report = AbuseReport.objects.get()
    assert report.status == AbuseReport.Status.OPEN and report.company == interest.target_company
    staff = UserFactory(email="staff@tradeportal.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert "Pide pagos" in client.get("/admin/opportunities/abusereport/").content.decode()
    page = client.get(f"/admin/opportunities/abusereport/{report.pk}/change/").content.decode()
    assert "Pague por adelantado a esta cuenta" in page and "factura.pdf" in page
    message = Message.objects.get()
    pdf = client.get(
        f"/admin/opportunities/abusereport/{report.pk}/attachment/?message={message.pk}"
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

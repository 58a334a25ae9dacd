"""The interests API: what an interest is about, answering it, the counterpart's contact card
only once accepted, withdrawing; the public directory never shows a contact card."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import Interest
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


def interests_of(client, company) -> list[dict]:
    return client.get(f"/api/v1/my/companies/{company.pk}/interests/").json()["results"]


def test_an_interest_is_answered_and_the_contact_card_shown_once_accepted(
    world, as_owner, as_stranger
):
    world.mine.contact_name, world.mine.contact_email = "Ana Torres", "ana@cafe.mx"
    world.mine.save()
    world.theirs.contact_name, world.theirs.contact_phone = "Rosa Quispe", "+51 987 654 321"
    world.theirs.save()
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/{world.my_match.pk}/interested/"
    as_owner.post(path, {"message": "Café de altura"}, format="json")
    [sent] = interests_of(as_owner, world.mine)
    assert (sent["direction"], sent["status"], sent["contact_card"]) == ("sent", "pending", None)
    [received] = interests_of(as_stranger, world.theirs)
    assert received["direction"] == "received" and received["counterpart"] == world.mine.pk
    assert received["summary"]["score"] == 88 and received["summary"]["product_code"] == "0901"
    assert received["summary"]["message"] == "Café de altura"
    assert received["contact_card"] is None

    answer = f"/api/v1/my/companies/{world.theirs.pk}/interests/{received['id']}/accept/"
    response = as_stranger.post(answer, {"reason": "Escríbanos"}, format="json")
    assert response.status_code == 200
    assert response.json()["contact_card"]["name"] == "Ana Torres"
    [sent] = interests_of(as_owner, world.mine)
    assert sent["is_introduction"] and sent["contact_card"]["phone"] == "+51 987 654 321"

    again = as_stranger.post(answer, {}, format="json")
    assert again.status_code == 400

    withdraw = f"/api/v1/my/companies/{world.mine.pk}/interests/{sent['id']}/withdraw/"
    assert as_owner.post(withdraw).json()["contact_card"] is None
    [received] = interests_of(as_stranger, world.theirs)
    assert received["contact_card"] is None and received["withdrawn_at"]


def test_the_sender_cannot_accept_its_own_interest(world, as_owner):
    interest = Interest.objects.create(company=world.mine, opportunity=world.their_request)
    path = f"/api/v1/my/companies/{world.mine.pk}/interests/{interest.pk}/accept/"
    assert as_owner.post(path, {}, format="json").status_code == 403
    assert Interest.objects.get().status == Interest.Status.PENDING


def test_the_public_directory_never_shows_a_contact_card(world, anonymous, as_stranger):
    world.mine.contact_email = "ana@cafe.mx"
    world.mine.save()
    for client in (anonymous, as_stranger):
        body = client.get(f"/api/v1/companies/{world.mine.pk}/").content.decode()
        assert "ana@cafe.mx" not in body and "contact" not in body


def test_the_conversation_through_the_api_with_a_pdf(world, as_owner, as_stranger):
    interest = Interest.objects.create(
        company=world.mine, opportunity=world.their_request, status=Interest.Status.ACCEPTED
    )
    path = f"/api/v1/my/companies/{world.mine.pk}/interests/{interest.pk}/messages/"
    pdf = SimpleUploadedFile("lista.pdf", pdf_bytes(), content_type="application/pdf")
    created = as_owner.post(path, {"body": "Nuestra lista", "attachment": pdf}, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["mine"] and created.json()["attachment_name"] == "lista.pdf"

    theirs = f"/api/v1/my/companies/{world.theirs.pk}/interests/{interest.pk}/messages/"
    [message] = as_stranger.get(theirs).json()["results"]
    assert message["body"] == "Nuestra lista" and not message["mine"]
    download = as_stranger.get(message["attachment"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"

    fake = SimpleUploadedFile("x.pdf", b"hola", content_type="application/pdf")
    refused = as_owner.post(path, {"attachment": fake}, format="multipart")
    assert refused.status_code == 400
    assert "PDF" in refused.json()["error"]["message"]

    report = f"/api/v1/my/companies/{world.theirs.pk}/interests/{interest.pk}/report/"
    assert as_stranger.post(report, {"reason": "Spam"}, format="json").status_code == 201

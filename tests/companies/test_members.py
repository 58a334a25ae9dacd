"""Members, invitations, ownership, verification and authorisation by id guessing."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.core import mail

from companies.admin import CompanyAdmin
from companies.models import Company, Invitation, Membership
from tests.factories import CompanyFactory, CompanyProductFactory, MembershipFactory, UserFactory
from tradeportal.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(owner, regions):
    company = CompanyFactory(region=regions["cdmx"], tax_id="MAB9307148T4", status="pending")
    MembershipFactory(user=owner, company=company, role=Membership.Role.OWNER)
    return company


def test_an_owner_invites_a_colleague_who_joins_as_member(client, owner, company):
    client.post(f"/companies/{company.pk}/members/invite/", {"email": "Ventas@Cafe.mx"})
    invitation = Invitation.objects.get()
    email = OutboxEmail.objects.get(template="invitation")
    assert invitation.email == "ventas@cafe.mx" and email.to_email == "ventas@cafe.mx"
    assert invitation.token in email.context["link"]
    colleague = UserFactory(email="ventas@cafe.mx")
    client.force_login(colleague)
    response = client.post(f"/companies/invitations/{invitation.token}/")
    assert response["Location"] == f"/companies/{company.pk}/profile/"
    assert Membership.objects.get(user=colleague).role == Membership.Role.MEMBER


def test_an_invitation_only_works_for_the_address_it_was_sent_to(client, owner, company):
    client.post(f"/companies/{company.pk}/members/invite/", {"email": "ventas@cafe.mx"})
    client.force_login(UserFactory(email="intruso@example.com"))
    client.post(f"/companies/invitations/{Invitation.objects.get().token}/")
    assert company.memberships.count() == 1


def test_a_member_edits_the_profile_but_cannot_invite_or_delete(client, company):
    member = MembershipFactory(company=company, role=Membership.Role.MEMBER).user
    client.force_login(member)
    response = client.post(
        f"/companies/{company.pk}/setup/1/",
        {"legal_name": "Nuevo nombre S.A.", "region": "MX-CMX", "size": "medium"},
    )
    assert response.status_code == 302
    client.post(f"/companies/{company.pk}/members/invite/", {"email": "x@example.com"})
    client.post(f"/companies/{company.pk}/members/delete/", {"confirm": company.tax_id})
    company.refresh_from_db()
    assert company.legal_name == "Nuevo nombre S.A." and company.size == "medium"
    assert not Invitation.objects.exists()


def test_the_owner_hands_over_and_the_last_owner_cannot_be_removed(client, owner, company):
    colleague = MembershipFactory(company=company, role=Membership.Role.MEMBER)
    mine = company.memberships.get(user=owner)
    client.post(f"/companies/{company.pk}/members/remove/", {"membership": mine.pk})
    assert company.memberships.count() == 2
    client.post(f"/companies/{company.pk}/members/transfer/", {"membership": colleague.pk})
    assert company.memberships.get(pk=colleague.pk).role == "owner"
    assert company.memberships.get(pk=mine.pk).role == "member"


def test_the_owner_deletes_the_company_after_typing_its_tax_id(client, owner, company):
    client.post(f"/companies/{company.pk}/members/delete/", {"confirm": "wrong"})
    assert Company.objects.filter(pk=company.pk).exists()
    client.post(f"/companies/{company.pk}/members/delete/", {"confirm": company.tax_id})
    assert not Company.objects.filter(pk=company.pk).exists()


def test_a_user_switches_between_their_companies(client, owner, company, regions):
    other = CompanyFactory(region=regions["lima"], legal_name="Uvas del Sur S.A.C.")
    MembershipFactory(user=owner, company=other)
    client.post("/companies/switch/", {"company": other.pk})
    assert client.session["current_company_id"] == other.pk
    assert "Uvas del Sur" in client.get("/companies/mine/").content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/companies/{pk}/profile/"),
        ("get", "/companies/{pk}/setup/1/"),
        ("get", "/companies/{pk}/setup/2/"),
        ("post", "/companies/{pk}/setup/3/"),
        ("post", "/companies/{pk}/products/{product}/remove/"),
        ("post", "/companies/{pk}/members/invite/"),
        ("post", "/companies/{pk}/members/delete/"),
        ("post", "/companies/{pk}/members/remove/"),
        ("post", "/companies/switch/"),
    ],
)
def test_another_companys_private_pages_are_not_found_by_guessing_ids(
    client, company, method, path
):
    product = CompanyProductFactory(company=company)
    stranger = UserFactory()
    MembershipFactory(user=stranger)  # a member of some other company
    client.force_login(stranger)
    url = path.format(pk=company.pk, product=product.pk)
    response = getattr(client, method)(
        url,
        {
            "company": company.pk,
            "confirm": company.tax_id,
            "membership": company.memberships.get().pk,
            "email": "x@example.com",
        },
    )
    assert response.status_code == 404
    assert Company.objects.filter(pk=company.pk).exists() and company.products.exists()
    assert company.memberships.count() == 1


def test_staff_verify_in_bulk_and_members_are_told(rf, owner, company):
    admin = CompanyAdmin(Company, AdminSite())
    request = rf.post("/admin/")
    request.user, request._messages = UserFactory(is_staff=True, is_superuser=True), _Messages()
    admin.verify(request, Company.objects.filter(pk=company.pk))
    company.refresh_from_db()
    assert company.status == "verified" and company.verified_at
    email = OutboxEmail.objects.get(template="company-verified")
    assert email.to_email == owner.email and email.language == owner.language


def test_staff_reject_with_a_reason_that_is_emailed(rf, owner, company):
    admin = CompanyAdmin(Company, AdminSite())
    request = rf.post("/admin/", {"reason": "El RFC no corresponde a la razón social."})
    request.user, request._messages = UserFactory(is_staff=True, is_superuser=True), _Messages()
    admin.reject(request, Company.objects.filter(pk=company.pk))
    company.refresh_from_db()
    assert company.status == "rejected"
    email = OutboxEmail.objects.get(template="company-rejected")
    assert email.context["reason"] == "El RFC no corresponde a la razón social."


def test_the_verification_email_is_sent_in_the_members_language(
    rf, owner, company, django_capture_on_commit_callbacks
):
    owner.language = "en"
    owner.save()
    admin = CompanyAdmin(Company, AdminSite())
    request = rf.post("/admin/")
    request.user, request._messages = UserFactory(is_staff=True, is_superuser=True), _Messages()
    with django_capture_on_commit_callbacks(execute=True):
        admin.verify(request, Company.objects.filter(pk=company.pk))
    assert mail.outbox[0].subject.endswith("is verified on TradePortal")
    assert "/en/companies/" in mail.outbox[0].body


class _Messages:
    def add(self, *args, **kwargs):
        pass

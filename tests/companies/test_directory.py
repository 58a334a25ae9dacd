"""The public directory shows verified public companies, never their members' emails."""

import json

import pytest

from companies.models import Membership
from tests.factories import CompanyFactory, CompanyProductFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(regions, hs_codes, sector):
    coffee = CompanyFactory(
        legal_name="Café de Altura S.A.",
        region=regions["cdmx"],
        size="small",
        description="Tostadores de café de especialidad.",
    )
    coffee.sectors.add(sector)
    CompanyProductFactory(company=coffee, hs_code=hs_codes["coffee"], direction="export")
    grapes = CompanyFactory(legal_name="Uvas del Sur S.A.C.", region=regions["lima"], size="medium")
    CompanyProductFactory(company=grapes, hs_code=hs_codes["grapes"], direction="export")
    CompanyProductFactory(company=grapes, hs_code=hs_codes["copper"], direction="import")
    pending = CompanyFactory(legal_name="Pendiente S.A.", region=regions["cdmx"], status="pending")
    private = CompanyFactory(legal_name="Privada S.A.", region=regions["cdmx"], is_public=False)
    MembershipFactory(company=coffee, user=UserFactory(email="secreta@cafe.mx"), role="member")
    return {"coffee": coffee, "grapes": grapes, "pending": pending, "private": private}


def names(response) -> list[str]:
    return [c.legal_name for c in response.context["page"]]


def test_only_verified_public_companies_are_listed(client, firms):
    assert names(client.get("/companies/")) == ["Café de Altura S.A.", "Uvas del Sur S.A.C."]
    assert client.get(firms["pending"].get_absolute_url()).status_code == 404
    assert client.get(firms["private"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cafe"}, ["Café de Altura S.A."]),
        ({"q": "cobre"}, ["Uvas del Sur S.A.C."]),  # by product, in words
        ({"q": "0806"}, ["Uvas del Sur S.A.C."]),  # by HS code
        ({"q": "especialidad"}, ["Café de Altura S.A."]),  # by description
        ({"country": "PE"}, ["Uvas del Sur S.A.C."]),
        ({"region": "MX-CMX"}, ["Café de Altura S.A."]),
        ({"sector": "agribusiness"}, ["Café de Altura S.A."]),
        ({"size": "medium"}, ["Uvas del Sur S.A.C."]),
        ({"trade": "import"}, ["Uvas del Sur S.A.C."]),
    ],
)
def test_the_directory_searches_and_filters(client, firms, params, expected):
    assert names(client.get("/companies/", params)) == expected


def test_a_company_page_shows_what_it_trades_but_no_member_email(client, firms):
    body = client.get(firms["coffee"].get_absolute_url()).content.decode()
    assert "0901" in body and "Agroindustria" in body
    assert "secreta@cafe.mx" not in body and "@" not in body.split("<main")[1].split("</main>")[0]


def test_a_user_downloads_everything_about_them_and_their_companies(client, owner, firms):
    MembershipFactory(user=owner, company=firms["coffee"], role=Membership.Role.OWNER)
    response = client.get("/companies/privacy/", {"download": 1})
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["user"]["email"] == owner.email
    assert data["companies"][0]["tax_id"] == firms["coffee"].tax_id
    assert data["companies"][0]["products"] == [
        {"hs_code": "0901", "direction": "export", "yearly_volume_usd": None}
    ]


def test_the_last_owner_cannot_delete_the_account_without_handing_over(client, owner, firms):
    MembershipFactory(user=owner, company=firms["coffee"], role=Membership.Role.OWNER)
    client.post("/companies/privacy/")
    assert type(owner).objects.filter(pk=owner.pk).exists()
    firms["coffee"].delete()
    client.post("/companies/privacy/")
    assert not type(owner).objects.filter(pk=owner.pk).exists()

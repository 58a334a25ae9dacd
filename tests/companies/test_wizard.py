"""From sign-in to a complete company profile, one saved step at a time."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from companies.models import Company, Membership
from tests.companies.conftest import IDENTITY
from tests.factories import CompanyFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_step_one_creates_a_pending_company_owned_by_its_creator(client, owner, regions):
    response = client.post("/companies/new/", IDENTITY)
    company = Company.objects.get(tax_id="MAB9307148T4")
    assert (
        response.status_code == 302 and response["Location"] == f"/companies/{company.pk}/setup/2/"
    )
    assert company.status == Company.Status.PENDING and company.region_id == "MX-CMX"
    assert Membership.objects.get(company=company).user == owner
    assert Membership.objects.get(company=company).role == Membership.Role.OWNER


def test_a_bad_rfc_is_explained_and_what_was_typed_is_kept(client, owner, regions):
    response = client.post("/companies/new/", {**IDENTITY, "tax_id": "XAXX010101000"})
    body = response.content.decode()
    assert response.status_code == 200 and not Company.objects.exists()
    assert "RFC genéricos" in body
    assert 'value="Café de Altura S.A. de C.V."' in body and 'value="Coyoacán"' in body


def test_a_tax_id_is_unique_per_country(client, owner, regions):
    CompanyFactory(country="MX", tax_id="MAB9307148T4", region=regions["cdmx"])
    body = client.post("/companies/new/", IDENTITY).content.decode()
    assert "Ya está registrada una empresa con esta identificación fiscal" in body


def test_the_region_must_belong_to_the_country(client, owner, regions):
    body = client.post("/companies/new/", {**IDENTITY, "region": "PE-LIM"}).content.decode()
    assert "Elija un estado o región de México" in body
    assert not Company.objects.exists()


def test_a_peruvian_company_gives_its_ruc(client, owner, regions):
    data = {**IDENTITY, "country": "PE", "tax_id": "20100070970", "region": "PE-LIM"}
    client.post("/companies/new/", data)
    assert Company.objects.get(country="PE").tax_id == "20100070970"


@pytest.fixture
def company(client, owner, regions):
    client.post("/companies/new/", IDENTITY)
    return Company.objects.get()


@pytest.mark.parametrize(
    ("query", "code"),
    [("cafe", "0901"), ("CAFÉ", "0901"), ("cobre", "7403"), ("copper", "7403"), ("0806", "080610")],
)
def test_the_product_search_finds_codes_by_words_or_number(client, hs_codes, query, code):
    body = client.get("/companies/hs-search/", {"q": query}).content.decode()
    assert f"<strong>{code}</strong>" in body


def test_products_are_added_once_with_their_direction_and_volume(client, company, hs_codes):
    url = f"/companies/{company.pk}/setup/2/"
    client.post(url, {"hs_code": "0901", "direction": "export", "yearly_volume_usd": "250000"})
    client.post(url, {"hs_code": "0901", "direction": "export", "yearly_volume_usd": "300000"})
    client.post(url, {"hs_code": "7403", "direction": "import"})
    products = {(p.hs_code_id, p.direction): p.yearly_volume_usd for p in company.products.all()}
    assert products == {("0901", "export"): 300000, ("7403", "import"): None}


def test_a_chapter_or_unknown_code_is_refused_with_a_hint(client, company, hs_codes):
    body = client.post(
        f"/companies/{company.pk}/setup/2/", {"hs_code": "09", "direction": "export"}
    ).content.decode()
    assert "no es una partida del SA" in body
    assert not company.products.exists()


def test_profile_and_notification_steps_complete_the_profile(client, owner, company, sector):
    client.post(
        f"/companies/{company.pk}/setup/3/",
        {
            "sectors": [sector.pk],
            "certifications": ["haccp", "organic"],
            "languages": ["es", "en"],
            "other_certifications": "Rainforest Alliance",
            "description": "Café de especialidad.",
            "is_public": "on",
        },
    )
    response = client.post(
        f"/companies/{company.pk}/setup/4/",
        {"notify_frequency": "daily", "notify_min_score": "60", "language": "en"},
    )
    company.refresh_from_db()
    owner.refresh_from_db()
    membership = company.memberships.get()
    assert response["Location"] == f"/companies/{company.pk}/profile/"
    assert list(company.sectors.all()) == [sector]
    assert company.certifications == ["haccp", "organic"] and company.languages == ["es", "en"]
    assert company.setup_step == Company.SETUP_DONE
    assert (membership.notify_frequency, membership.notify_min_score) == ("daily", 60)
    assert owner.language == "en"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<script>alert(1)</script>", "una imagen válida"),
        ("logo.png", image_bytes("GIF"), "Suba una imagen PNG, JPEG o WebP"),
        (
            "logo.png",
            image_bytes("PNG", (800, 800), noise=True),
            "El logotipo debe pesar 1 MB o menos",
        ),
    ],
)
def test_a_logo_must_be_a_small_png_jpeg_or_webp(client, company, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    body = client.post(f"/companies/{company.pk}/setup/3/", {"logo": upload}).content.decode()
    assert message in body
    company.refresh_from_db()
    assert not company.logo


def test_a_small_png_logo_is_kept(client, company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")
    client.post(f"/companies/{company.pk}/setup/3/", {"logo": upload, "is_public": "on"})
    company.refresh_from_db()
    assert company.logo.name.startswith("logos/")


def test_leaving_and_coming_back_resumes_where_the_user_left(client, company):
    body = client.get(f"/companies/{company.pk}/profile/").content.decode()
    assert f"/companies/{company.pk}/setup/2/" in body
    assert "Su perfil aún no está completo" in body


def test_signing_in_without_a_company_leads_to_the_wizard(client, owner):
    assert client.get("/companies/mine/")["Location"] == "/companies/new/"

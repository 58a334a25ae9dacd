"""One product search wherever a product is chosen or looked for: the search page (which works
without JavaScript), the wizard's fragment and the type-ahead's JSON, the buyer-request form, the
browse page's words, the directory, the API, and the admin where staff edit the vocabulary."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from opportunities.models import Opportunity, TradeName
from opportunities.reference.trade_names import import_trade_names
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
)
from tests.reference_data import data_dir

pytestmark = pytest.mark.django_db


def name(text: str, *codes) -> TradeName:
    trade_name = TradeName.objects.create(name=text, language="es-PE")
    trade_name.codes.set(codes)
    return trade_name


@pytest.fixture
def products():
    molluscs = HSCodeFactory(
        code="0307",
        description_es="Moluscos, vivos, frescos, refrigerados, congelados, secos",
        description_en="Molluscs; live, fresh, chilled, frozen, dried",
    )
    fresh = HSCodeFactory(
        code="030742",
        description_es="Jibias, sepias y calamares (incluida la pota), frescos o refrigerados",
        description_en="Molluscs; cuttle fish and squid, live, fresh or chilled",
    )
    frozen = HSCodeFactory(
        code="030743",
        description_es="Jibias, sepias y calamares (incluida la pota), congelados",
        description_en="Molluscs; cuttle fish and squid, frozen",
    )
    avocados = HSCodeFactory(
        code="080440", description_es="Aguacates (paltas)", description_en="Avocados"
    )
    HSCodeFactory(code="0701", description_es="Papas frescas", description_en="Potatoes; fresh")
    name("pota", frozen, fresh)
    name("palta hass", avocados)
    return {"molluscs": molluscs, "fresh": fresh, "frozen": frozen, "avocados": avocados}


def codes_in(body: str) -> list[str]:
    return re.findall(r"<strong>(\d{4,6})</strong>", body)


def test_the_search_page_works_without_javascript_and_is_never_blank(client, products):
    empty = client.get("/companies/hs-search/").content.decode()
    assert "<form" in empty and 'name="q"' in empty
    assert "Escriba el nombre de un producto" in empty
    body = client.get("/companies/hs-search/", {"q": "calamar congelado"}).content.decode()
    assert "<html" in body
    # The heading is shown with its subheadings, the frozen squid first among them.
    assert codes_in(body)[:3] == ["0307", "030743", "030742"]


def test_the_wizard_gets_a_fragment_and_the_type_ahead_gets_json(client, products):
    fragment = client.get(
        "/companies/hs-search/", {"q": "pota", "select": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "Lo exporto" in fragment
    data = client.get("/companies/hs-search/", {"q": "pota", "format": "json"}).json()
    assert [r["code"] for r in data["results"]][:2] == ["030743", "030742"]
    assert data["results"][0]["heading"] == "0307"


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", "' OR 1=1; DROP TABLE x; --", "de la y", "x" * 500, "   "],
)
def test_bad_input_gets_a_helpful_empty_state_and_nothing_unescaped(client, products, query):
    response = client.get("/companies/hs-search/", {"q": query})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "nombre de un producto" in body  # "try a product name or an HS code"
    assert client.get("/api/v1/hs-codes/", {"q": query}).status_code == 200


@pytest.fixture
def buyer(client, products):
    company = CompanyFactory(region__code="MX-CMX")
    client.force_login(MembershipFactory(company=company).user)
    return company


def request_form(**changes) -> dict:
    deadline = (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    return {"title": "Pota para planta", "quantity": "20", "unit": "t", "deadline": deadline}


def test_the_buyer_request_form_takes_words_whole_and_suggests_codes(client, buyer):
    body = client.post(
        "/requests/new/", {**request_form(), "hs_code": "calamar gigante congelado"}
    ).content.decode()
    assert "calamar gigante congelado" in body  # the input is kept whole, not cut at 8 letters
    assert "030743" in body  # suggested
    assert not Opportunity.objects.filter(kind="request").exists()
    client.post("/requests/new/", {**request_form(), "hs_code": "0307.43"})
    assert Opportunity.objects.get(kind="request").hs_code_id == "030743"


def test_the_buyer_request_form_links_to_a_working_search(client, buyer):
    body = client.get("/requests/new/").content.decode()
    assert 'data-hs-combobox="/companies/hs-search/"' in body
    assert client.get("/companies/hs-search/").status_code == 200


def test_browse_words_find_an_opportunity_by_its_product(client, products):
    # The opportunity's own words say "Moluscos", never "calamar".
    OpportunityFactory(
        hs_code=products["molluscs"],
        market_country="MX",
        title="Demanda de moluscos",
        search_text="0307 moluscos molluscs",
    )
    OpportunityFactory(hs_code=HSCodeFactory(code="0701"), market_country="MX", title="Papas")
    page = client.get("/opportunities/", {"q": "calamar", "market": "MX"}).context["page"]
    assert [o.hs_code_id for o in page] == ["0307"]
    # The product filter takes a trade name as well as digits.
    page = client.get("/opportunities/", {"hs": "pota"}).context["page"]
    assert [o.hs_code_id for o in page] == ["0307"]
    assert [o.hs_code_id for o in client.get("/opportunities/", {"hs": "07"}).context["page"]] == [
        "0701"
    ]


def test_the_directory_finds_a_company_by_the_trade_name_of_its_product(client, products):
    avocado = CompanyFactory(legal_name="Paltas del Norte S.A.C.")
    CompanyProductFactory(company=avocado, hs_code=products["avocados"], direction="export")
    CompanyFactory(legal_name="Otra S.A.")
    page = client.get("/companies/", {"q": "palta hass"}).context["page"]
    assert [c.legal_name for c in page] == ["Paltas del Norte S.A.C."]


def test_the_api_ranks_like_the_site(client, products):
    codes = [c["code"] for c in client.get("/api/v1/hs-codes/", {"q": "pota"}).json()["results"]]
    assert codes[0] == "030743" and "0701" not in codes[:2]
    digits = client.get("/api/v1/hs-codes/", {"q": "03.07"}).json()["results"]
    assert [c["code"] for c in digits] == ["0307", "030742", "030743"]


def test_a_trade_name_staff_add_in_the_admin_is_searchable_at_once(
    client, products, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/api/v1/hs-codes/", {"q": "aguacatito"}).json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/opportunities/tradename/add/",
            {"name": "aguacatito", "language": "es-MX", "codes": ["080440"], "is_active": "on"},
        )
    assert response.status_code == 302
    results = client.get("/api/v1/hs-codes/", {"q": "aguacatito"}).json()["results"]
    assert results[0]["code"] == "080440"


def test_reloading_the_vocabulary_keeps_what_staff_changed(products, tmp_path):
    edited = TradeName.objects.get(name="pota")
    edited.codes.set([products["frozen"]])
    vocabulary = tmp_path / "names.csv"
    vocabulary.write_text(
        "name,language,codes,source\npota,es-PE,030742 030743,pe-trade\n"
        "jibia,es,030743 999999,common\n",
        encoding="utf-8",
    )
    result = import_trade_names(path=vocabulary)
    assert (result.created, result.kept) == (1, 1)
    assert [c.code for c in TradeName.objects.get(name="pota").codes.all()] == ["030743"]
    assert [c.code for c in TradeName.objects.get(name="jibia").codes.all()] == ["030743"]


def test_load_reference_data_loads_the_trade_names(settings, tmp_path):
    call_command("import_hs", data_dir=data_dir())
    call_command("import_trade_names", data_dir=data_dir())
    assert TradeName.objects.filter(name="uva de mesa", codes__code="080610").exists()

"""'Exporters of what you sell also export...' on the dashboard and the public page."""

import re

import pytest
from django.test import Client

from companies.models import CompanyProduct
from opportunities.models import HSCode, TradeDataset, TradeFlow
from opportunities.trade.productspace.build import build_all
from opportunities.trade.productspace.selectors import next_products
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MembershipFactory,
    UserFactory,
)
from tradeportal import pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter(client, world_by_chapter, chapters):
    """A Mexican firm that exports a heading of chapter 01, signed in; the space is built."""
    build_all()
    company = CompanyFactory(region__code="MX-JAL", legal_name="Agro Jal")
    CompanyProductFactory(company=company, hs_code=chapters["01"].children.first())
    client.force_login(MembershipFactory(company=company).user)
    return company


def section(html: str) -> str:
    match = re.search(r'<section class="card next-products".*?</section>', html, re.S)
    assert match, "the next-products section is missing"
    return match.group(0)


def test_dashboard_lists_the_nearest_chapters_with_their_numbers_in_spanish(
    client, exporter, world_by_chapter
):
    html = section(client.get("/dashboard/").content.decode())
    assert "Quienes exportan lo que usted vende también exportan" in html
    assert "Nivel: capítulo del SA (2 dígitos)" in html
    titles = re.findall(r"Capítulo (\d\d):", html)
    assert titles == ["02", "03", "04"]  # phi 2/3, 2/3, 1/3; 01 is the firm's own
    chapter_03 = html.split("Capítulo 03:")[1].split("Capítulo 04:")[0]
    assert "0,67" in chapter_03  # proximity to 01 and Mexico's density (2/3)
    assert "Importaciones de Perú desde el mundo, 2024" in chapter_03
    assert "US$ 5,0 M" in chapter_03
    assert 'href="/guide/03/">Cómo enviarlo</a>' in chapter_03
    assert f"Fuente: {world_by_chapter.get_source_display()}, 2024" in html


def test_dashboard_in_english_names_level_density_and_demand(client, exporter):
    html = section(client.get("/en/dashboard/").content.decode())
    assert "Exporters of what you sell also export" in html
    assert "Level: HS chapter (2 digits)." in html
    chapter_04 = html.split("Chapter 04:")[1]
    assert "0.33" in chapter_04  # proximity of 04 to 01
    assert "0.50" in chapter_04  # Mexico's density around 04
    assert "Peru's imports from the world, 2024</dt><dd>US$1.23B" in chapter_04
    chapter_02 = html.split("Chapter 02:")[1].split("Chapter 03:")[0]
    assert "no data" in chapter_02  # Peru's imports of 02 are not loaded: never shown as 0


def test_add_to_my_products_adds_the_chosen_heading_through_the_product_service(client, exporter):
    html = section(client.get("/dashboard/").content.decode())
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="0301">' in html
    response = client.post(
        f"/companies/{exporter.pk}/products/add/",
        {"hs_code": "0301", "direction": "export", "next": "/dashboard/"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert exporter.products.filter(hs_code_id="0301", direction="export").exists()
    html = section(client.get("/dashboard/").content.decode())
    assert "Capítulo 03:" not in html  # now listed: no longer suggested


def test_the_section_kept_for_a_product_set_serves_each_firm_and_request_its_own_form(
    client, exporter
):
    """Two firms selling the same product share the suggestions; each sees forms that post to
    its own company with its own CSRF token and the page it came from, and its own name."""
    assert "Capítulo 02:" in section(client.get("/dashboard/").content.decode())  # now kept
    again = section(client.get("/dashboard/?kind=opportunity").content.decode())
    assert 'name="next" value="/dashboard/?kind=opportunity"' in again
    twin = CompanyFactory(region=exporter.region, legal_name="Agro Gemela")
    CompanyProductFactory(company=twin, hs_code=exporter.products.first().hs_code)
    browser = Client(enforce_csrf_checks=True)  # a form posted with a stale token is refused
    browser.force_login(MembershipFactory(company=twin).user)
    html = section(browser.get("/dashboard/").content.decode())
    assert f'action="/companies/{twin.pk}/products/add/"' in html
    assert f"/companies/{exporter.pk}/" not in html
    assert re.findall(r"Capítulo (\d\d):", html) == ["02", "03", "04"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    posted = {"csrfmiddlewaretoken": token, "hs_code": "0301", "direction": "export"}
    response = browser.post(
        f"/companies/{twin.pk}/products/add/", {**posted, "next": "/dashboard/"}
    )
    assert response.status_code == 302
    assert twin.products.filter(hs_code_id="0301").exists()
    client.logout()
    assert "lo que vende Agro Gemela también" in section(
        client.get(f"/companies/{twin.pk}/").content.decode()
    )
    twin.trade_name = "Gemela Export"
    twin.save()
    assert "lo que vende Gemela Export también" in section(
        client.get(f"/companies/{twin.pk}/").content.decode()
    )


def test_add_refuses_a_chapter_with_a_clear_message_and_writes_nothing(client, exporter):
    response = client.post(
        f"/companies/{exporter.pk}/products/add/",
        {"hs_code": "03", "direction": "export", "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/companies/{exporter.pk}/profile/"
    assert "no es una partida del SA" in response.content.decode()
    assert not CompanyProduct.objects.filter(hs_code_id="03").exists()


def test_add_needs_membership_and_post(client, exporter):
    other = CompanyFactory(region=exporter.region)
    assert (
        client.post(f"/companies/{other.pk}/products/add/", {"hs_code": "0301"}).status_code == 404
    )
    assert client.get(f"/companies/{exporter.pk}/products/add/").status_code == 405


def test_public_page_shows_the_suggestions_without_the_button_to_visitors(client, exporter):
    client.logout()
    html = section(client.get(f"/companies/{exporter.pk}/").content.decode())
    assert "Quienes exportan lo que vende Agro Jal también exportan" in html
    assert "Capítulo 02:" in html
    assert "<form" not in html
    client.force_login(UserFactory())
    assert "<form" not in section(client.get(f"/en/companies/{exporter.pk}/").content.decode())


def test_firm_without_exports_is_told_to_add_them(client, world_by_chapter):
    build_all()
    company = CompanyFactory(region__code="PE-LIM")
    client.force_login(MembershipFactory(company=company).user)
    html = section(client.get("/en/dashboard/").content.decode())
    assert "Add the products you export" in html
    assert "<form" not in html


def test_no_section_before_the_space_is_built(client, world_by_chapter):
    company = CompanyFactory(region__code="PE-LIM")
    client.force_login(MembershipFactory(company=company).user)
    assert "next-products" not in client.get("/dashboard/").content.decode()


def test_with_world_baci_data_the_suggestions_are_headings_added_in_one_click(
    client, world_by_chapter
):
    """Ten importers buy 0101 from MEX (10) and CHL (5), 0102 from CHL (5) and PER (10); Mexico
    buys 5 of each from CHL. RCA: MEX 2 in 0101, PER 2 in 0102, CHL 1 in both; phi = 1/2."""
    baci = TradeDataset.objects.create(source="baci", name="BACI_HS22_Y2024.csv")
    HSCodeFactory(code="010110")
    HSCodeFactory(code="010210")
    rows = []
    for importer in [f"I{n:02d}" for n in range(10)]:
        rows += [(importer, "MEX", "010110", 10), (importer, "CHL", "010110", 5)]
        rows += [(importer, "CHL", "010210", 5), (importer, "PER", "010210", 10)]
    rows += [("MEX", "CHL", "010110", 5), ("MEX", "CHL", "010210", 5)]
    TradeFlow.objects.bulk_create(
        TradeFlow(
            dataset=baci,
            year=2024,
            flow="M",
            reporter=r,
            partner=p,
            hs_code_id=k,
            value_usd=v * 1_000_000,
        )
        for r, p, k, v in rows
    )
    build_all()
    company = CompanyFactory(region__code="PE-LIM", legal_name="Ganadera Andina")
    CompanyProductFactory(company=company, hs_code_id="010210")
    client.force_login(MembershipFactory(company=company).user)
    html = section(client.get("/en/dashboard/").content.decode())
    assert "Level: HS heading (4 digits)." in html
    assert re.findall(r"HS heading (\d{4}):", html) == ["0101"]
    item = html.split("HS heading 0101:")[1]
    assert "Proximity to 0102, already listed</dt><dd>0.50" in item
    assert "Peru's density in this product</dt><dd>1.00" in item
    assert "Mexico's imports from the world, 2024</dt><dd>US$5.0M" in item
    assert '<input type="hidden" name="hs_code" value="0101">' in item
    client.post(
        f"/companies/{company.pk}/products/add/",
        {"hs_code": "0101", "direction": "export", "next": "/en/dashboard/"},
    )
    assert company.products.filter(hs_code_id="0101").exists()


def test_the_suggestions_cost_five_queries_however_many_products_then_one_from_the_cache(
    exporter, chapters, django_assert_num_queries
):
    exported = ["0101", "0201"]
    with django_assert_num_queries(5):
        found = next_products(country="MX", exported=exported)
    assert [item.code.code for item in found.items] == ["03", "04"]
    assert [h.code for h in found.items[0].headings] == ["0301", "0302"]
    with django_assert_num_queries(1):  # the space's build, which the cached items are kept by
        again = next_products(country="MX", exported=exported)
    assert again.items == found.items


def test_the_suggestions_follow_a_rebuilt_space_and_a_renamed_code(
    client, exporter, django_capture_on_commit_callbacks
):
    html = section(client.get("/dashboard/").content.decode())
    assert re.findall(r"Capítulo (\d\d):", html) == ["02", "03", "04"]
    TradeFlow.objects.filter(hs_code_id="04", flow="X").delete()
    build_all()
    html = section(client.get("/dashboard/").content.decode())
    assert re.findall(r"Capítulo (\d\d):", html) == ["02", "03"]
    with django_capture_on_commit_callbacks(execute=True):
        HSCode.objects.filter(code="03").update(description_es="Pescados y crustáceos")
        pagecache.public_pages_changed(pagecache.TRADE)
    assert "Capítulo 03: Pescados y crustáceos" in client.get("/dashboard/").content.decode()

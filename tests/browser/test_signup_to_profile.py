"""A Mexican SME signs up on a phone, verifies its email and completes its profile in Spanish."""

import re

import pytest
from django.core import mail

from companies.models import Company
from tests.factories import HSCodeFactory, RegionFactory, SectorFactory
from tradeportal.text import fold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference():
    RegionFactory(code="MX-CMX", name="Ciudad de México", national_code="09")
    RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    description = "Café, incluso tostado o descafeinado"
    HSCodeFactory(
        code="0901",
        description_es=description,
        description_en="Coffee",
        search_text=fold(f"0901 Coffee {description}"),
    )
    SectorFactory(slug="agribusiness", name_es="Agroindustria y alimentos", name_en="Agribusiness")


def test_sign_up_verify_and_complete_the_company_profile_in_spanish(phone, live_server, reference):
    page = phone
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label(re.compile("^Correo electrónico")).fill("direccion@cafedealtura.mx")
    page.get_by_label(re.compile("^Contraseña:?$")).fill("Tostado-Veracruz-91")
    page.get_by_label(re.compile(r"^Contraseña \(de nuevo\)")).fill("Tostado-Veracruz-91")
    page.get_by_label("He leído y acepto el aviso de privacidad").check()
    page.get_by_role("button", name="Registrarse").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + "/accounts/" + link.split("/accounts/", 1)[1])
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url(re.compile(r"/companies/new/"))

    page.get_by_label("Razón social").fill("Café de Altura S.A. de C.V.")
    page.get_by_label("País").select_option("MX")
    page.get_by_label("Identificación fiscal").fill("MAB-930714-8T4")
    page.get_by_label("Estado o región").select_option(label="Ciudad de México")
    page.get_by_label("Pequeña (11-50 empleados)").check()
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_url(re.compile(r"/setup/2/"))

    page.get_by_label("Nombre del producto o código SA, en español o inglés").fill("cafe")
    page.get_by_role("button", name="Lo exporto").first.click()
    page.get_by_text("Producto agregado.").wait_for()
    page.get_by_role("link", name="Continuar").click()

    page.get_by_label("Agroindustria y alimentos").check()
    page.get_by_label("HACCP").check()
    page.get_by_label("Descripción").fill("Tostadores de café de especialidad de Veracruz.")
    page.get_by_role("button", name="Guardar y continuar").click()
    page.get_by_label("Resumen diario").check()
    page.get_by_role("button", name="Terminar").click()

    page.get_by_text("El perfil de su empresa está completo.").wait_for()
    assert page.get_by_role("heading", name="Café de Altura S.A. de C.V.").is_visible()
    assert "0901" in page.content()
    company = Company.objects.get(tax_id="MAB9307148T4")
    assert company.setup_step == Company.SETUP_DONE and company.products.count() == 1
    assert company.memberships.get().notify_frequency == "daily"

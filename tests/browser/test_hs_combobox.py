"""The product field's type-ahead list works with the keyboard, tells screen readers what it
found, and runs under the site's strict CSP (no inline script or style)."""

import pytest

from opportunities.models import TradeName
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the browser fixture's flags)
from tests.factories import CompanyFactory, HSCodeFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def buyer(live_server):
    from django.test import Client

    HSCodeFactory(code="0307", description_es="Moluscos", description_en="Molluscs")
    frozen = HSCodeFactory(
        code="030743",
        description_es="Jibias, sepias y calamares (incluida la pota), congelados",
        description_en="Molluscs; cuttle fish and squid, frozen",
    )
    HSCodeFactory(code="0701", description_es="Papas frescas", description_en="Potatoes")
    TradeName.objects.create(name="pota", language="es-PE").codes.set([frozen])
    user = MembershipFactory(company=CompanyFactory(region__code="PE-PIU")).user
    client = Client()
    client.force_login(user)
    return client.cookies


def open_form(browser, live_server, cookies, width: int):
    from django.conf import settings

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="es-PE")
    cookie = cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/requests/new/")
    return context, page, violations


@pytest.mark.parametrize("width", [375, 1280])
def test_a_buyer_chooses_the_product_with_the_keyboard(browser, live_server, buyer, width):
    context, page, violations = open_form(browser, live_server, buyer, width)
    field = page.get_by_role("combobox", name="Producto o código SA")
    field.fill("pota")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.first.inner_text().startswith("030743")
    assert field.get_attribute("aria-expanded") == "true"
    assert "códigos encontrados" in page.get_by_role("status").first.inner_text()
    page.screenshot(path=f"/tmp/hs-combobox-{width}.png", full_page=False)
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    field.press("Enter")  # chooses; does not submit the form
    assert field.input_value() == "030743"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.url.endswith("/requests/new/")
    field.fill("pota")
    options.first.wait_for()
    field.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert violations == []
    context.close()

"""Every page passes axe-core with no serious or critical violation, in Spanish and English."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from companies.models import Membership
from opportunities.models import Opportunity, TradeFlow
from opportunities.reference.guide.seed import load_guide_facts
from opportunities.trade.productspace.build import build_all
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    SectorFactory,
    TradeDatasetFactory,
    UserFactory,
)
from tests.trade.productspace.conftest import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC = [
    "/",
    "/opportunities/",
    "/opportunities/?q=cafe&market=PE",
    "/opportunities/{opportunity}/",
    "/sectors/",
    "/sectors/agribusiness/",
    "/market/",
    "/methodology/",
    "/guide/",
    "/guide/09/",
    "/companies/",
    "/companies/{company}/",
    "/companies/hs-search/",
    "/companies/hs-search/?q=cafe",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
PRIVATE = [
    "/companies/mine/",
    "/companies/new/",
    "/companies/{company}/profile/",
    "/companies/{company}/setup/1/",
    "/companies/{company}/setup/2/?q=cafe",
    "/companies/{company}/setup/3/",
    "/companies/{company}/setup/4/",
    "/requests/new/",
    "/companies/privacy/",
    "/companies/api-tokens/",
    "/dashboard/",
]


@pytest.fixture
def world():
    sector = SectorFactory(slug="agribusiness", name_es="Agroindustria", name_en="Agribusiness")
    opportunity = OpportunityFactory(sector=sector, hs_code__code="090111", is_demo=True)
    company = CompanyFactory(region__code="MX-CMX", description="Café de especialidad.")
    company.sectors.add(sector)
    CompanyProductFactory(company=company, hs_code=opportunity.hs_code)
    user = UserFactory(email="ana@cafe.mx")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    MembershipFactory(user=user, company=company, role=Membership.Role.OWNER)
    load_guide_facts()
    _product_space(["09", "08", "10", "20"])  # the firm's 09 and three neighbours to suggest
    return {"opportunity": opportunity.pk, "company": company.pk, "user": user}


def _product_space(chapters: list[str]) -> None:
    """The hand-computed matrix of tests/trade/productspace, on these chapters, built."""
    dataset = TradeDatasetFactory(source="baci_oec", name="hs2.csv", is_synthetic=False)
    names = dict(zip("xyzw", chapters, strict=True))
    for code in chapters:
        HSCodeFactory(code=code)
    TradeFlow.objects.bulk_create(
        TradeFlow(
            dataset=dataset,
            reporter=country,
            partner="WLD",
            flow="X",
            year=2024,
            hs_code_id=names[product],
            value_usd=value * 1_000_000,
        )
        for country, products in MATRIX.items()
        for product, value in products.items()
    )
    build_all()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def audit(browser, live_server, paths: list[str], world, user=None) -> dict[str, list[str]]:
    # axe is injected as a script: only the test tool bypasses the site's strict CSP.
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    if user is not None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    found = {}
    for language in ("", "/en"):
        for path in paths:
            url = live_server.url + language + path.format(**world)
            response = page.goto(url)
            assert response.status == 200, url
            if problems := serious_violations(page):
                found[url] = problems
    context.close()
    return found


def test_public_pages_have_no_serious_accessibility_violation(browser, live_server, world):
    assert audit(browser, live_server, PUBLIC, world) == {}


def test_signed_in_pages_have_no_serious_accessibility_violation(browser, live_server, world):
    Opportunity.objects.update(is_demo=False)
    assert audit(browser, live_server, PRIVATE, world, user=world["user"]) == {}

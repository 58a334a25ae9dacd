"""Every public page passes axe-core with no serious or critical violation, in both languages."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PAGES = ["/", "/en/", "/accounts/login/", "/en/accounts/login/", "/accounts/signup/"]


@pytest.fixture
def page(live_server, settings):
    # The live server serves static files from the finders, which know no hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        # axe is injected as a script: only the test tool bypasses the site's strict CSP.
        page = browser.new_page(viewport={"width": 375, "height": 800}, bypass_csp=True)
        yield page
        browser.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert serious_violations(page) == []

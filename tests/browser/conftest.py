"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser_settings(settings):
    # The live server serves static files from the finders, which know no hashed names, over
    # plain HTTP, so cookies cannot be "Secure" here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    return settings


@pytest.fixture
def browser(browser_settings, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls are still synchronous, so Django's async-safety check would refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page 375 pixels wide, in Spanish, as most of our users see the site."""
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="es-MX", bypass_csp=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of the page a failed browser test ended on (.pytest_cache/)."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("phone") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        page.screenshot(path=f".pytest_cache/{item.name}.png", full_page=True)

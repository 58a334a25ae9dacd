"""Every page of the URLconf in a real browser, as a phone and a desktop, in Spanish and English.

Like the authorisation matrix (tests/web/test_authorization_matrix.py, whose world it reuses), the
URLconf is walked, not listed by hand: a route with no entry in PAGES or SKIPPED (admin pages of
a model are derived from the admin's registry) fails `test_every_route_is_visited_or_skipped`,
so a new page cannot ship without being looked at. Each page is opened as the kinds of visitor
who can see it (anonymous, member of the object's company, staff) under the site's real CSP,
and the test fails on:

- horizontal overflow: `document.documentElement.scrollWidth` above the viewport, at 375 and
  1280 pixels (one load, the viewport resized);
- any console error or uncaught exception (a CSP refusal is a console error);
- a string of UNTRANSLATED in the page's visible text (English left on a Spanish page, "tú" where
  the site says "usted", Spanish on an English page);
- a serious or critical axe-core violation.

One browser, one page per kind of visitor, reused for every URL: about 90 URLs x 2 languages.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib import admin
from django.test import Client

from companies.context_processors import SESSION_KEY
from opportunities.matching import outcomes
from opportunities.models import Opportunity
from opportunities.notifications.content import unsubscribe_token
from tests.factories import OpportunityFactory
from tests.web.test_authorization_matrix import World, routes_with_parameters, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (375, 1280)
LANGUAGES = ("es", "en")
ANONYMOUS, MEMBER, STAFF = "anonymous", "member", "staff"
EVERYONE = (ANONYMOUS, MEMBER, STAFF)


@dataclass(frozen=True)
class Page:
    """URLs of one route (built from the world) and who opens them."""

    paths: Callable[[World], list[str]]
    who: tuple[str, ...] = EVERYONE


def one(path: str) -> Callable[[World], list[str]]:
    return lambda w: [path]


PAGES: dict[str, Page] = {
    "home": Page(one("/")),
    "account_login": Page(one("/accounts/login/"), (ANONYMOUS,)),
    "account_signup": Page(one("/accounts/signup/"), (ANONYMOUS,)),
    "account_logout": Page(one("/accounts/logout/"), (MEMBER,)),
    "account_inactive": Page(one("/accounts/inactive/"), (ANONYMOUS,)),
    "account_reauthenticate": Page(one("/accounts/reauthenticate/"), (MEMBER,)),
    "account_email": Page(one("/accounts/email/"), (MEMBER,)),
    "account_email_verification_sent": Page(one("/accounts/confirm-email/"), (ANONYMOUS,)),
    "account_change_password": Page(one("/accounts/password/change/"), (MEMBER,)),
    "account_set_password": Page(one("/accounts/password/set/"), (MEMBER,)),
    "account_reset_password": Page(one("/accounts/password/reset/"), (ANONYMOUS,)),
    "account_reset_password_done": Page(one("/accounts/password/reset/done/"), (ANONYMOUS,)),
    "account_reset_password_from_key_done": Page(
        one("/accounts/password/reset/key/done/"), (ANONYMOUS,)
    ),
    "account_confirm_email": Page(
        lambda w: [f"/accounts/confirm-email/{w.objects['confirmation_key']}/"], (ANONYMOUS,)
    ),
    "account_reset_password_from_key": Page(
        lambda w: [f"/accounts/password/reset/key/{w.objects['reset_key']}/"], (ANONYMOUS,)
    ),
    "companies:directory": Page(one("/companies/")),
    "companies:detail": Page(lambda w: [f"/companies/{w.company.pk}/"]),
    "companies:mine": Page(one("/companies/mine/"), (MEMBER, STAFF)),
    "companies:new": Page(one("/companies/new/"), (MEMBER,)),
    "companies:privacy": Page(one("/companies/privacy/"), (MEMBER,)),
    "companies:api_tokens": Page(one("/companies/api-tokens/"), (MEMBER,)),
    "companies:accept_invitation": Page(
        lambda w: [f"/companies/invitations/{w.objects['invitation'].token}/"], (MEMBER,)
    ),
    "companies:profile": Page(lambda w: [f"/companies/{w.company.pk}/profile/"], (MEMBER,)),
    "companies:setup": Page(
        lambda w: [
            f"/companies/{w.company.pk}/setup/1/",
            f"/companies/{w.company.pk}/setup/2/?q=uvas",
            f"/companies/{w.company.pk}/setup/3/",
            f"/companies/{w.company.pk}/setup/4/",
        ],
        (MEMBER,),
    ),
    "notifications:preferences": Page(one("/notifications/preferences/"), (MEMBER,)),
    "notifications:unsubscribe": Page(
        lambda w: [f"/notifications/unsubscribe/{w.objects['unsubscribe_token']}/"],
        (ANONYMOUS,),
    ),
    "opportunities:browse": Page(
        lambda w: ["/opportunities/", "/opportunities/?market=PE&region=PE-LIM&q=uvas"]
    ),
    "opportunities:detail": Page(
        lambda w: [
            f"/opportunities/{w.objects['demand'].pk}/",
            f"/opportunities/{w.objects['request'].pk}/",
        ]
    ),
    "opportunities:dashboard": Page(one("/dashboard/"), (MEMBER,)),
    "opportunities:interests": Page(one("/interests/"), (MEMBER,)),
    "opportunities:my_requests": Page(one("/requests/"), (MEMBER,)),
    "opportunities:request_new": Page(one("/requests/new/"), (MEMBER,)),
    "opportunities:request_edit": Page(
        lambda w: [f"/requests/{w.objects['request'].pk}/edit/"], (MEMBER,)
    ),
    "opportunities:sectors": Page(one("/sectors/")),
    "opportunities:sector": Page(lambda w: [f"/sectors/{w.objects['sector'].slug}/"]),
    "opportunities:insights": Page(one("/market/")),
    "opportunities:methodology": Page(one("/methodology/")),
    "opportunities:market": Page(lambda w: ["/market/mx/", "/market/pe/"]),
    "opportunities:guide": Page(one("/guide/")),
    "opportunities:guide_chapter": Page(lambda w: ["/guide/08/"]),
    "opportunities:my_quotes": Page(one("/quotes/"), (MEMBER,)),
    # After the match: the owner's firm accepted an introduction (with a message and a PDF),
    # quotes on another firm's request, reads the quotes on its own, and answers an outcome.
    "opportunities:introduction": Page(
        lambda w: [f"/introductions/{w.objects['introduction'].pk}/"], (MEMBER,)
    ),
    "opportunities:quote_form": Page(
        lambda w: [f"/requests/{w.objects['their_request'].pk}/quote/"], (MEMBER,)
    ),
    "opportunities:request_quotes": Page(
        lambda w: [f"/requests/{w.objects['request'].pk}/quotes/"], (MEMBER,)
    ),
    "opportunities:outcome": Page(
        lambda w: [f"/outcomes/{outcomes.token_for(w.objects['outcome'])}/"], (ANONYMOUS,)
    ),
    "privacy_notice": Page(one("/privacy/")),
    "admin:index": Page(one("/admin/"), (STAFF,)),
    "admin:login": Page(one("/admin/login/"), (ANONYMOUS,)),
    "admin:password_change": Page(one("/admin/password_change/"), (STAFF,)),
    "admin:password_change_done": Page(one("/admin/password_change/done/"), (STAFF,)),
    "admin:app_list": Page(
        lambda w: [f"/admin/{label}/" for label in sorted(admin_app_labels())], (STAFF,)
    ),
    "admin:auth_user_password_change": Page(
        lambda w: [f"/admin/companies/user/{w.owner.pk}/password/"], (STAFF,)
    ),
}

SKIPPED: dict[str, str] = {
    "health": "JSON for monitors",
    "robots_txt": "plain text",
    "set_language": "POST only",
    "javascript-catalog": "JavaScript",
    "^media/(?P<path>.*)$": "uploaded files",
    "account_request_reauthentication_code": "log-in by code is switched off (404)",
    "account_confirm_reauthentication_code": "log-in by code is switched off (404)",
    "account_confirm_login_code": "log-in by code is switched off (404)",
    "companies:switch": "POST only",
    "companies:hs_search": "an htmx fragment, seen inside setup step 2",
    "companies:api_token_revoke": "POST only",
    "companies:product_remove": "POST only",
    "companies:member_action": "POST only",
    "opportunities:interest": "POST only",
    "opportunities:match_action": "POST only",
    "opportunities:interest_action": "POST only",
    "opportunities:request_close": "POST only",
    "admin:logout": "POST only",
    "admin:autocomplete": "JSON",
    "admin:jsi18n": "JavaScript",
    "admin:view_on_site": "a redirect to the site's page",
    "admin/(?P<url>.*)$": "the admin's catch-all: unknown admin URLs",
    "privacy_accept": "POST only",
    "companies:product_add": "POST only",
    "opportunities:introduction_withdraw": "POST only",
    "opportunities:introduction_message": "POST only",
    "opportunities:introduction_report": "POST only",
    "opportunities:quote_action": "POST only",
    "opportunities:introduction_attachment": "a PDF download",
    "admin:opportunities_abusereport_attachment": "a PDF download",
    "admin:opportunities_introductionoutcome_export": "a CSV download",
    "admin:opportunities_tradeupload_status": "an htmx fragment, seen inside the upload's page",
}

# Visible text that must not appear: English or "tú" on a Spanish page, Spanish on an English one.
UNTRANSLATED = {
    "es": [
        r"\bLog in\b",
        r"\bSign up\b",
        r"\bLog out\b",
        r"(?<!Trade: )\bOpportunities\b",
        r"\bSearch\b",
        r"\bFilters\b",
        r"\bMenu\b",
        r"\bSave\b",
        r"\bDelete\b",
        r"\bMarket\b",
        r"\bHome\b",
        r"\bDirectory\b",
        r"\bMy matches\b",
        r"\bPassword\b",
        r"\bRemember Me\b",
        r"\bDjango administration\b",
        r"Administración de Django",
        r"\bSelect\b",
        r"\bHS CODE\b",
        r"\bDataset\b",
        r"\bUPDATED AT\b",
        r"example\.com",
        r"\bView site\b",
        r"\bAdd\b",
        r"\bChange\b",
        r"\bHistory\b",
        r"---------",
        r"\b[Tt]u (?:empresa|cuenta|correo|contraseña|perfil)\b",
        r"\b[Tt]us\b",
        r"\bInicia\b",
        r"\bCrea\b",
        r"\bEscribe\b",
        r"\bIngresa\b",
        r"\bElige\b",
        r"\bRevisa\b",
        r"\bOlvidaste\b",
        r"\b[Tt]ienes\b",
        r"\b[Qq]uieres\b",
        r"\b[Pp]uedes\b",
    ],
    "en": [
        r"\bIniciar sesión\b",
        r"\bRegistrarse\b",
        r"\bOportunidades\b",
        r"\bBuscar\b",
        r"\bFiltros\b",
        r"\bMenú\b",
        r"\bGuardar\b",
        r"\bEliminar\b",
        r"\bMercado\b",
        r"\bInicio\b",
        r"\bContraseña\b",
        r"\bAdministración\b",
        r"example\.com",
        r"---------",
    ],
}


# --- Which routes and URLs ----------------------------------------------------------------------


def all_routes() -> list[tuple[str, str]]:
    """(key, route) of every URL pattern, with or without parameters, like the matrix's keys."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
                )
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                route = prefix + str(pattern.pattern)
                yield name or route, route

    return list(walk(get_resolver().url_patterns))


def admin_app_labels() -> set[str]:
    return {model._meta.app_label for model in admin.site._registry}


ADMIN_MODEL_ROUTE = re.compile(
    r"^admin/(\w+)/(\w+)/(?:<path:object_id>/)?(add/|history/|delete/|change/)?$"
)


def admin_model_pages(w: World) -> list[str]:
    """The changelist, add, change, history and delete pages of every model in the admin."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.append(base)
        if model_admin.has_add_permission(_StaffRequest(w.staff)):
            urls.append(base + "add/")
        pk = w.objects[key].pk
        urls += [f"{base}{pk}/change/", f"{base}{pk}/history/"]
        if model_admin.has_delete_permission(_StaffRequest(w.staff)):
            urls.append(f"{base}{pk}/delete/")
    return urls


@dataclass
class _StaffRequest:
    user: object


def is_admin_model_route(route: str) -> bool:
    return bool(ADMIN_MODEL_ROUTE.match(route)) and not route.startswith("admin/r/")


def test_every_route_is_visited_or_skipped():
    missing = [
        key
        for key, route in all_routes()
        if key not in PAGES
        and key not in SKIPPED
        and not route.startswith("api/")  # the API is JSON; its docs page has its own test
        and not is_admin_model_route(route)
    ]
    assert missing == [], f"routes the browser test neither visits nor skips: {missing}"
    served = {key for key, _route in all_routes()} | {"^media/(?P<path>.*)$"}  # DEBUG only
    stale = (PAGES.keys() | SKIPPED.keys()) - served
    assert stale == set(), f"entries for routes that left the URLconf: {stale}"


def test_the_parametrised_routes_are_the_matrixs():
    """Every route with a parameter is visited with its own object (or skipped, POST only)."""
    for key, route, _name in routes_with_parameters():
        if route.startswith("api/") or is_admin_model_route(route):
            continue
        assert key in PAGES or key in SKIPPED, key


# --- Visiting them ------------------------------------------------------------------------------


def prepare(w: World) -> None:
    """Secrets for the token pages: a confirmation key, a reset key, an unsubscribe token."""
    pending = EmailAddress.objects.create(user=w.other, email="pendiente@monitores.mx")
    w.objects["confirmation_key"] = EmailConfirmationHMAC(pending).key
    w.objects["reset_key"] = (
        f"{user_pk_to_url_str(w.other)}-{default_token_generator.make_token(w.other)}"
    )
    w.objects["unsubscribe_token"] = unsubscribe_token(w.objects["owner_membership"].pk)
    w.objects["their_request"] = OpportunityFactory(
        kind=Opportunity.Kind.REQUEST,
        company=w.objects["other_membership"].company,
        market_country="MX",
        hs_code=w.objects["demand"].hs_code,
        title="Uva de mesa Red Globe, calibre XL",
        quantity=40,
        unit="t",
        target_price_usd="1.80",
    )


def visits(w: World) -> dict[str, list[str]]:
    """The URL paths (without language prefix) each kind of visitor opens."""
    plan: dict[str, list[str]] = {who: [] for who in EVERYONE}
    for page in PAGES.values():
        for path in page.paths(w):
            for who in page.who:
                plan[who].append(path)
    plan[STAFF] += admin_model_pages(w)
    return plan


def signed_in_context(browser, live_server, user, company_id=None):
    client = Client()
    client.force_login(user)
    if company_id:
        session = client.session
        session[SESSION_KEY] = company_id
        session.save()
    context = new_context(browser)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def new_context(browser):
    # The site's own CSP applies (bypass_csp=False): axe comes in as an init script, which the
    # browser runs outside the page's policy, so a refused inline style still shows as an error.
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=False)
    context.add_init_script(path=str(AXE))
    return context


AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target).join(' ')}`);
}"""


# axe-core's own checks inside Django's admin widgets (not our templates): filter_horizontal's
# labels carry aria attributes axe refuses, select2 (autocomplete fields) leaves its combobox
# unnamed, and list_editable and tabular inline fields have no label of their own (the column
# header names them).
ADMIN_WIDGET_RULES = {"aria-prohibited-attr", "aria-input-field-name", "label", "select-name"}


def check(page, url: str, language: str, errors: list[str]) -> list[str]:
    problems = []
    errors.clear()
    response = page.goto(url, wait_until="load")
    status = response.status if response else 0
    if status != 200 and not (status == 403 and "/admin/" in url):
        return [f"answered {status}"]
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"overflows at {width} px: {scroll} px wide")
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    # The page's own errors, before axe runs (axe's probes would add CSP reports of their own).
    problems += [f"console: {e}" for e in errors]
    text = page.evaluate("document.body.innerText")
    admin_page = "/admin/" in url
    problems += [
        f"untranslated {m.group(0)!r}"
        for pattern in UNTRANSLATED[language]
        if not (admin_page and pattern == "---------")  # Django's empty choice in admin forms
        if (m := re.search(pattern, text))
    ]
    problems += [
        v
        for v in page.evaluate(AXE_RUN)
        if not (admin_page and v.split(":")[0] in ADMIN_WIDGET_RULES)
    ]
    return problems


@pytest.mark.timeout(1200)
def test_every_page_fits_a_phone_and_a_desktop_without_errors_in_both_languages(
    browser,
    live_server,
    world,  # noqa: F811 (the matrix's fixture)
):
    prepare(world)
    contexts = {
        ANONYMOUS: new_context(browser),
        MEMBER: signed_in_context(browser, live_server, world.owner, world.company.pk),
        STAFF: signed_in_context(browser, live_server, world.staff),
    }
    found: dict[str, list[str]] = {}
    visited = 0
    for who, paths in visits(world).items():
        page = contexts[who].new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        for path in paths:
            for language in LANGUAGES:
                url = live_server.url + ("" if language == "es" else "/en") + path
                if problems := check(page, url, language, errors):
                    found[f"{who} {url}"] = problems
                visited += 1
    for context in contexts.values():
        context.close()
    assert visited > 150
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())

"""The authorisation matrix: every route with an object in its URL, tried by each kind of visitor.

The URLconf is walked, not listed by hand: a route with a parameter that has no entry in ROUTES
(or that the admin rule does not cover) fails the test, so a new route cannot ship without a
decision about who may reach it. For each route the test asks as an anonymous visitor, as a
member of another company and as the owner, and checks what each kind of access promises:

- private: anonymous → login page; another company's member → 404 (never a hint it exists);
  the owner → served (200, or a redirect that is not to the login page);
- public: served to everyone (published objects only);
- signed in: any signed-in member may act (interest in a published opportunity); anonymous → login;
- token: reached by a secret sent by email; a forged secret changes nothing and shows nothing;
- admin: staff only; anonymous visitors and members who are not staff are sent to the admin login.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from companies import tokens
from companies.context_processors import SESSION_KEY
from companies.models import Invitation, Membership, NotificationFrequency, PrivacyNotice
from opportunities.matching import conversations, outcomes
from opportunities.models import (
    CountryProduct,
    GuideFact,
    Interest,
    IntroductionOutcome,
    MatchingRun,
    MatchingSettings,
    Opportunity,
    ProductSpace,
    Quote,
    TradeName,
    TradeUpload,
)
from opportunities.notifications.content import unsubscribe_token
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    HSSectionFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    RegionFactory,
    SectorFactory,
    TradeFlowFactory,
    UserFactory,
    pdf_bytes,
)
from tradeportal.models import OutboxEmail

FIRST_NOTICE = importlib.import_module("companies.migrations.0007_privacy_notice_first_version")

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "a-Strong-pass-123"  # the factories' password


@dataclass
class World:
    """Two unrelated companies (the owner's and another), staff, and one object of every kind."""

    owner: object
    other: object
    staff: object
    company: object
    objects: dict = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    lima = RegionFactory(code="PE-LIM", country="PE", name="Lima", national_code="150000")
    cdmx = RegionFactory(code="MX-CMX", country="MX", name="Ciudad de México", national_code="09")
    # A browser test's flushed database has lost the notice the migration wrote: write it again.
    FIRST_NOTICE.first_version(django_apps, None)
    owner, other = UserFactory(email="duena@uvas.pe"), UserFactory(email="otro@monitores.mx")
    staff = UserFactory(email="staff@tradeportal.test", is_staff=True, is_superuser=True)
    for user in (owner, other, staff):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    company = CompanyFactory(legal_name="Uvas del Sur S.A.C.", region=lima)
    other_company = CompanyFactory(legal_name="Monitores del Norte S.A.", region=cdmx)
    MembershipFactory(user=owner, company=company)
    other_membership = MembershipFactory(user=other, company=other_company)
    third = CompanyFactory(legal_name="Tercera S.A.", region=cdmx)

    grapes = HSCodeFactory(code="0806")
    product = CompanyProductFactory(company=company, hs_code=grapes)
    demand = OpportunityFactory(market_country="MX", hs_code=grapes, title="Uvas para México")
    buyer_request = OpportunityFactory(
        kind=Opportunity.Kind.REQUEST, company=company, market_country="PE", hs_code=grapes
    )
    interest = Interest.objects.create(company=third, opportunity=buyer_request)
    introduction = Interest.objects.create(
        company=third, target_company=company, status=Interest.Status.ACCEPTED
    )
    sector = SectorFactory(slug="agroindustria")
    objects = {
        "product": product,
        "demand": demand,
        "request": buyer_request,
        "match": MatchFactory(company=company, opportunity=demand),
        "interest": interest,
        "introduction": introduction,
        "sector": sector,
        "invitation": Invitation.objects.create(
            company=company, email="nueva@uvas.pe", token="invitation-secret-token"
        ),
        "owner_membership": Membership.objects.get(user=owner),
        "other_membership": other_membership,
        # One instance of every model the admin shows, keyed "app_label.modelname".
        "companies.user": owner,
        "companies.region": lima,
        "companies.company": company,
        "account.emailaddress": EmailAddress.objects.get(user=owner),
        "auth.group": Group.objects.create(name="Moderadores"),
        "sites.site": Site.objects.get_current(),
        "opportunities.hssection": HSSectionFactory(),
        "opportunities.hscode": grapes,
        "opportunities.sector": sector,
        "opportunities.tradename": TradeName.objects.create(name="uva de mesa"),
        "opportunities.tradeflow": TradeFlowFactory(hs_code=grapes),
        "opportunities.opportunity": demand,
        "opportunities.match": None,  # filled below
        "opportunities.interest": interest,
        "opportunities.matchingsettings": MatchingSettings.load(),
        "opportunities.matchingrun": MatchingRun.objects.create(kind=MatchingRun.Kind.FULL),
        "tradeportal.outboxemail": OutboxEmail.objects.create(
            key="matrix-test", to_email="duena@uvas.pe", template="emails/digest"
        ),
    }
    objects["opportunities.tradeupload"] = TradeUpload.objects.create(
        file="imports/baci.csv", format="baci", uploaded_by=staff
    )
    objects["api_token"] = objects["companies.apitoken"] = tokens.create_token(
        user=owner, name="ERP"
    )[0]
    objects["opportunities.match"] = objects["match"]
    objects["opportunities.guidefact"] = GuideFact.objects.create(
        key="matrix",
        topic=GuideFact.Topic.AGENCIES,
        title_es="SENASA",
        title_en="SENASA",
        text_es="Sanidad agraria.",
        text_en="Plant health.",
        source_name="SENASA",
        source_url="https://www.senasa.gob.pe/",
        last_reviewed="2026-12-01",
    )
    space = ProductSpace.objects.create(level=2, year=2024, source="x", countries=1, products=1)
    objects["opportunities.productspace"] = space
    objects["opportunities.countryproduct"] = CountryProduct.objects.create(
        space=space,
        country="PER",
        product_id="08",
        exports_usd=1,
        rca=1,
        specialised=True,
        density=0,
    )
    objects["message"] = conversations.post_message(
        interest=introduction,
        company=third,
        user=None,
        body="Hola",
        attachment=SimpleUploadedFile("catalogo.pdf", pdf_bytes(), "application/pdf"),
    )
    objects["quote"] = objects["opportunities.quote"] = Quote.objects.create(
        request=buyer_request, supplier=third, **QUOTE_TERMS
    )
    objects["outcome"] = objects["opportunities.introductionoutcome"] = (
        IntroductionOutcome.objects.create(
            interest=introduction, company=company, after_days=30, asked_at=introduction.created_at
        )
    )
    objects["opportunities.abusereport"] = conversations.report_thread(
        interest=introduction, company=company, user=owner, reason="Spam"
    )
    objects["opportunities.tradedataset"] = objects["opportunities.tradeflow"].dataset
    objects["companies.invitation"] = objects["invitation"]
    objects["companies.privacynotice"] = PrivacyNotice.objects.current()
    objects["companies.privacyconsent"] = owner.privacy_consents.get()
    return World(owner=owner, other=other, staff=staff, company=company, objects=objects)


# --- The kinds of access ------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    kwargs: Callable[[World], dict]
    method: str = "get"
    data: Callable[[World], dict] = lambda world: {}


class Private(Access):
    """One company's object."""


class Public(Access):
    """A published object anyone may see."""


class SignedIn(Access):
    """Any signed-in company member may act on it."""


@dataclass(frozen=True)
class Token(Access):
    """A secret from an email; `unchanged` says the forged secret had no effect."""

    unchanged: Callable[[World], bool] = lambda world: True


class NotAnObject:
    """A parameter that names no object (a language, an app label, a catch-all)."""

    def __init__(self, why: str):
        self.why = why


ROUTES: dict[str, Access | NotAnObject] = {
    "companies:detail": Public(lambda w: {"pk": w.company.pk}),
    "companies:profile": Private(lambda w: {"pk": w.company.pk}),
    "companies:setup": Private(lambda w: {"pk": w.company.pk, "step": 2}),
    "companies:api_token_revoke": Private(
        lambda w: {"token_id": w.objects["api_token"].pk}, method="post"
    ),
    "companies:product_remove": Private(
        lambda w: {"pk": w.company.pk, "product_id": w.objects["product"].pk}, method="post"
    ),
    "companies:product_add": Private(
        lambda w: {"pk": w.company.pk},
        method="post",
        data=lambda w: {"hs_code": "0806", "direction": "import", "next": "/"},
    ),
    "companies:member_action": Private(
        lambda w: {"pk": w.company.pk, "action": "invite"},
        method="post",
        data=lambda w: {"email": "colega@uvas.pe"},
    ),
    "companies:accept_invitation": Token(
        lambda w: {"token": "forged-invitation-token"},
        method="post",
        unchanged=lambda w: not Membership.objects.filter(user=w.other, company=w.company).exists(),
    ),
    "notifications:unsubscribe": Token(
        lambda w: {"token": unsubscribe_token(w.objects["owner_membership"].pk) + "x"},
        method="post",
        unchanged=lambda w: (
            Membership.objects.get(pk=w.objects["owner_membership"].pk).notify_frequency
            != NotificationFrequency.NONE
        ),
    ),
    "opportunities:detail": Public(lambda w: {"pk": w.objects["demand"].pk}),
    "opportunities:sector": Public(lambda w: {"slug": w.objects["sector"].slug}),
    "opportunities:market": Public(lambda w: {"code": "pe"}),
    "opportunities:guide_chapter": Public(lambda w: {"chapter": "08"}),
    "opportunities:interest": SignedIn(lambda w: {"pk": w.objects["demand"].pk}, method="post"),
    "opportunities:match_action": Private(
        lambda w: {"pk": w.objects["match"].pk, "action": "dismiss"}, method="post"
    ),
    "opportunities:interest_action": Private(
        lambda w: {"pk": w.objects["interest"].pk, "action": "decline"},
        method="post",
        data=lambda w: {"reason": "Sin stock este mes"},
    ),
    "opportunities:introduction": Private(lambda w: {"pk": w.objects["introduction"].pk}),
    "opportunities:introduction_withdraw": Private(
        lambda w: {"pk": w.objects["introduction"].pk}, method="post"
    ),
    "opportunities:introduction_message": Private(
        lambda w: {"pk": w.objects["introduction"].pk},
        method="post",
        data=lambda w: {"body": "Hola"},
    ),
    "opportunities:introduction_attachment": Private(
        lambda w: {"pk": w.objects["introduction"].pk, "message_id": w.objects["message"].pk}
    ),
    "opportunities:introduction_report": Private(
        lambda w: {"pk": w.objects["introduction"].pk},
        method="post",
        data=lambda w: {"reason": "Spam"},
    ),
    "opportunities:quote_form": SignedIn(lambda w: {"pk": w.objects["request"].pk}),
    "opportunities:request_quotes": Private(lambda w: {"pk": w.objects["request"].pk}),
    "opportunities:quote_action": Private(
        lambda w: {"pk": w.objects["quote"].pk, "action": "shortlist"}, method="post"
    ),
    "opportunities:outcome": Token(
        lambda w: {"token": outcomes.token_for(w.objects["outcome"]) + "x"},
        unchanged=lambda w: not IntroductionOutcome.objects.exclude(answer="").exists(),
    ),
    "opportunities:request_edit": Private(lambda w: {"pk": w.objects["request"].pk}),
    "opportunities:request_close": Private(
        lambda w: {"pk": w.objects["request"].pk}, method="post"
    ),
    "account_confirm_email": Token(
        lambda w: {"key": "forged-confirmation-key"},
        method="post",
        unchanged=lambda w: (
            not EmailAddress.objects.filter(email="pendiente@uvas.pe").get().verified
        ),
    ),
    "account_reset_password_from_key": Token(
        lambda w: {"uidb36": user_pk_to_url_str(w.owner), "key": "forged-reset-key"},
        method="post",
        data=lambda w: {"password1": "Nueva-Clave-2026!", "password2": "Nueva-Clave-2026!"},
        unchanged=lambda w: type(w.owner).objects.get(pk=w.owner.pk).check_password(PASSWORD),
    ),
    "admin:app_list": NotAnObject("an app label of the admin index"),
    "admin/(?P<url>.*)$": NotAnObject("the admin's catch-all: unknown admin URLs"),
    "^media/(?P<path>.*)$": NotAnObject("uploaded files, served this way only with DEBUG"),
}


# --- Walking the URLconf ------------------------------------------------------------------------


def routes_with_parameters():
    """(key, route, name) for every URL pattern whose URL carries a parameter."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.pattern.regex.groupindex:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                route = prefix + str(pattern.pattern)
                yield name or route, route, name

    return list(walk(get_resolver().url_patterns))


def admin_model(route: str) -> str | None:
    """The model ("app_label.modelname") of an admin route of one object, or None.

    For example admin/companies/company/<path:object_id>/change/ gives companies.company.
    """
    parts = route.split("/")
    if parts[:2] == ["admin", "r"] or len(parts) < 4:  # r/: view on site, tested on its own
        return None
    if parts[0] != "admin" or not ("object_id" in route or "<id>" in route):
        return None
    return f"{parts[1]}.{parts[2]}"


def test_every_route_with_a_parameter_has_an_access_rule():
    missing = [
        key
        for key, route, _name in routes_with_parameters()
        if key not in ROUTES
        and not admin_model(route)
        and not key.startswith("admin:view_on_site")
        and not route.startswith("api/")  # the API's operations are checked from its schema
    ]
    assert missing == [], f"routes with no entry in the authorisation matrix: {missing}"


# --- Trying them --------------------------------------------------------------------------------


def request(client, access: Access, world: World, url: str):
    if access.method == "post":
        return client.post(url, access.data(world))
    return client.get(url)


def as_user(client, user, world: World):
    client.force_login(user)
    company_id = Membership.objects.filter(user=user).values_list("company_id", flat=True).first()
    if company_id:
        session = client.session
        session[SESSION_KEY] = company_id
        session.save()
    return client


def served(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 200 or (
        response.status_code == 302 and not location.startswith((LOGIN, ADMIN_LOGIN))
    )


def sends_to(response, login: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(login)


SITE_ROUTES = [key for key, rule in ROUTES.items() if isinstance(rule, Access)]


@pytest.mark.parametrize("key", SITE_ROUTES)
def test_site_routes_answer_each_kind_of_visitor_as_promised(key, world, client):
    access = ROUTES[key]
    url = reverse(key, kwargs=access.kwargs(world))
    anonymous = request(client, access, world, url)

    if isinstance(access, Public):
        assert anonymous.status_code == 200, url
        assert served(request(as_user(client, world.other, world), access, world, url)), url
        return
    if isinstance(access, Token):
        if key == "account_confirm_email":
            EmailAddress.objects.create(user=world.owner, email="pendiente@uvas.pe")
        forged = request(as_user(client, world.other, world), access, world, url)
        assert forged.status_code in (200, 302, 400, 404), url
        assert "Uvas del Sur" not in forged.content.decode(), (
            f"{url} shows the company to a stranger"
        )
        assert access.unchanged(world), f"{url} acted on a forged secret"
        return

    assert sends_to(anonymous, LOGIN), (
        f"{url} answered {anonymous.status_code} to an anonymous visitor"
    )
    if isinstance(access, SignedIn):
        assert served(request(as_user(client, world.other, world), access, world, url)), url
        return
    stranger = request(as_user(client, world.other, world), access, world, url)
    assert stranger.status_code == 404, f"{url} answered {stranger.status_code} to another company"
    owner = request(as_user(client, world.owner, world), access, world, url)
    assert served(owner), f"{url} answered {owner.status_code} to its owner"


ADMIN_MODELS: dict[str, list[str]] = {}
for _key, _route, _name in routes_with_parameters():
    if admin_model(_route):
        ADMIN_MODELS.setdefault(admin_model(_route), []).append(_route)


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_admin_object_pages_are_for_staff_only(model, world, client):
    assert model in world.objects, f"add a {model} to the matrix's world"
    pk = str(world.objects[model].pk)
    for route in ADMIN_MODELS[model]:
        url = "/" + route.replace("<path:object_id>", pk).replace("<id>", pk)
        assert sends_to(client.get(url), ADMIN_LOGIN), url
        assert sends_to(as_user(client, world.other, world).get(url), ADMIN_LOGIN), url
        assert served(as_user(client, world.staff, world).get(url)), url
        client.logout()


def test_the_admins_view_on_site_redirect_is_for_staff_only(world, client):
    url = reverse("admin:view_on_site", args=[1, world.company.pk])
    assert sends_to(client.get(url), ADMIN_LOGIN)
    assert sends_to(as_user(client, world.other, world).get(url), ADMIN_LOGIN)


# --- The API, operation by operation, from its committed schema --------------------------------
# (tests/api/test_schema.py keeps openapi.yaml equal to the generated schema.)


def api_operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation in openapi.yaml."""
    import yaml

    schema = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    return [
        (operation["operationId"], method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


@dataclass(frozen=True)
class ApiPublic:
    """Readable by everyone, tokens or not."""

    params: Callable = lambda w: {}


@dataclass(frozen=True)
class ApiPrivate:
    """A company's own: anonymous → 401; another company's member → 404 (or, for a list, a list
    without it); a member of the company → served."""

    params: Callable = lambda w: {}
    body: Callable = lambda w: {}
    listing: bool = False  # a list of the user's own things, with no company in the URL


def _mine(w):
    return {"company_pk": w.mine.pk}


def _my_match(w):
    return {"company_pk": w.mine.pk, "id": w.my_match.pk}


def _my_request(w):
    return {"company_pk": w.mine.pk, "id": w.my_request.pk}


def _my_product(w):
    return {"company_pk": w.mine.pk, "id": w.mine.products.get().pk}


def _interest_in_mine(w, status=Interest.Status.PENDING):
    """An interest a third firm (not the stranger's) sent to `mine`."""
    third = CompanyFactory(legal_name="Tercera S.A.", region=w.mine.region)
    interest = Interest.objects.create(company=third, target_company=w.mine, status=status)
    return {"company_pk": w.mine.pk, "id": interest.pk}


def _introduction_of_mine(w):
    ids = _interest_in_mine(w, Interest.Status.ACCEPTED)
    return {"company_pk": ids["company_pk"], "interest_pk": ids["id"]}


def _message_with_pdf(w):
    """A message with a PDF in an introduction of `mine`."""
    ids = _introduction_of_mine(w)
    interest = Interest.objects.get(pk=ids["interest_pk"])
    pdf = SimpleUploadedFile("catalogo.pdf", pdf_bytes(), content_type="application/pdf")
    message = conversations.post_message(
        interest=interest, company=interest.company, user=None, body="Hola", attachment=pdf
    )
    return {**ids, "id": message.pk}


def _quote_on_mine(w):
    """A quote a third firm sent on `mine`'s buyer request."""
    third = CompanyFactory(legal_name="Proveedora S.A.", region=w.mine.region)
    quote = Quote.objects.create(request=w.my_request, supplier=third, **QUOTE_TERMS)
    return {"company_pk": w.mine.pk, "id": quote.pk}


QUOTE_TERMS = {
    "unit_price": "2.35",
    "quantity": "100",
    "incoterm": "FOB",
    "lead_time_days": 10,
    "valid_until": "2031-01-01",
}
REQUEST_BODY = {"title": "Cobre refinado", "hs_code": "7403", "deadline": "2031-01-01T00:00:00Z"}
API_OPERATIONS: dict[str, ApiPublic | ApiPrivate] = {
    "companies_list": ApiPublic(),
    "companies_retrieve": ApiPublic(lambda w: {"id": w.theirs.pk}),
    "hs_codes_list": ApiPublic(),
    "hs_codes_retrieve": ApiPublic(lambda w: {"code": "0901"}),
    "opportunities_list": ApiPublic(),
    "opportunities_retrieve": ApiPublic(lambda w: {"id": w.demand.pk}),
    "regions_list": ApiPublic(),
    "regions_retrieve": ApiPublic(lambda w: {"code": "PE-LIM"}),
    "sectors_list": ApiPublic(),
    "sectors_retrieve": ApiPublic(lambda w: {"slug": "agribusiness"}),
    "trade_statistics_list": ApiPublic(),
    "my_companies_list": ApiPrivate(listing=True),
    "my_companies_retrieve": ApiPrivate(lambda w: {"id": w.mine.pk}),
    "my_companies_update": ApiPrivate(
        lambda w: {"id": w.mine.pk},
        lambda w: {
            "legal_name": w.mine.legal_name,
            "region": "MX-CMX",
            "size": "small",
            "city": "Tlalpan",
        },
    ),
    "my_companies_partial_update": ApiPrivate(
        lambda w: {"id": w.mine.pk}, lambda w: {"city": "Tlalpan"}
    ),
    "my_companies_matches_list": ApiPrivate(_mine),
    "my_companies_matches_retrieve": ApiPrivate(_my_match),
    "my_companies_matches_dismiss_create": ApiPrivate(_my_match),
    "my_companies_matches_interested_create": ApiPrivate(_my_match),
    "my_companies_matches_restore_create": ApiPrivate(_my_match),
    "my_companies_interests_list": ApiPrivate(_mine),
    "my_companies_interests_retrieve": ApiPrivate(_interest_in_mine),
    "my_companies_interests_accept_create": ApiPrivate(_interest_in_mine, lambda w: {}),
    "my_companies_interests_decline_create": ApiPrivate(
        _interest_in_mine, lambda w: {"reason": "Sin stock"}
    ),
    "my_companies_interests_withdraw_create": ApiPrivate(
        lambda w: _interest_in_mine(w, Interest.Status.ACCEPTED)
    ),
    "my_companies_interests_report_create": ApiPrivate(
        lambda w: _interest_in_mine(w, Interest.Status.ACCEPTED), lambda w: {"reason": "Spam"}
    ),
    "my_companies_interests_messages_list": ApiPrivate(_introduction_of_mine),
    "my_companies_interests_messages_create": ApiPrivate(
        _introduction_of_mine, lambda w: {"body": "Adjunto el catálogo"}
    ),
    "my_companies_interests_messages_attachment_retrieve": ApiPrivate(_message_with_pdf),
    "my_companies_quotes_list": ApiPrivate(_mine),
    "my_companies_quotes_create": ApiPrivate(
        _mine, lambda w: {**QUOTE_TERMS, "request": w.their_request.pk}
    ),
    "my_companies_quotes_retrieve": ApiPrivate(_quote_on_mine),
    "my_companies_quotes_shortlist_create": ApiPrivate(_quote_on_mine),
    "my_companies_quotes_accept_create": ApiPrivate(_quote_on_mine),
    "my_companies_quotes_decline_create": ApiPrivate(_quote_on_mine, lambda w: {"reason": "Caro"}),
    "my_companies_interests_outcome_create": ApiPrivate(
        lambda w: _interest_in_mine(w, Interest.Status.ACCEPTED), lambda w: {"answer": "yes"}
    ),
    "results_retrieve": ApiPublic(),
    "my_companies_products_list": ApiPrivate(_mine),
    "my_companies_products_create": ApiPrivate(
        _mine, lambda w: {"hs_code": "7403", "direction": "export"}
    ),
    "my_companies_products_retrieve": ApiPrivate(_my_product),
    "my_companies_products_destroy": ApiPrivate(_my_product),
    "my_companies_requests_list": ApiPrivate(_mine),
    "my_companies_requests_create": ApiPrivate(_mine, lambda w: REQUEST_BODY),
    "my_companies_requests_retrieve": ApiPrivate(_my_request),
    "my_companies_requests_update": ApiPrivate(_my_request, lambda w: REQUEST_BODY),
    "my_companies_requests_partial_update": ApiPrivate(_my_request, lambda w: {"quantity": "25"}),
    "my_companies_requests_close_create": ApiPrivate(_my_request),
    "my_notification_preferences_list": ApiPrivate(listing=True),
    "my_notification_preferences_retrieve": ApiPrivate(lambda w: {"company": w.mine.pk}),
    "my_notification_preferences_update": ApiPrivate(
        lambda w: {"company": w.mine.pk},
        lambda w: {"notify_frequency": "weekly", "notify_min_score": 60},
    ),
    "my_notification_preferences_partial_update": ApiPrivate(
        lambda w: {"company": w.mine.pk}, lambda w: {"notify_frequency": "weekly"}
    ),
}


def test_every_api_operation_has_an_access_rule():
    operations = {operation for operation, _method, _path in api_operations()}
    assert sorted(operations - API_OPERATIONS.keys()) == [], "API operations with no entry"
    assert sorted(API_OPERATIONS.keys() - operations) == [], "entries for operations that left"


def test_every_api_route_is_in_the_schema():
    """So that the schema-driven matrix sees every API route with a parameter."""
    import re

    paths = {re.sub(r"\{\w+\}", "{}", path) for _op, _method, path in api_operations()}
    for _key, route, _name in routes_with_parameters():
        if route.startswith("api/") and "schema" not in route and "docs" not in route:
            url = "/" + re.sub(r"\(\?P<\w+>[^)]*\)|<[\w:]+>", "{}", route)
            url = url.replace("^", "").replace("$", "").replace("\\.", ".")
            if "{}" in url and "format" not in route:
                assert url in paths, f"{route} is served but missing from openapi.yaml"


API = api_operations()


@pytest.mark.parametrize(("operation", "method", "path"), API, ids=[op for op, _m, _p in API])
def test_api_operations_answer_each_kind_of_client_as_promised(operation, method, path, db):
    from tests.api.conftest import build_world, token_client

    w = build_world()
    rule = API_OPERATIONS[operation]
    url = path.format(**rule.params(w))
    body = rule.body(w) if isinstance(rule, ApiPrivate) else {}

    def call(user):
        return getattr(token_client(user), method)(url, body, format="json")

    if isinstance(rule, ApiPublic):
        for user in (None, w.stranger, w.owner):
            assert call(user).status_code == 200, f"{method} {url} for {user}"
        return
    anonymous = call(None)
    assert anonymous.status_code == 401, f"{method} {url} answered {anonymous.status_code}"
    stranger = call(w.stranger)
    if rule.listing:
        assert stranger.status_code == 200
        assert w.mine.pk not in companies_in(stranger)
    else:
        assert stranger.status_code == 404, f"{method} {url} answered {stranger.status_code}"
    owner = call(w.owner)
    assert owner.status_code in (200, 201, 204), f"{method} {url}: {owner.content}"
    if rule.listing:
        assert w.mine.pk in companies_in(owner)


def companies_in(response) -> set[int]:
    """The companies a list of the user's companies or preferences shows."""
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["company"] if "company" in row else row["id"] for row in rows}

"""The signed-in user's own data through the API: the same service functions, so the same rules
(verification, moderation, rematching after the commit) as the site's pages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.models import Interest, Match, Opportunity
from tests.api.conftest import error, token_client
from tests.factories import CompanyFactory, MatchFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rematches(monkeypatch):
    """The companies whose rematch was queued (tasks run after the commit)."""
    from opportunities.matching import tasks

    queued = []
    monkeypatch.setattr(tasks.rematch_company, "delay", queued.append)
    monkeypatch.setattr(tasks.match_opportunity, "delay", lambda pk: None)
    return queued


def test_members_edit_the_profile_and_the_company_is_rematched(
    world, as_owner, rematches, django_capture_on_commit_callbacks
):
    path = f"/api/v1/my/companies/{world.mine.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_owner.patch(
            path,
            {"city": "Tlalpan", "sectors": ["mining"], "website": "https://cafe.mx"},
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["city"], body["sectors"], body["my_role"]) == ("Tlalpan", ["mining"], "owner")
    assert rematches == [world.mine.pk]


def test_the_country_and_tax_id_never_change(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/"
    tax_id = world.mine.tax_id
    as_owner.patch(path, {"country": "PE", "tax_id": "20100070970"}, format="json")
    world.mine.refresh_from_db()
    assert (world.mine.country, world.mine.tax_id) == ("MX", tax_id)


def test_profile_rules_are_the_wizards(world):
    client = token_client(world.owner, "en")
    path = f"/api/v1/my/companies/{world.mine.pk}/"
    response = client.patch(path, {"year_founded": 1700}, format="json")
    assert error(response)["fields"] == {
        "year_founded": ["Enter a year between 1800 and this year."]
    }
    response = client.patch(path, {"sectors": ["no-such"], "region": "PE-XXX"}, format="json")
    assert set(error(response)["fields"]) == {"sectors", "region"}


def test_a_company_keeps_a_region_of_its_own_country(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/"
    response = as_owner.patch(path, {"region": "PE-LIM"}, format="json")
    assert error(response)["fields"] == {"region": ["Elija un estado o región de México."]}


def test_products_are_added_updated_and_removed(
    world, as_owner, rematches, django_capture_on_commit_callbacks
):
    path = f"/api/v1/my/companies/{world.mine.pk}/products/"
    with django_capture_on_commit_callbacks(execute=True):
        created = as_owner.post(
            path,
            {"hs_code": "74.03", "direction": "export", "yearly_volume_usd": 5000},
            format="json",
        )
    assert created.status_code == 201
    assert created.json()["hs_code"] == "7403"
    again = as_owner.post(
        path, {"hs_code": "7403", "direction": "export", "yearly_volume_usd": 9000}, format="json"
    )
    assert again.json()["id"] == created.json()["id"]
    assert again.json()["yearly_volume_usd"] == "9000"
    assert [p["hs_code"] for p in as_owner.get(path).json()] == ["0901", "7403"]
    assert as_owner.delete(f"{path}{created.json()['id']}/").status_code == 204
    assert [p["hs_code"] for p in as_owner.get(path).json()] == ["0901"]
    assert rematches == [world.mine.pk]


def test_buyer_requests_go_to_moderation_and_can_be_edited_and_closed(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/requests/"
    body = {
        "title": "Cobre refinado",
        "hs_code": "7403",
        "quantity": "20",
        "unit": "t",
        "incoterm": "FOB",
        "deadline": "2031-03-01T12:00:00Z",
        "required_certifications": ["iso9001"],
    }
    created = as_owner.post(path, body, format="json")
    assert created.status_code == 201, created.content
    request = created.json()
    assert (request["status"], request["market_country"]) == ("pending", "MX")
    edited = as_owner.patch(f"{path}{request['id']}/", {"quantity": "25"}, format="json")
    assert (edited.json()["quantity"], edited.json()["title"]) == ("25.000", "Cobre refinado")
    closed = as_owner.post(f"{path}{request['id']}/close/")
    assert closed.json()["status"] == "closed"
    assert Opportunity.objects.get(pk=request["id"]).closed_at is not None
    assert as_owner.get(path).json()["results"][0]["id"] == request["id"]


def test_buyer_requests_follow_the_forms_rules(world):
    client = token_client(world.owner, "en")
    path = f"/api/v1/my/companies/{world.mine.pk}/requests/"
    response = client.post(path, {"title": "", "hs_code": "7403"}, format="json")
    assert set(error(response)["fields"]) == {"title", "deadline"}
    unknown = client.post(
        path, {"title": "x", "hs_code": "99", "deadline": "2031-01-01T00:00:00Z"}, format="json"
    )
    assert error(unknown)["fields"]["hs_code"] == [
        "99 is not an HS heading (4 digits) or subheading (6 digits). "
        "Try a product name or another code."
    ]
    past = client.post(
        path, {"title": "x", "hs_code": "7403", "deadline": "2020-01-01T00:00:00Z"}, format="json"
    )
    assert error(past)["fields"] == {"deadline": ["The deadline must be in the future."]}
    zero = client.post(
        path,
        {"title": "x", "hs_code": "7403", "quantity": "0", "deadline": "2031-01-01T00:00:00Z"},
        format="json",
    )
    assert error(zero)["fields"] == {"quantity": ["Enter a quantity greater than zero."]}


def test_matches_list_best_first_with_reasons_and_filters(world):
    client = token_client(world.owner, "en")
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/"
    MatchFactory(company=world.mine, score=99, is_stale=True)
    body = client.get(path).json()
    assert [m["score"] for m in body["results"]] == [88, 60]
    assert body["results"][0]["reasons"] == ["Uvas del Sur wants to buy Coffee (HS 0901)."]
    assert [m["score"] for m in client.get(f"{path}?min_score=70").json()["results"]] == [88]
    assert client.get(f"{path}?kind=buyer").json()["count"] == 0
    assert client.get(f"{path}?sector=agribusiness").json()["count"] == 1


def test_a_dismissed_match_leaves_the_list_and_can_be_restored(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/"
    response = as_owner.post(f"{path}{world.my_match.pk}/dismiss/")
    assert response.json()["status"] == "dismissed"
    assert [m["id"] for m in as_owner.get(path).json()["results"]] == [
        m.pk for m in Match.objects.filter(company=world.mine, score=60)
    ]
    assert as_owner.get(f"{path}?status=dismissed").json()["count"] == 1
    assert as_owner.post(f"{path}{world.my_match.pk}/restore/").json()["status"] == "seen"


def test_interest_in_a_match_tells_the_buyer_as_the_site_does(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/{world.my_match.pk}/interested/"
    response = as_owner.post(path, {"message": "Tenemos café de altura"}, format="json")
    assert response.json()["status"] == "interested"
    interest = Interest.objects.get(company=world.mine)
    assert (interest.opportunity, interest.message) == (
        world.their_request,
        "Tenemos café de altura",
    )
    from tradeportal.models import OutboxEmail

    assert OutboxEmail.objects.filter(to_email=world.stranger.email).exists()


def matches_of_every_kind(world) -> None:
    """Beside the world's two: a firm match with reasons and components, one of a buyer request
    whose market has a region, one of demand without a sector."""
    lima = world.theirs.region
    MatchFactory(
        company=world.mine,
        kind=Match.Kind.BUYER,
        opportunity=None,
        counterpart=CompanyFactory(legal_name="Importadora Andina S.A.C.", region=lima),
        score=81.5,
        components={"product": 1.0, "market": 0.625, "freshness": 0.3},
        reasons=[
            {
                "key": "counterpart",
                "params": {"company": "Andina", "country": "PE", "code": "0901", "role": "buyer"},
            },
            {"key": "product", "params": {"level": "exact", "firm_code": "0901"}},
            {"key": "certifications", "params": {"met": ["haccp"], "missing": ["organic"]}},
        ],
    )
    MatchFactory(
        company=world.mine,
        kind=Match.Kind.SUPPLIER,
        opportunity=None,
        counterpart=CompanyFactory(
            legal_name="Agro Ica S.A.C.", trade_name="Agro Ica", region=lima
        ),
        score=40,
    )
    MatchFactory(
        company=world.mine,
        opportunity=OpportunityFactory(
            hs_code=world.demand.hs_code, market_region=lima, sector=None, growth_pct=4.25
        ),
        score=72,
        components={"product": 0.7},
        reasons=[
            {
                "key": "market_imports",
                "params": {
                    "market": "PE",
                    "region": "Lima",
                    "value": 1_250_000.0,
                    "code": "0901",
                    "year": 2024,
                    "months": [12],
                    "demo": True,
                    "partner": "MX",
                    "share": 5,
                },
            },
            {"key": "growth", "params": {"growth": 4.2}},
            {"key": "unrealised", "params": {"partner": "MX", "value": 300_000.0}},
            {"key": "dismissed_similar", "params": {}},
        ],
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_each_match_list_entry_is_the_serializers_output_for_that_match(world, language):
    matches_of_every_kind(world)
    client = token_client(world.owner, language)
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/"
    listed = client.get(path).json()["results"]
    assert {m["kind"] for m in listed} == {"opportunity", "buyer", "supplier"}
    assert len(listed) == 5
    for entry in listed:
        detail = client.get(f"{path}{entry['id']}/").json()
        # The same JSON text: the same values and the same field order, nested ones included.
        assert json.dumps(entry) == json.dumps(detail)


def with_twelve_more_matches(world, as_owner) -> str:
    """Twelve more opportunity matches for the firm; its match list's path, asked once (the
    token's first use of the minute writes its last use)."""
    for _ in range(12):
        MatchFactory(
            company=world.mine, opportunity=OpportunityFactory(hs_code=world.demand.hs_code)
        )
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/"
    as_owner.get(path)
    return path


def test_match_queries_do_not_grow_with_page_size(world, as_owner):
    path = with_twelve_more_matches(world, as_owner)
    counts, settings = [], []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert len(as_owner.get(f"{path}?page_size={size}").json()["results"]) == size
        sql = [q["sql"] for q in queries.captured_queries]
        settings.append([q for q in sql if "join_collapse_limit" in q])
        counts.append(len(sql) - len(settings[-1]))
    # The company, the page, the count (more rows follow); the product names its reasons give
    # come with its opportunities, and the token's lookup is cached.
    assert counts == [3, 3]
    # The page's joins are planned as written (tradeportal.planning), then the setting restored.
    assert settings == [["SET join_collapse_limit = 1", "RESET join_collapse_limit"]] * 2


def test_a_single_page_of_matches_gives_its_count_without_counting(world, as_owner):
    path = with_twelve_more_matches(world, as_owner)
    pages = {}
    asked = ("", "?page=1", "?page_size=14", "?page_size=10", "?page_size=10&page=2", "?kind=buyer")
    for query in asked:
        with CaptureQueriesContext(connection) as queries:
            body = as_owner.get(path + query).json()
        counted = any("COUNT(" in q["sql"] for q in queries.captured_queries)
        pages[query] = (body["count"], len(body["results"]), counted, body["previous"] is None)
    assert pages == {
        "": (14, 14, False, True),
        "?page=1": (14, 14, False, True),
        "?page_size=14": (14, 14, True, True),  # a full page: more may follow
        "?page_size=10": (14, 10, True, True),
        "?page_size=10&page=2": (14, 4, True, False),  # counted first, as Django does
        "?kind=buyer": (0, 0, False, True),
    }
    assert as_owner.get(f"{path}?page_size=10&page=2").json()["next"] is None
    assert as_owner.get(f"{path}?page_size=10").json()["next"].endswith("page=2&page_size=10")
    assert error(as_owner.get(f"{path}?page_size=10&page=3"))["code"] == "not_found"
    assert error(as_owner.get(f"{path}?page=0"))["code"] == "not_found"
    assert error(as_owner.get(f"{path}?page=299926477963441788157952"))["code"] == "not_found"
    last = as_owner.get(f"{path}?page_size=10&page=last").json()
    assert last["results"] == as_owner.get(f"{path}?page_size=10&page=2").json()["results"]


def test_notification_preferences_per_company(world, as_owner):
    listed = as_owner.get("/api/v1/my/notification-preferences/").json()
    assert listed == [
        {
            "company": world.mine.pk,
            "company_name": "Café de Altura S.A. de C.V.",
            "notify_frequency": "weekly",
            "notify_min_score": 50,
        }
    ]
    path = f"/api/v1/my/notification-preferences/{world.mine.pk}/"
    updated = as_owner.patch(path, {"notify_frequency": "daily"}, format="json").json()
    assert (updated["notify_frequency"], updated["notify_min_score"]) == ("daily", 50)
    membership = world.owner.memberships.get()
    assert membership.notify_frequency == "daily"

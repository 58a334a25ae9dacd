"""A request closed, rejected or expired, an opportunity closed or unpublished: it leaves the
supplier's dashboard, the API and the next digest at its commit, before any rematch; reopened,
it comes back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.listings import tasks as opportunity_tasks
from opportunities.matching import engine
from opportunities.models import Match, Opportunity
from opportunities.notifications import selectors
from tests.api.conftest import token_client
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    MembershipFactory,
    OpportunityFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    grapes = HSCodeFactory(code="080610", description_es="Uvas frescas")
    supplier = CompanyFactory(region=RegionFactory(code="PE-LIM", country="PE"))
    CompanyProductFactory(company=supplier, hs_code=grapes)
    member = MembershipFactory(company=supplier)
    member.created_at = timezone.now() - timedelta(days=1)  # the digest counts matches since
    member.save()
    buyer = CompanyFactory(region=RegionFactory(code="MX-CMX"), legal_name="Uvas y Más S.A.")
    buyer_member = MembershipFactory(company=buyer)
    importer = CompanyFactory(region=buyer.region, legal_name="Frutas Finas S.A.")
    CompanyProductFactory(company=importer, hs_code=grapes, direction="import")
    request = OpportunityFactory(
        kind="request",
        company=buyer,
        market_country="MX",
        hs_code=grapes,
        title="Uva red globe para Navidad",
        deadline=timezone.now() + timedelta(days=20),
    )
    curated = OpportunityFactory(
        kind="curated", market_country="MX", hs_code=grapes, title="Feria de uva en Monterrey"
    )
    engine.match_companies([supplier.pk])
    client.force_login(member.user)
    world = {**locals(), "api": token_client(member.user)}
    for opportunity in (request, curated):
        assert shown(world, opportunity) == {"site": True, "api": True, "digest": True}
    return world


def shown(world, opportunity) -> dict[str, bool]:
    """Where the supplier sees this opportunity among its matches."""
    supplier, member = world["supplier"], world["member"]
    page = world["client"].get("/dashboard/").content.decode()
    api = world["api"].get(f"/api/v1/my/companies/{supplier.pk}/matches/").json()["results"]
    digest = selectors.new_matches_for(member)
    return {
        "site": opportunity.title in page,
        "api": any(m["opportunity"] and m["opportunity"]["id"] == opportunity.pk for m in api),
        "digest": digest.filter(opportunity=opportunity).exists(),
    }


GONE = {"site": False, "api": False, "digest": False}
BACK = {"site": True, "api": True, "digest": True}


def staff_admin(client, action: str, opportunity, **extra):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client.post(
        "/admin/opportunities/opportunity/",
        {"action": action, "_selected_action": [opportunity.pk], **extra},
    )


def test_a_request_its_buyer_closes_on_the_site_leaves_every_list(world, client):
    request = world["request"]
    client.force_login(world["buyer_member"].user)
    assert client.post(f"/requests/{request.pk}/close/").status_code == 302
    client.force_login(world["member"].user)
    assert shown(world, request) == GONE
    assert Match.objects.get(opportunity=request).is_stale
    assert shown(world, world["curated"]) == BACK  # the rest stays


def test_a_request_its_buyer_closes_through_the_api_leaves_every_list(world):
    request, buyer = world["request"], world["buyer"]
    api = token_client(world["buyer_member"].user)
    path = f"/api/v1/my/companies/{buyer.pk}/requests/{request.pk}/close/"
    assert api.post(path).status_code == 200
    assert shown(world, request) == GONE


def test_a_request_staff_reject_in_the_admin_leaves_every_list_and_reopening_brings_it_back(
    world, client, django_capture_on_commit_callbacks
):
    request = world["request"]
    staff_admin(client, "reject", request, reason="Spam.")
    request.refresh_from_db()
    assert request.status == "rejected"
    client.force_login(world["member"].user)
    assert shown(world, request) == GONE
    # staff publish it again: it is matched again on commit and shown again
    with django_capture_on_commit_callbacks(execute=True):
        staff_admin(client, "publish", request)
    client.force_login(world["member"].user)
    assert shown(world, request) == BACK


def test_a_request_past_its_deadline_leaves_every_list_before_and_after_the_task(world):
    request = world["request"]
    Opportunity.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert shown(world, request) == GONE  # hidden at the deadline, before the task runs
    assert opportunity_tasks.close_expired_requests() == 1
    assert shown(world, request) == GONE


@pytest.mark.parametrize(("action", "status"), [("close", "closed"), ("unpublish", "draft")])
def test_an_opportunity_staff_close_or_unpublish_leaves_every_list_until_republished(
    world, client, action, status, django_capture_on_commit_callbacks
):
    curated = world["curated"]
    assert staff_admin(client, action, curated).status_code == 302
    curated.refresh_from_db()
    assert curated.status == status
    client.force_login(world["member"].user)
    assert shown(world, curated) == GONE
    with django_capture_on_commit_callbacks(execute=True):
        staff_admin(client, "publish", curated)
    client.force_login(world["member"].user)
    assert shown(world, curated) == BACK


def test_a_counterpart_firm_no_longer_verified_leaves_the_lists_at_once(world):
    supplier = world["supplier"]
    buyers = Match.objects.live().filter(company=supplier, kind="buyer")
    assert list(buyers.values_list("counterpart_id", flat=True)) == [world["importer"].pk]
    world["importer"].status = "rejected"
    world["importer"].save()
    assert not buyers.exists()

"""Who reaches what: anonymous clients, a member of another company, the owner, a colleague, staff.

A token or a session reaches only its user's companies; another company's private objects answer
404 (the API does not even confirm they exist), staff included: moderation is the admin's job.
"""

import pytest

from tests.api.conftest import error, token_client

pytestmark = pytest.mark.django_db


def private_paths(world) -> list[str]:
    company = world.mine.pk
    return [
        f"/api/v1/my/companies/{company}/",
        f"/api/v1/my/companies/{company}/products/",
        f"/api/v1/my/companies/{company}/requests/",
        f"/api/v1/my/companies/{company}/matches/",
        f"/api/v1/my/companies/{company}/matches/{world.my_match.pk}/",
        f"/api/v1/my/notification-preferences/{company}/",
    ]


def test_anonymous_clients_are_asked_to_authenticate(world, anonymous):
    for path in [
        *private_paths(world),
        "/api/v1/my/companies/",
        "/api/v1/my/notification-preferences/",
    ]:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert error(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_another_companys_private_objects_answer_404(world, who):
    client = token_client(getattr(world, who))
    for path in private_paths(world):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error(response)["code"] == "not_found"


@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_members_reach_their_company(world, who):
    client = token_client(getattr(world, who))
    for path in private_paths(world):
        assert client.get(path).status_code == 200, path
    listed = client.get("/api/v1/my/companies/").json()["results"]
    assert [c["id"] for c in listed] == [world.mine.pk]


def test_writes_on_another_companys_objects_answer_404_and_change_nothing(world, as_stranger):
    company = world.mine.pk
    writes = [
        ("patch", f"/api/v1/my/companies/{company}/", {"city": "Lima"}),
        (
            "post",
            f"/api/v1/my/companies/{company}/products/",
            {"hs_code": "7403", "direction": "export"},
        ),
        ("post", f"/api/v1/my/companies/{company}/requests/", {"title": "x", "hs_code": "0901"}),
        ("post", f"/api/v1/my/companies/{company}/matches/{world.my_match.pk}/dismiss/", {}),
        ("post", f"/api/v1/my/companies/{company}/matches/{world.my_match.pk}/interested/", {}),
        ("patch", f"/api/v1/my/notification-preferences/{company}/", {"notify_min_score": 1}),
    ]
    for method, path, body in writes:
        response = getattr(as_stranger, method)(path, body, format="json")
        assert response.status_code == 404, path
    world.mine.refresh_from_db()
    world.my_match.refresh_from_db()
    assert world.mine.city == "Coyoacán"
    assert world.mine.products.count() == 1
    assert world.my_match.status == "new"


def test_a_match_of_another_company_is_not_reachable_through_my_company(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/matches/{world.their_match.pk}/"
    assert as_owner.get(path).status_code == 404
    assert as_owner.post(path + "dismiss/").status_code == 404


def test_a_buyer_request_of_another_company_is_not_reachable(world, as_owner):
    path = f"/api/v1/my/companies/{world.mine.pk}/requests/{world.their_request.pk}/"
    assert as_owner.get(path).status_code == 404
    assert as_owner.post(path + "close/").status_code == 404
    world.their_request.refresh_from_db()
    assert world.their_request.status == "published"


def test_public_endpoints_answer_everyone(world, anonymous, as_stranger, as_staff):
    paths = [
        "/api/v1/sectors/",
        "/api/v1/hs-codes/?q=cafe",
        "/api/v1/regions/",
        "/api/v1/opportunities/",
        f"/api/v1/opportunities/{world.demand.pk}/",
        "/api/v1/trade-statistics/",
        "/api/v1/companies/",
        f"/api/v1/companies/{world.theirs.pk}/",
    ]
    for client in (anonymous, as_stranger, as_staff):
        for path in paths:
            assert client.get(path).status_code == 200, path


def test_public_endpoints_are_read_only(world, as_owner):
    response = as_owner.delete(f"/api/v1/opportunities/{world.demand.pk}/")
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"
    assert as_owner.post("/api/v1/companies/", {}, format="json").status_code == 405


def test_a_session_needs_the_csrf_token_to_write(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.owner)
    path = f"/api/v1/my/notification-preferences/{world.mine.pk}/"
    assert client.get(path).status_code == 200
    response = client.patch(path, {"notify_min_score": 80}, format="json")
    assert response.status_code == 403
    assert "CSRF" in error(response)["message"]

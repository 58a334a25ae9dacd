"""Property-based run over the whole schema: generated requests (valid and not) to every operation,
signed in with a token so the private endpoints answer with data, never get a server error or a
response that breaks the schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from companies import tokens
from tests.conftest import ROOT

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NO_THROTTLING = {"anon": "100000/min", "user": "100000/min"}


# The committed schema (test_schema.py proves it is the generated one), against the WSGI app.
schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml")
schema.app = get_wsgi_application()
# Bounded: the fuzzing phase's examples (valid and invalid data) per operation, not the coverage
# phase's boundary cases, which run to hundreds for a large request body.
schema.config.phases.coverage.enabled = False


@pytest.fixture(autouse=True)
def _in_the_test_transaction(settings):
    """As Django's test client does: requests run inside the test's transaction, so the end of a
    request must not close the database connection. No throttling here: that has its own tests."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": NO_THROTTLING}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def owner_key(world) -> str:
    return tokens.create_token(user=world.owner, name="schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.django_db
def test_no_server_error_and_every_response_fits_the_schema(case, world, owner_key):
    """Private paths point at the owner's company, its matches and its buyer request."""
    params = case.path_parameters or {}
    if "company_pk" in params or "company" in params:
        key = "company_pk" if "company_pk" in params else "company"
        params[key] = world.mine.pk
        if "id" in params and "/matches/" in case.path:
            params["id"] = world.my_match.pk
        if "id" in params and "/requests/" in case.path:
            params["id"] = world.my_request.pk
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_key}"}, checks=CHECKS)

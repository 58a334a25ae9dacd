"""The committed OpenAPI schema is the generated one, and its docs page works under the CSP."""

import re

import pytest
from django.core.management import call_command

from tests.conftest import ROOT


def test_the_committed_schema_is_up_to_date(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(generated)
    )
    committed = (ROOT / "openapi.yaml").read_text()
    assert generated.read_text() == committed, "openapi.yaml is stale: run `make schema`"


@pytest.mark.django_db
def test_the_docs_page_loads_local_scripts_only(client):
    response = client.get("/api/v1/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attrs for attrs in scripts)  # no inline script
    sources = re.findall(r'src="([^"]+)"', page)
    assert all(src.startswith("/") for src in sources)  # no CDN
    init = client.get(sources[-1].replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in init.content.decode()


@pytest.mark.django_db
def test_the_schema_is_served_in_the_clients_language(client):
    english = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Minimum value (US$)" in english
    assert "Valor mínimo (US$)" in spanish

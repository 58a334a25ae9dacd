"""The demo set: repeatable, labelled, matched and explained, with credentials printed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from companies.models import Company
from opportunities.models import Match, MatchingRun
from tests.factories import HSCodeFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(settings, tmp_path):
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / "main_products.csv").write_text(
        "exporter,suggested_hs4\nPE,0806\nMX,8528\n", encoding="utf-8"
    )
    settings.TRADEPORTAL_DATA_DIR = tmp_path
    RegionFactory(code="PE-LIM", country="PE")
    RegionFactory(code="MX-CMX", country="MX")
    for code in ("0806", "8528", "3305", "0901"):
        HSCodeFactory(code=code)


def load(companies: int = 40) -> str:
    out = StringIO()
    call_command("load_demo", companies=companies, seed=7, stdout=out)
    return out.getvalue()


def test_load_demo_matches_the_demo_companies_and_prints_credentials(reference):
    output = load()
    assert Company.objects.filter(is_demo=True).count() == 40
    assert set(Company.objects.values_list("country", flat=True)) == {"MX", "PE"}
    matches = Match.objects.filter(is_stale=False)
    assert matches.exists()
    assert all(m.reasons for m in matches)  # every match is explained
    assert not matches.filter(opportunity__market_country=F("company__country")).exists()
    assert not matches.filter(counterpart__country=F("company__country")).exists()
    assert MatchingRun.objects.filter(finished_at__isnull=False).exists()
    assert "password" in output and "@" in output


def test_load_demo_is_repeatable_and_replaces_the_previous_set(reference):
    load()
    first = sorted(Company.objects.values_list("legal_name", "tax_id", "certifications"))
    load()
    assert sorted(Company.objects.values_list("legal_name", "tax_id", "certifications")) == first
    assert Company.objects.filter(is_demo=True).count() == 40

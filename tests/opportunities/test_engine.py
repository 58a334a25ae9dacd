"""Engine details: counterparts visited closest product first, the best N kept."""

import pytest

from opportunities.matching import engine
from opportunities.models import Match, MatchingSettings
from tests.factories import CompanyFactory, CompanyProductFactory, HSCodeFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_counterparts_with_the_exact_product_beat_the_same_chapter_when_few_are_kept():
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 2})
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    fresh, dried = HSCodeFactory(code="080610"), HSCodeFactory(code="080620")
    nuts = HSCodeFactory(code="080211")
    supplier = CompanyFactory(region=lima)
    CompanyProductFactory(company=supplier, hs_code=fresh, direction="export")
    # buyers of the same chapter listed first, so a first-come cut would keep them
    chapter_buyers = [CompanyFactory(region=cdmx) for _ in range(3)]
    for buyer in chapter_buyers:
        CompanyProductFactory(company=buyer, hs_code=nuts, direction="import")
    heading_buyer, exact_buyer = CompanyFactory(region=cdmx), CompanyFactory(region=cdmx)
    CompanyProductFactory(company=heading_buyer, hs_code=dried, direction="import")
    CompanyProductFactory(company=exact_buyer, hs_code=fresh, direction="import")
    same_country = CompanyFactory(region=lima)
    CompanyProductFactory(company=same_country, hs_code=fresh, direction="import")

    engine.match_companies([supplier.pk])

    kept = Match.objects.filter(company=supplier, is_stale=False).order_by("-score")
    assert [m.counterpart_id for m in kept] == [exact_buyer.pk, heading_buyer.pk]
    assert all(m.kind == "buyer" for m in kept)

"""The embedded default (SQLite, tasks in process) rematches a firm when its profile changes, as
PostgreSQL does: its own rematch reads its likeliest counterparts first with the same bound."""

from tests.trade.test_import_sqlite import manage, sqlite_env

WORLD = """
from companies.services import set_sectors
from opportunities.matching import engine, services
from opportunities.matching.candidates import Candidates
from opportunities.models import Match
from tests.factories import (
    CompanyFactory, CompanyProductFactory, HSCodeFactory, RegionFactory, SectorFactory,
)
grapes = HSCodeFactory(code="080610")
lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
fruit, other = SectorFactory(slug="fruta"), SectorFactory(slug="otro")
grower = CompanyFactory(region=lima, size="small")
CompanyProductFactory(company=grower, hs_code=grapes, direction="export")
buyers = []
for n in range(240):  # more than a firm's own rematch reads at first
    buyer = CompanyFactory(region=cdmx, size="medium", legal_name=f"Comprador {n:03d}")
    set_sectors(company=buyer, sectors=[fruit] if n == 117 else [other])
    CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
services.update_company(company=grower, data={"sectors": [fruit]})  # as the profile page
stored = list(
    Match.objects.filter(company=grower, is_stale=False)
    .order_by("-score", "pk").values_list("counterpart__legal_name", "score")
)
print(stored[0][0])
engine.match_companies([grower.pk], Candidates(*engine.load_settings()))  # everything read
again = list(
    Match.objects.filter(company=grower, is_stale=False)
    .order_by("-score", "pk").values_list("counterpart__legal_name", "score")
)
print(len(stored), stored == again)
"""


def test_a_profile_change_on_sqlite_rematches_the_firm_with_the_buyer_sharing_its_sector_first(
    tmp_path,
):
    env = {**sqlite_env(tmp_path), "CELERY_BROKER_URL": "", "CACHE_URL": ""}  # tasks in process
    manage(env, "migrate", "--noinput", "-v0")
    first, compared = manage(env, "shell", "-c", WORLD).strip().splitlines()[-2:]
    assert first == "Comprador 117"
    kept, same = compared.split()
    assert int(kept) > 0 and same == "True"

"""The embedded default (SQLite) ranks search results too: the product the words name first."""

from tests.reference_data import shared_dir
from tests.trade.test_import_sqlite import manage, sqlite_env

LIST = """
from django.test import Client
from opportunities.models import HSCode
from tests.factories import OpportunityFactory
from tradeportal.text import fold
for code, millions in (("2205", 112), ("2204", 99), ("0806", 57)):
    names = HSCode.objects.get(pk=code)
    OpportunityFactory(
        hs_code_id=code,
        market_country="MX",
        value_usd=millions * 10**6,
        search_text=fold(f"{names.description_es} {names.description_en}"),  # as demand.py
    )
client = Client()
for path in ("/opportunities/?market=MX&q=uvas", "/opportunities/?market=MX&q=uvas&sort=value"):
    page = client.get(path).content.decode()
    print(" ".join(part.split("<")[0] for part in page.split(">SA ")[1:]))
api = client.get("/api/v1/opportunities/?market=MX&q=uvas").json()["results"]
print(" ".join(entry["hs_code"]["code"] for entry in api))
"""


def test_grapes_come_first_for_uvas_on_sqlite_and_a_chosen_sort_still_rules(tmp_path):
    env = {**sqlite_env(tmp_path), "PUBLIC_PAGE_CACHE_SECONDS": "0"}
    env["TRADEPORTAL_DATA_DIR"] = str(shared_dir())  # the whole nomenclature: wines and grapes
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_hs")
    manage(env, "import_trade_names")  # "uvas" is the trade name of 0806, as on the site
    page, by_value, api = manage(env, "shell", "-c", LIST).strip().splitlines()[-3:]
    assert page.split() == ["0806", "2205", "2204"]  # wines say "uvas"; grapes are the product
    assert by_value.split() == ["2205", "2204", "0806"]
    assert api.split() == ["0806", "2205", "2204"]

"""The embedded default (SQLite) loads the same data with batched inserts instead of COPY."""

import os
import subprocess
import sys
from pathlib import Path

from tests.reference_data import data_dir

ROOT = Path(__file__).resolve().parents[2]


def sqlite_env(tmp_path: Path) -> dict:
    """The embedded default: a SQLite file, tasks in process, the tests' reference data."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TRADEPORTAL_DATA_DIR": str(data_dir()),
        "SECRET_KEY": "sqlite-test",
        "REDIS_URL": "",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_reference_and_demo_trade_data_load_into_sqlite_twice_without_duplicates(tmp_path):
    env = sqlite_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    first = manage(env, "load_reference_data")
    assert "state03_202412.csv: 4 filas importadas" in first
    chapters = int(first.split("baci_oec_hs2_2024.csv: ")[1].split(" ")[0].replace(",", ""))
    demo = manage(env, "load_demo_trade")
    assert "filas importadas" in demo
    manage(env, "load_reference_data")
    count = manage(
        env,
        "shell",
        "-c",
        "from opportunities.models import TradeFlow as T; print(T.objects.count())",
    )
    demo_rows = int(demo.split("generated ")[1].split(" ")[0].replace(",", ""))
    assert int(count.split()[-1]) == 4 + 5 + chapters + demo_rows


BROWSE_CHECK = (
    "from opportunities.listings.filters import open_opportunities as o; "
    "from opportunities.models import TradeFlow as T; "
    "real = {(r, c): v for r, c, v in T.objects.filter(dataset__source='baci_oec', flow='M')"
    ".values_list('reporter', 'hs_code_id', 'value_usd')}; "
    "cards = o().filter(kind='demand', market_region__isnull=True); "
    "a3 = {'MX': 'MEX', 'PE': 'PER'}; "
    "print(cards.count(), sum(c.imports_world_usd > real[a3[c.market_country], c.hs_code_id[:2]]"
    " for c in cards), cards.filter(is_demo=False).count())"
)


def test_no_demo_card_on_sqlite_is_worth_more_than_its_real_chapter(tmp_path):
    env = sqlite_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data")
    manage(env, "load_demo_trade")
    cards, implausible, real = map(int, manage(env, "shell", "-c", BROWSE_CHECK).split()[-3:])
    assert cards > 10
    assert implausible == 0
    assert real == 0  # national cards rest on the labelled demo until real national data is loaded


def test_the_demo_companies_are_matched_on_sqlite_and_a_rematch_duplicates_nothing(tmp_path):
    env = sqlite_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data")
    manage(env, "load_demo_trade")
    manage(env, "load_demo", "--companies", "60")
    rematch = (
        "from companies.models import Company; from opportunities.models import Match; "
        "from opportunities.matching import engine; "
        "ids = list(Company.objects.values_list('pk', flat=True)); "
        "print(engine.rematch(ids, kind='full'), Match.objects.filter(is_stale=False).count(), "
        "Match.objects.count())"
    )
    first = manage(env, "shell", "-c", rematch).splitlines()[-1].split()
    second = manage(env, "shell", "-c", rematch).splitlines()[-1].split()
    assert int(first[0]) > 0
    assert first == second and first[0] == first[1] == first[2]

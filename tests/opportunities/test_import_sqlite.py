"""The embedded default (SQLite) loads the same data with batched inserts instead of COPY."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "fixtures" / "data"


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
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TRADEPORTAL_DATA_DIR": str(DATA),
        "SECRET_KEY": "sqlite-test",
        "REDIS_URL": "",
    }
    manage(env, "migrate", "--noinput", "-v0")
    first = manage(env, "load_reference_data")
    assert "state03_202412.csv: 4 filas importadas" in first
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
    assert int(count.split()[-1]) == 4 + 5 + demo_rows

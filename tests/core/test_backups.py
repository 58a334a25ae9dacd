"""Backups that are proven: a filled database is backed up, dropped and restored, and every
table comes back with the same rows (count and checksum), the sequences where they were, and the
media folder with the same files.

The drill runs the real commands (`manage.py backup` / `restore`, as `make backup` and `make
restore` do) on a scratch database of its own, named after the test database.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.reference_data import data_dir
from tradeportal import backups

ROOT = Path(__file__).resolve().parents[2]


def drill_database() -> dict:
    default = settings.DATABASES["default"]
    return {**default, "NAME": f"{default['NAME']}_drill"}


def connect(database: dict, name: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        dbname=name or database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        autocommit=True,
    )


def fingerprint(database: dict) -> dict[str, tuple]:
    """Per table: the row count and an MD5 of its rows (order-independent); per sequence: its
    last value."""
    found = {}
    with connect(database) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            found[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
                f"ORDER BY md5(t::text)), '')) FROM \"{table}\" t"
            ).fetchone()
        for name, last in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            found[f"sequence {name}"] = (last,)
    return found


def exists(database: dict) -> bool:
    with connect(database, "postgres") as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        return conn.execute(query, [database["NAME"]]).fetchone() is not None


def drop(database: dict) -> None:
    with connect(database, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


@pytest.fixture
def drill(tmp_path):
    database = drill_database()
    drop(database)
    with connect(database, "postgres") as conn:
        conn.execute(f'CREATE DATABASE "{database["NAME"]}"')
    user = f"{database['USER']}@" if database["USER"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TRADEPORTAL_DATA_DIR": str(data_dir()),
        "REDIS_URL": "",  # tasks in process: the drill needs no worker
        "CACHE_URL": "",
        "CELERY_BROKER_URL": "",
    }
    yield database, env
    drop(database)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_dropped_database_and_its_media_come_back_whole_from_a_backup(drill, tmp_path):
    database, env = drill
    # given a filled database: reference data, trade statistics, demo companies and matches
    for command in ("migrate --noinput -v0", "load_reference_data", "load_demo_trade"):
        manage(env, *command.split())
    manage(env, "load_demo", "--companies", "40")
    logo = tmp_path / "media" / "logos" / "cafe.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    before = fingerprint(database)
    # when it is backed up, dropped with its media, and restored
    started = time.monotonic()
    out = manage(env, "backup", "--dir", str(tmp_path / "backups"))
    backed_up = time.monotonic() - started
    dump = Path(out.split()[0])
    drop(database)
    logo.parent.parent.joinpath("logos", "cafe.png").unlink()
    assert not exists(database)
    started = time.monotonic()
    manage(env, "restore", str(dump))
    restored = time.monotonic() - started
    # then every table, every sequence and the media file are as they were
    after = fingerprint(database)
    assert after == before
    assert logo.read_bytes().startswith(b"\x89PNG")
    rows = sum(v[0] for k, v in before.items() if not k.startswith("sequence"))
    tables = sum(1 for k in before if not k.startswith("sequence"))
    assert tables >= 30 and before["opportunities_tradeflow"][0] > 100
    assert before["companies_company"][0] >= 40 and before["opportunities_match"][0] > 0
    print(
        f"\nrestore drill: {tables} tables, {rows:,} rows, "
        f"{len(before) - tables} sequences identical after drop and restore; dump "
        f"{dump.stat().st_size:,} bytes; backup {backed_up:.1f} s, restore {restored:.1f} s"
    )


def test_a_restore_over_a_changed_database_puts_back_the_backed_up_rows(drill, tmp_path):
    database, env = drill
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_regions")
    before = fingerprint(database)
    dump = Path(manage(env, "backup", "--dir", str(tmp_path / "b")).split()[0])
    with connect(database) as conn:
        conn.execute("DELETE FROM companies_region WHERE country = 'PE'")
    manage(env, "restore", str(dump))
    assert fingerprint(database) == before


def test_the_embedded_sqlite_database_is_refused_with_a_clear_message(settings, tmp_path):
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
    with pytest.raises(backups.BackupError, match="backups need PostgreSQL"):
        backups.back_up(directory=tmp_path)


def test_a_restore_from_a_missing_file_says_so(tmp_path):
    with pytest.raises(backups.BackupError, match="no backup at"):
        backups.restore(dump=tmp_path / "nothing.dump")

"""Backups: the PostgreSQL database (pg_dump custom format) and the media folder (a tar file).

`make backup` writes `tradeportal-<UTC time>.dump` and `tradeportal-<UTC time>-media.tar.gz`
into BACKUP_DIR; `make restore BACKUP=<the .dump>` restores both (the database replaced whole,
see `restore`; the database user needs the CREATEDB privilege). Each
file is written under a temporary name and renamed when complete, so a backup cut short never
passes for a whole one.
"""

import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True)
class Backup:
    dump: Path
    media: Path

    @classmethod
    def of(cls, dump: Path) -> "Backup":
        """The backup a .dump file belongs to (its media file beside it)."""
        return cls(dump=dump, media=dump.with_name(dump.stem + "-media.tar.gz"))


def _database(alias: str = "default") -> dict:
    database = settings.DATABASES[alias]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "backups need PostgreSQL (DATABASE_URL); the embedded SQLite database is one file: "
            "copy it"
        )
    return database


def _environment(database: dict) -> dict:
    """The libpq variables for pg_dump and pg_restore (no password on a command line)."""
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[name] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def back_up(*, directory: Path, now: datetime | None = None) -> Backup:
    """Write a backup of the database and the media folder into `directory`."""
    database = _database()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    directory.mkdir(parents=True, exist_ok=True)
    backup = Backup.of(directory / f"tradeportal-{stamp}.dump")
    partial = backup.dump.with_name(backup.dump.name + ".partial")
    _run(["pg_dump", "--format=custom", "--file", str(partial)], _environment(database))
    partial.rename(backup.dump)
    partial = backup.media.with_name(backup.media.name + ".partial")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(partial, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    partial.rename(backup.media)
    return backup


def restore(*, dump: Path) -> Backup:
    """Restore the database and the media folder from a backup made by `back_up`.

    The dump is restored into a new database first; only when that succeeded is the old one
    dropped (its connections closed: stop the site and workers first) and the new one renamed
    in its place, so a restore that fails leaves the database as it was.
    """
    backup = Backup.of(dump)
    if not backup.dump.is_file():
        raise BackupError(f"no backup at {backup.dump}")
    database = _database()
    env = _environment(database)
    name = database["NAME"]
    staging = f"{name}_restoring"
    connections.close_all()
    _sql(env, f'DROP DATABASE IF EXISTS "{staging}"', f'CREATE DATABASE "{staging}"')
    try:
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
        _run([*command, "--dbname", staging, str(backup.dump)], env)
    except BackupError:
        _sql(env, f'DROP DATABASE IF EXISTS "{staging}"')
        raise
    _sql(
        env,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'ALTER DATABASE "{staging}" RENAME TO "{name}"',
    )
    if backup.media.is_file():
        _restore_media(backup.media, Path(settings.MEDIA_ROOT))
    return backup


def _sql(env: dict, *statements: str) -> None:
    """Run statements one by one on the maintenance database (CREATE/DROP DATABASE cannot run
    in a transaction)."""
    for statement in statements:
        _run(
            ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", statement], env
        )


def _restore_media(archive_path: Path, media: Path) -> None:
    """Replace the media folder with the archive's (its files only: no links, no absolute
    paths, nothing outside the folder)."""
    staging = media.with_name(media.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(staging, filter="data")
    shutil.rmtree(media, ignore_errors=True)
    restored = staging / "media"
    if restored.is_dir():
        restored.rename(media)
    else:
        media.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)

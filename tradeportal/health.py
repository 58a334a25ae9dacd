"""Health checks of the services the site depends on."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tradeportal.celery import app


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a health check reports every failure, whatever its kind
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded (tasks run in process)"

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "reachable"


def _workers() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded (tasks run in process)"

    replies = app.control.ping(timeout=1.0) or []
    if not replies:
        raise RuntimeError("no worker answered")
    return f"{len(replies)} worker(s)"


def check_all() -> dict:
    """Run every check; each reports ok, a detail and its duration."""
    return {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "broker": _timed(_broker),
        "workers": _timed(_workers),
    }

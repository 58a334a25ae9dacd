"""Configuration comes from the environment: embedded default, production, deploy checks."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "CELERY_RESULT_BACKEND",
    "CONN_MAX_AGE",
    "DATABASE_JIT",
    "PRIVACY_RESPONSIBLE_NAME",
    "PRIVACY_RESPONSIBLE_ADDRESS",
    "PRIVACY_CONTACT_EMAIL",
}
PRODUCTION = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tradeportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SECRET_KEY": "k" * 20 + "-production-secret-that-is-long-and-random-5f1c9a7e2b",
    "ALLOWED_HOSTS": "tradeportal.example.com",
    "PRIVACY_RESPONSIBLE_NAME": "Promotora de Comercio Exterior, A.C.",
    "PRIVACY_RESPONSIBLE_ADDRESS": "Av. Paseo de la Reforma 100, Juárez, 06600 Ciudad de México",
    "PRIVACY_CONTACT_EMAIL": "arco@tradeportal.example.com",
}

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "db": s.DATABASES["default"]["ENGINE"], "db_name": str(s.DATABASES["default"]["NAME"]),
    "conn_max_age": s.DATABASES["default"].get("CONN_MAX_AGE"),
    "health_checks": s.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "broker": s.CELERY_BROKER_URL,
    "email": s.EMAIL_BACKEND, "cache": s.CACHES["default"]["BACKEND"], "debug": s.DEBUG,
    "hsts": s.SECURE_HSTS_SECONDS,
}))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tradeportal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_nothing_set_the_site_runs_embedded():
    result = run_python(PRINT_SETTINGS, {})
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["db"] == "django.db.backends.sqlite3"
    assert config["db_name"] == str(ROOT / "db.sqlite3")
    assert config["eager"] is True
    assert config["email"] == "django.core.mail.backends.console.EmailBackend"
    assert config["cache"].endswith("LocMemCache")


def test_production_variables_switch_to_postgresql_redis_and_smtp():
    result = run_python(PRINT_SETTINGS, PRODUCTION)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["db"] == "django.db.backends.postgresql"
    assert config["conn_max_age"] > 0 and config["health_checks"] is True
    assert config["eager"] is False and config["broker"] == "redis://127.0.0.1:6379/0"
    assert config["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["cache"].endswith("RedisCache")
    assert config["debug"] is False and config["hsts"] == 31536000


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_python(PRINT_SETTINGS, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_passes_with_production_variables():
    result = run_python("", PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_with_the_placeholder_responsible_party_is_warned_by_the_checks():
    env = {k: v for k, v in PRODUCTION.items() if k != "PRIVACY_RESPONSIBLE_ADDRESS"}
    env["PRIVACY_CONTACT_EMAIL"] = "arco@placeholder.invalid"
    result = run_python("", env, "manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "tradeportal.W001" in result.stderr
    assert "PRIVACY_RESPONSIBLE_ADDRESS, PRIVACY_CONTACT_EMAIL not set" in result.stderr
    assert "PRIVACY_RESPONSIBLE_NAME" not in result.stderr


def test_development_shows_the_placeholder_without_a_warning():
    result = run_python("", {}, "manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgresql_connections_plan_without_jit_compilation_unless_asked():
    """A popular code's counterpart query cost 40 ms to compile, a fifth of a firm's rematch."""
    show = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW jit'); print(c.fetchone()[0])\n"
    )
    server = urlparse(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    url = {"DATABASE_URL": server, "SECRET_KEY": "s" * 50}
    assert run_python(show, url).stdout.split() == ["off"]
    with psycopg.connect(server) as plain:
        server_default = plain.execute("SHOW jit").fetchone()[0]
    assert run_python(show, {**url, "DATABASE_JIT": "1"}).stdout.split() == [server_default]

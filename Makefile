# TradePortal. `make run` serves the embedded site; `make test` runs the whole suite on
# PostgreSQL and Redis. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# The test suite's services (overridable). The test database is created by pytest-django
# as test_<name>; its Redis database is kept apart from a local production one.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tradeportal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_CACHE_URL ?= redis://127.0.0.1:6379/2
PG_START := pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
REDIS_START := redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log

TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CACHE_URL=$(TEST_CACHE_URL) \
	SECRET_KEY=test-only-secret-key-not-for-production SECURE_SSL_REDIRECT=0 \
	EMAIL_URL=consolemail:// LOG_LEVEL=WARNING CONN_MAX_AGE=0

.PHONY: install run run-services test lint format services browser messages schema \
	bench-import bench-web bench-match bench-mail bench-api bench-search soak fuzz backup restore audit lock \
	clean real-data

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: the embedded site (SQLite, tasks in process) with reference and demo data, on :8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_trade
	$(PY) manage.py build_product_space
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## real-data: download a whole real year (DataMéxico, every state and month; UN Comtrade for Peru)
## into TRADE_DOWNLOAD_DIR, import it and regenerate demand; re-run to resume. See README.
YEAR ?= 2024
real-data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py fetch_trade datamexico --year $(YEAR)
	$(PY) manage.py fetch_trade comtrade --year $(YEAR) --reporter PER

## run-services: web (gunicorn), worker and beat against local PostgreSQL and Redis
RUN_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradeportal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} SECRET_KEY=$${SECRET_KEY:-local-services-key} \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1,localhost
run-services: install services
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='tradeportal'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres tradeportal
	env $(RUN_ENV) $(PY) manage.py migrate --noinput
	env $(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	env $(RUN_ENV) $(PY) manage.py load_reference_data
	env $(RUN_ENV) $(PY) manage.py load_demo_trade
	env $(RUN_ENV) $(PY) manage.py build_product_space
	env $(RUN_ENV) $(PY) manage.py load_demo
	trap 'kill 0' INT TERM EXIT; \
	env $(RUN_ENV) $(VENV)/bin/celery -A tradeportal worker -Q default,rematch,email --loglevel INFO & \
	env $(RUN_ENV) nice -n 10 $(VENV)/bin/celery -A tradeportal worker -Q matching -n matching@%h --loglevel INFO & \
	env $(RUN_ENV) $(VENV)/bin/celery -A tradeportal beat --loglevel INFO --schedule /tmp/tradeportal-beat & \
	env $(RUN_ENV) $(VENV)/bin/gunicorn tradeportal.wsgi --bind 127.0.0.1:8000 --workers 3 --threads 4 --access-logfile - & \
	wait

## services: make sure PostgreSQL and Redis answer, starting them when they are down
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "starting PostgreSQL"; $(PG_START); }
	@for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
		pg_isready -h 127.0.0.1 -p 5432 || { echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "starting Redis"; $(REDIS_START); }
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
		redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "ERROR: Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
	@echo "PostgreSQL and Redis are up"

## browser: Debian's Chromium for the browser tests (never a downloaded browser)
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

## test: lint, the dependency audit, then the whole suite against PostgreSQL and Redis
test: install services browser lint audit
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(PY) -m pytest --create-db $(PYTEST_ARGS)

## lint: ruff, then the import contracts of the layers (pyproject.toml, [tool.importlinter])
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## audit: pip-audit over requirements.lock; a finding fails unless security/allowlist.toml lists
## it with a reason and a revisit date (see security/audit.py when no service is reachable)
audit: install
	$(PY) security/audit.py

## lock: pin every installed package (the dev environment) in requirements.lock, for the audit
lock: install
	$(VENV)/bin/pip freeze --exclude-editable --all | grep -v '^pip==' > requirements.lock

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## schema: regenerate openapi.yaml, the API's OpenAPI 3 schema (a test fails when it is stale);
## with the PostgreSQL settings, whose integer ranges the schema states
schema: install
	$(TEST_ENV) $(PY) manage.py spectacular --lang en --validate --fail-on-warn --file openapi.yaml

## messages: extract and compile the translation catalogs (commit both .po and .mo)
messages: install
	$(PY) locale/translate.py

## backup: the database (pg_dump custom format) and the media folder into BACKUP_DIR (backups/)
## restore: both back from BACKUP=backups/tradeportal-<time>.dump (see README, Production)
BACKUP_DIR ?= backups
backup: install
	$(PY) manage.py backup --dir $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/tradeportal-<time>.dump" >&2; exit 2; }
	$(PY) manage.py restore $(BACKUP)

## fuzz: the importers' property tests with FUZZ_EXAMPLES (20,000) new random files per format
## (the suite runs 1,000 fixed ones), and the fetchers' with up to 2,000 bad answers per source
## (the suite runs 60), printing the files tried and the refusals seen
FUZZ_EXAMPLES ?= 20000
fuzz: install services
	$(TEST_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest --create-db -s -q \
		--timeout 0 tests/trade/test_import_fuzz.py tests/trade/test_fetch_fuzz.py

## bench-import: 2,000,000 BACI rows into PostgreSQL, against a bare psql \copy
bench-import: install services
	$(TEST_ENV) $(PY) bench/bench_import.py

## bench-match: full rematch of 100,000 companies x 20,000 opportunities with real workers
bench-match: install services
	$(TEST_ENV) $(PY) bench/bench_match.py

## bench-mail: digests for 20,000 companies through a local SMTP server (emails/s, drain time)
bench-mail: install services
	$(TEST_ENV) $(PY) bench/bench_mail.py

## bench-web: browse and opportunity pages under gunicorn with 20,000 opportunities, 2M trade rows
bench-web: install services
	$(TEST_ENV) $(PY) bench/bench_web.py

## bench-search: product search quality (recall@1, recall@5, MRR) and latency on 200+ queries,
## on SQLite and PostgreSQL
bench-search: install services
	$(TEST_ENV) $(PY) bench/bench_search.py

## soak: load and faults on a private PostgreSQL, Redis, gunicorn and workers (about 10 min)
soak: install
	$(PY) bench/soak.py

## bench-api: list opportunities and my matches (token) under gunicorn at bench-match's scale
bench-api: install services
	$(TEST_ENV) $(PY) bench/bench_api.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache

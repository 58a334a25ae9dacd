"""Settings for TradePortal, read from environment variables only.

With nothing set, the site runs embedded: SQLite in the project folder, Celery tasks executed in
process, email printed to the console, local-memory cache. DATABASE_URL, CELERY_BROKER_URL /
REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG switch it to production.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED = "DATABASE_URL" not in env
DEBUG = env.bool("DEBUG", default=EMBEDDED)

# The embedded default gets a throwaway key; anything else must set SECRET_KEY.
if DEBUG or EMBEDDED:
    SECRET_KEY = env.str("SECRET_KEY", default="embedded-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1
# The Sites framework's name and domain come from these at every migrate (tradeportal/sites.py).
SITE_NAME = env.str("SITE_NAME", default="TradePortal")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "formtools",
    "csp",
    "tradeportal",
    "companies",
    "opportunities",
]

MIDDLEWARE = [
    "tradeportal.observability.RequestIdMiddleware",
    "tradeportal.pagecache.VersionsPerRequest",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tradeportal.api.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "companies.middleware.PrivacyConsentMiddleware",
]

ROOT_URLCONF = "tradeportal.urls"
WSGI_APPLICATION = "tradeportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "companies.context_processors.current_company",
                "opportunities.web.context_processors.unread_messages",
            ],
        },
    },
]

# Inputs written in Python, the other widgets by Django's templates (tradeportal/widgets.py).
FORM_RENDERER = "tradeportal.widgets.Renderer"

# Database: SQLite in the project folder unless DATABASE_URL names PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # PostgreSQL's JIT compiles any query planned above 100,000 cost units: a firm's own rematch
    # reading a popular code's 18,000 counterparts spent 40 of its 200 ms compiling (EXPLAIN
    # ANALYZE). Pages and matching are short queries; DATABASE_JIT=1 turns it back on.
    if not env.bool("DATABASE_JIT", default=False):
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "companies.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "companies:mine"

# Accounts (django-allauth): email only, verified before use, rate-limited, no enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "companies.accounts.AccountAdapter"
ACCOUNT_FORMS = {"signup": "companies.forms.SignupForm"}  # consent to the privacy notice
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TradePortal] "
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip,60/h/ip"),
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="5/5m/ip,5/5m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="20/h/ip"),
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/h/ip,5/h/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",  # the resend cooldown; the sign-up answers alike regardless
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Internationalisation: Spanish first, English available.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Conversation attachments: outside MEDIA_ROOT, never served by URL (tradeportal/storage.py).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Trade data files staff upload in the admin (CSV, imported by a worker). Workers read them
# from MEDIA_ROOT, which must be shared storage when workers run on other machines.
TRADE_UPLOAD_MAX_BYTES = env.int("TRADE_UPLOAD_MAX_MB", default=1024) * 1024 * 1024

# After the match: attachments, per-firm limits, the pace of conversation emails, quotes.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=5) * 1024 * 1024
MESSAGES_PER_HOUR = env.int("MESSAGES_PER_HOUR", default=30)  # per firm
QUOTES_PER_HOUR = env.int("QUOTES_PER_HOUR", default=10)  # per firm
THREAD_EMAIL_MINUTES = env.int("THREAD_EMAIL_MINUTES", default=15)  # one email per thread and side
REQUEST_MAX_QUOTES = env.int("REQUEST_MAX_QUOTES", default=10)  # a request closes at this many
# Instant match notifications are gathered per member over this window into one email.
INSTANT_BATCH_MINUTES = env.int("INSTANT_BATCH_MINUTES", default=10)

# Market demand is published from these yearly import values (US$), nationally and per state.
DEMAND_MIN_IMPORTS_USD = env.int("DEMAND_MIN_IMPORTS_USD", default=1_000_000)
DEMAND_MIN_STATE_IMPORTS_USD = env.int("DEMAND_MIN_STATE_IMPORTS_USD", default=50_000)

# Reference and trade data are read from here, never copied into the project.
TRADEPORTAL_DATA_DIR = env.path("TRADEPORTAL_DATA_DIR", default=BASE_DIR.parent / "shared" / "data")
# Where `fetch_trade` writes the files it downloads (one folder per source).
TRADE_DOWNLOAD_DIR = env.str("TRADE_DOWNLOAD_DIR", default=f"{TRADEPORTAL_DATA_DIR}/downloads")

# Cache and broker: Redis when configured, otherwise in-process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "tradeportal.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tp",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages are cached whole for anonymous visitors (tradeportal/pagecache.py); a write that
# changes them invalidates them on commit, and this is the longest anything else can show late.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# Celery: tasks run in process in the embedded default (no broker configured).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# An unacked task comes back after this; it must exceed the longest task (time limit above).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Matching and email get queues of their own so each can be scaled (and starved) separately;
# a firm's own rematch (after an edit, a verification, a new opportunity) has one apart from the
# full rematch's chunks, so that it never waits behind a nightly run (exact names win over *).
CELERY_QUEUES_ALL = ["default", "rematch", "matching", "email"]
# Task modules outside the autodiscovered packages (tradeportal/celery.py).
CELERY_IMPORTS = ["tradeportal.outbox"]
CELERY_TASK_ROUTES = {
    "opportunities.matching.tasks.rematch_company": {"queue": "rematch"},
    "opportunities.matching.tasks.rematch_company_and_counterparts": {"queue": "rematch"},
    "opportunities.matching.tasks.match_opportunity": {"queue": "rematch"},
    "opportunities.matching.tasks.*": {"queue": "matching"},
    "opportunities.notifications.tasks.*": {"queue": "email"},
    "tradeportal.outbox.*": {"queue": "email"},
}
# Recovery from lost messages and dead workers (make soak shortens these).
# A full-rematch chunk unfinished this long after its dispatch is sent again (its message was
# lost); it must exceed the time a chunk can wait in the queue behind the others.
MATCHING_CHUNK_GRACE_SECONDS = env.int("MATCHING_CHUNK_GRACE_SECONDS", default=900)
MATCHING_SWEEP_SECONDS = env.int("MATCHING_SWEEP_SECONDS", default=60)
# An email claimed this long ago by a worker that never finished it goes back to the queue.
OUTBOX_STALE_CLAIM_SECONDS = env.int("OUTBOX_STALE_CLAIM_SECONDS", default=360)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE: dict = {
    "nightly-full-rematch": {
        "task": "opportunities.matching.tasks.full_rematch",
        "schedule": crontab(hour=3, minute=0),
    },
    "follow-up-interests": {
        "task": "opportunities.matching.tasks.follow_up_interests",
        "schedule": crontab(hour=9, minute=0),
    },
    "outbox-sweep": {
        "task": "tradeportal.outbox.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "matching-lost-chunks": {
        "task": "opportunities.matching.tasks.redispatch_lost_chunks",
        "schedule": MATCHING_SWEEP_SECONDS,
    },
    "daily-digests": {
        "task": "opportunities.notifications.tasks.send_digests",
        "schedule": crontab(hour=8, minute=0),
        "args": ["daily"],
    },
    "weekly-digests": {
        "task": "opportunities.notifications.tasks.send_digests",
        "schedule": crontab(hour=8, minute=30, day_of_week=1),
        "args": ["weekly"],
    },
    "instant-batches": {
        "task": "opportunities.notifications.tasks.send_instant_batches",
        "schedule": 60,
    },
    "conversation-emails": {
        "task": "opportunities.matching.tasks.send_conversation_emails",
        "schedule": 60,
    },
    "close-expired-requests": {
        "task": "opportunities.matching.tasks.close_expired_requests",
        "schedule": 15 * 60,
    },
    "delete-unverified-accounts": {  # the privacy notice promises it after 30 days
        "task": "companies.tasks.delete_unverified_accounts",
        "schedule": crontab(hour=4, minute=15),
    },
}

# Email: printed to the console unless EMAIL_URL names an SMTP server.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
# The privacy notice's responsible party: the operator's legal name, address and the email for
# ARCO requests (README, Configuration). The defaults are labelled placeholders; a system check
# warns in production while any is left (tradeportal/privacy.py).
PRIVACY_RESPONSIBLE_NAME = env.str(
    "PRIVACY_RESPONSIBLE_NAME",
    default="[PLACEHOLDER] Legal name of the operator (set PRIVACY_RESPONSIBLE_NAME)",
)
PRIVACY_RESPONSIBLE_ADDRESS = env.str(
    "PRIVACY_RESPONSIBLE_ADDRESS",
    default="[PLACEHOLDER] Registered address (set PRIVACY_RESPONSIBLE_ADDRESS)",
)
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="arco@placeholder.invalid")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="TradePortal <no-reply@tradeportal.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict by default outside DEBUG; SECURE_SSL_REDIRECT can be switched off behind a proxy
# that already redirects, or for local HTTP runs.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or EMBEDDED))
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not (DEBUG or EMBEDDED))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if (DEBUG or EMBEDDED) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# REST API under /api/v1/ (tradeportal/api.py): session or personal token, one error shape.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "tradeportal.api_schema.TradePortalAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate header makes an anonymous refusal a 401.
        "companies.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tradeportal.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["tradeportal.api.AnonThrottle", "tradeportal.api.UserThrottle"],
    # Per anonymous client (IP) and per user (all their tokens and sessions together).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="120/min"),
        "user": env.str("API_RATE_USER", default="600/min"),
    },
    "EXCEPTION_HANDLER": "tradeportal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TradePortal API",
    "DESCRIPTION": (
        "Mexico-Peru trade opportunities, market demand, trade statistics and matches.\n\n"
        "Authenticate with a personal token from the site's API tokens page "
        "(`Authorization: Bearer tp_...`) or with the site's session (send the CSRF token on "
        "writes). Messages follow `Accept-Language` (es, en). Every error has the shape "
        '`{"error": {"status", "code", "message", "fields"}}`. Lists are paginated '
        "(`page`, `page_size` up to 100) in a stable order."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "tradeportal.i18n.Country",
        "CertificationEnum": "companies.models.Certification",
        "OpportunityKindEnum": "opportunities.models.Opportunity.Kind",
        "MatchKindEnum": "opportunities.models.Match.Kind",
        "MatchStatusEnum": "opportunities.models.Match.Status",
        "OpportunityStatusEnum": "opportunities.models.Opportunity.Status",
        "LanguagesEnum": "companies.forms.LANGUAGE_CHOICES",
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if (DEBUG or EMBEDDED) else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tradeportal.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

"""Tillit settings: one module, driven by environment variables.

Production behaviour is switched on by the environment, never by a separate
module. See "Configuration" in README.md for every variable.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-make-demo-and-tests-0123456789"  # noqa: S105

# The key of values derived from the data (see tillit.core.tokens): backed up with the database, never rotated with
# SECRET_KEY. Older keys in DATA_KEY_FALLBACKS are still accepted until `manage.py rekey_data` has moved the rows.
DATA_KEY = os.environ.get("DATA_KEY", "")
if not DATA_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DATA_KEY must be set when DEBUG is off (see the README: keys and backups).")
    DATA_KEY = "insecure-development-data-key-only-for-make-demo-and-tests-0123456789"
DATA_KEY_FALLBACKS = env_list("DATA_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_prometheus",
    "django_tasks_db",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "tillit.core",
    "tillit.accounts",
    "tillit.organisations",
    "tillit.privacy",
    "tillit.reports",
    "tillit.workshops",
    "tillit.dialogues",
    "tillit.barometer",
    "tillit.voice",
    "tillit.live",
    "tillit.steering",
    "tillit.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tillit.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tillit.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tillit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tillit.organisations.context_processors.acting_organisation",
            ],
        },
    },
]

# Database: DATABASE_URL selects it; the default is an embedded SQLite file.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'tillit.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers wait (busy timeout) instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif env_bool("DATABASE_POOL"):
    # Served over ASGI (config/asgi.py turns this on) every request runs in a thread of its own, so connections kept
    # per thread (CONN_MAX_AGE) pile up until PostgreSQL refuses more: a pool per process lends them instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env_int("DATABASE_POOL_SIZE", 10),
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sign-in goes through a chain of backends; an OIDC or SAML backend is added
# here later (see docs/architecture.md, "Sign-in").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "tillit.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Sessions expire after a working day, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Repeated failed sign-ins lock the account from that address for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tillit.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tillit.accounts.backends.lockout_username"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# Internationalisation: Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tillit" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "tillit" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: printed to the console in development, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tillit <noreply@tillit.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: secure cookies and HTTPS unless explicitly turned off for local use.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tillit.core.views.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$", r"^metrics/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY"):
    if not AXES_IPWARE_PROXY_COUNT:
        # Otherwise every client would share the proxy's address, and five wrong passwords
        # from anyone would lock a person out for everyone.
        raise ImproperlyConfigured("BEHIND_PROXY needs PROXY_COUNT: the number of proxies in front of the app.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # The client address (sign-in lockout, rate limits) is read from X-Forwarded-For, PROXY_COUNT
    # entries from the right; without a proxy only REMOTE_ADDR counts, so the header cannot be forged.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy: only this host, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Uploads: CSV imports are small; anything larger is refused with a message.
# The largest request body any page accepts (forms; the people import accepts its file's limit on top). A proxy in
# front should refuse larger bodies itself (see the README's deployment section).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
PEOPLE_IMPORT_MAX_BYTES = env_int("PEOPLE_IMPORT_MAX_BYTES", 1_048_576)
PEOPLE_IMPORT_MAX_ROWS = env_int("PEOPLE_IMPORT_MAX_ROWS", 5000)

# Per network address and hour, in open dialogues (the address itself is never stored).
DIALOGUE_JOINS_PER_ADDRESS_PER_HOUR = env_int("DIALOGUE_JOINS_PER_ADDRESS_PER_HOUR", 1000)
# How many participants one network address may add to one open dialogue in a day: the bound on fake participants.
DIALOGUE_JOINS_PER_ADDRESS_PER_DIALOGUE = env_int("DIALOGUE_JOINS_PER_ADDRESS_PER_DIALOGUE", 200)
DIALOGUE_STATEMENTS_PER_ADDRESS_PER_HOUR = env_int("DIALOGUE_STATEMENTS_PER_ADDRESS_PER_HOUR", 300)
# Brukarrösten: suggestions one network address may send in an hour (a shared tablet in a day centre sends many).
VOICE_SUGGESTIONS_PER_ADDRESS_PER_HOUR = env_int("VOICE_SUGGESTIONS_PER_ADDRESS_PER_HOUR", 30)
# Addresses of service pages that do not exist, asked for by one network address in an hour: guessing codes is slow.
VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR = env_int("VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR", 30)
# Live meetings: six-digit codes that name no meeting, tried by one network address in an hour. Once used up, every
# code is refused to that network except to phones that have already joined the meeting (tillit/live/views/phone.py).
LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR = env_int("LIVE_CODE_MISSES_PER_ADDRESS_PER_HOUR", 20)
# Participants one network address may add to live meetings in an hour: a conference of 2,000 behind one NAT fits.
LIVE_JOINS_PER_ADDRESS_PER_HOUR = env_int("LIVE_JOINS_PER_ADDRESS_PER_HOUR", 2500)
BAROMETER_OPEN_ANSWERS_PER_ADDRESS_PER_HOUR = env_int("BAROMETER_OPEN_ANSWERS_PER_ADDRESS_PER_HOUR", 1000)
# How many answers the barometer's inbox gathers before they are mixed into the stored responses in random order.
BAROMETER_MIX_BATCH = env_int("BAROMETER_MIX_BATCH", 20)

# A database cache, shared by every app process and kept across restarts: computed workshop
# results are stored here once and served to everyone (the table is created by a migration).
# Background work (django-tasks, the backport of Django 6's tasks): stored in the database and run by
# `python manage.py worker` (tillit.core.background).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")  # `/metrics/` answers only with this bearer token (404 without)
DIALOGUE_ANALYSIS_LEASE_SECONDS = env_int("DIALOGUE_ANALYSIS_LEASE_SECONDS", 120)

# How long each kind of personal data is kept, in days (0: until erased on request); applied daily by the worker
# (`tillit.core.personal_data`, `python manage.py personal_data retention`). See docs/privacy.md.
RETENTION_DAYS = {
    "invitation_addresses": env_int("RETENTION_DAYS_INVITATION_ADDRESSES", 90),
    "campaign_invitation_addresses": env_int("RETENTION_DAYS_CAMPAIGN_INVITATION_ADDRESSES", 90),
    "pending_invitations": env_int("RETENTION_DAYS_PENDING_INVITATIONS", 90),
    "workshop_guest_names": env_int("RETENTION_DAYS_WORKSHOP_GUEST_NAMES", 365),
    "voice_contacts": env_int("RETENTION_DAYS_VOICE_CONTACTS", 180),
    "sign_in_records": env_int("RETENTION_DAYS_SIGN_IN_RECORDS", 30),
    "unused_accounts": env_int("RETENTION_DAYS_UNUSED_ACCOUNTS", 730),
    "data_protection_log": env_int("RETENTION_DAYS_DATA_PROTECTION_LOG", 1095),
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tillit_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 10_000)},
    }
}
# With several app servers, Redis takes the shared cache off the database (rate-limit counters, stored reports);
# the embedded default needs nothing but Python.
# A Redis that does not answer is a cache that holds nothing (tillit/core/cache.py): pages and votes go on without it.
if REDIS_URL := os.environ.get("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "tillit.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

# Live meetings push over WebSockets (Django Channels, `tillit/live/realtime.py`). With REDIS_URL the app processes
# meet in Redis's publish/subscribe, so a vote taken by one process reaches a screen connected to another; without it
# the in-process layer serves `make demo`'s one process. Publish/subscribe ignores Redis's database number, so the
# names carry a digest of this deployment's database: two deployments sharing one Redis never hear each other.
CHANNEL_LAYERS: dict[str, dict[str, object]] = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if REDIS_URL:
    _database = DATABASES["default"]
    _deployment = f"{_database.get('HOST') or ''}:{_database.get('PORT') or ''}/{_database.get('NAME') or ''}"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2}],
                "prefix": f"tillit.{hashlib.sha256(_deployment.encode()).hexdigest()[:12]}.",
            },
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets in addresses (a barometer respondent's personal link, a round's open link) never reach the log.
    "filters": {
        "hide_link_secrets": {"()": "tillit.core.logging.HideLinkSecrets"},
        "without_traceback": {"()": "tillit.core.logging.WithoutTraceback"},
    },
    "formatters": {
        "json": {"()": "tillit.core.logging.JsonLines"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["hide_link_secrets"],
            "formatter": "json" if os.environ.get("LOG_FORMAT", "") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        **{
            f"django.security.{refusal}": {"filters": ["without_traceback"]}
            for refusal in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")
        },
    },
}

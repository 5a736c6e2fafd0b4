"""Project settings. The environment is read here and only here (see ``factcheck.env``)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from factcheck.env import (
    EnvError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def file_broker_options(folder: Path) -> dict[str, object]:
    """kombu's filesystem transport, all of it kept under ``folder``."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


VAR_DIR = Path(os.environ.get("FACTCHECK_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The key a laptop runs with when SECRET_KEY is unset. It is in the repository, so anyone could
# forge sessions and password-reset links signed with it: factcheck.serving refuses to serve
# with it unless DEBUG or FACTCHECK_LAPTOP (`make run`) says this is a laptop, and
# `check --deploy` reports it (factcheck.checks).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"

try:
    DEBUG = env_bool(os.environ, "DEBUG", False)
    FACTCHECK_LAPTOP = env_bool(os.environ, "FACTCHECK_LAPTOP", False)
    SECRET_KEY = env_str(os.environ, "SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = env_list(os.environ, "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    DATABASES = {"default": env_database(os.environ, "DATABASE_URL", str(VAR_DIR / "db.sqlite3"))}
    REDIS_URL = env_redis_url(os.environ, "REDIS_URL")
    CELERY_TASK_SOFT_TIME_LIMIT = env_int(os.environ, "CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
    REPORT_STUCK_AFTER_SECONDS = env_int(os.environ, "REPORT_STUCK_AFTER_SECONDS", 300, minimum=1)
    # Claim matching also pools the embedding's own nearest claims (claims.pipeline.index).
    CLAIMS_DENSE_CANDIDATES = env_bool(os.environ, "CLAIMS_DENSE_CANDIDATES", False)
    # Per API client (claims.api.throttling): requests a second, and an hour.
    API_THROTTLE_RATES = {
        "burst": env_str(os.environ, "API_THROTTLE_BURST", "20/second"),
        "sustained": env_str(os.environ, "API_THROTTLE_SUSTAINED", "3000/hour"),
    }
    # Mail, for password resets: an SMTP server from the environment. Without EMAIL_HOST no
    # mail can leave, so the reset page says to ask an admin instead of pretending to send one.
    EMAIL_HOST = env_str(os.environ, "EMAIL_HOST", "")
    EMAIL_PORT = env_int(os.environ, "EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str(os.environ, "EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str(os.environ, "EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool(os.environ, "EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = env_str(os.environ, "DEFAULT_FROM_EMAIL", "factcheck@localhost")
    # Who publishes the fact checks: named on the public pages, in their ClaimReview markup and
    # in the feeds. The URL and logo are the newsroom's own (absolute URLs).
    PUBLISHER = {
        "name": env_str(os.environ, "PUBLISHER_NAME", "Factcheck workbench"),
        "url": env_str(os.environ, "PUBLISHER_URL", ""),
        "logo": env_str(os.environ, "PUBLISHER_LOGO_URL", ""),
        "language": env_str(os.environ, "PUBLISHER_LANGUAGE", "en"),
    }
    # Served over HTTPS (behind a TLS-terminating proxy that sets X-Forwarded-Proto): redirect
    # plain HTTP, send HSTS, mark the cookies Secure. Off for a laptop's http://127.0.0.1.
    HTTPS = env_bool(os.environ, "HTTPS", False)
    HSTS_SECONDS = env_int(os.environ, "HSTS_SECONDS", 31_536_000, minimum=0)
    # Editors, admins and staff must pass a second factor (factcheck.two_factor) before the
    # desk or the admin lets them in. Off, nobody is asked: only the test settings turn it off,
    # and `check --deploy` warns outside laptop mode.
    OTP_REQUIRED_FOR_EDITORS = env_bool(os.environ, "OTP_REQUIRED_FOR_EDITORS", True)
    for _scope, _rate in API_THROTTLE_RATES.items():
        if not re.fullmatch(r"[1-9]\d*/(?:s|sec|second|m|min|minute|h|hour|d|day)", _rate):
            raise EnvError(
                f"API_THROTTLE_{_scope.upper()}", _rate, "requests per period, e.g. 20/second"
            )
    # Fault injection for the crash-recovery test: the worker pauses this long right after it
    # takes a report, so a test can kill it mid-task. Always 0 outside that test.
    PIPELINE_PAUSE_AFTER_CLAIM_SECONDS = env_int(
        os.environ, "PIPELINE_PAUSE_AFTER_CLAIM_SECONDS", 0, minimum=0
    )
    # Fault injection for the poison-report proof (tests/test_fault_injection.py): a worker that
    # takes a report with exactly this title dies on the spot (SIGKILL to itself, as the OOM
    # killer or a crash in native code would end it). Always empty outside that test.
    PIPELINE_CRASH_ON_TITLE = env_str(os.environ, "PIPELINE_CRASH_ON_TITLE", "")
    # One beat at a time (factcheck.beat): the lock's Redis key, and how long it outlives a
    # holder that stops renewing it (a beat killed with SIGKILL): a standby takes over then.
    BEAT_LOCK_KEY = env_str(os.environ, "BEAT_LOCK_KEY", "factcheck:beat-lock")
    BEAT_LOCK_TTL_SECONDS = env_int(os.environ, "BEAT_LOCK_TTL_SECONDS", 60, minimum=3)
    # Outbound requests (article pages, feeds, webhooks) through the public-address guard
    # (sources.fetching): bytes read, seconds for the whole exchange, redirects followed.
    FETCH_MAX_BYTES = env_int(os.environ, "FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
    FETCH_TIMEOUT_SECONDS = env_int(os.environ, "FETCH_TIMEOUT_SECONDS", 20, minimum=1)
    FETCH_MAX_REDIRECTS = env_int(os.environ, "FETCH_MAX_REDIRECTS", 5, minimum=0)
    # A report that arrives with a URL and a body shorter than this is fetched by a worker
    # (claims.tasks.fetch_report_article) before it is processed.
    ARTICLE_FETCH_BELOW_CHARS = env_int(os.environ, "ARTICLE_FETCH_BELOW_CHARS", 400, minimum=0)
    # Webhook deliveries: attempts in all, and the first retry's delay (doubled each time).
    WEBHOOK_MAX_ATTEMPTS = env_int(os.environ, "WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
    WEBHOOK_RETRY_BASE_SECONDS = env_int(os.environ, "WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=0)
    WEBHOOK_TIMEOUT_SECONDS = env_int(os.environ, "WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
except EnvError as exc:
    # ImproperlyConfigured stops manage.py, gunicorn and celery alike with this message.
    raise ImproperlyConfigured(str(exc)) from None

INSTALLED_APPS = [
    # Django's admin with a site that asks for the second factor (factcheck.admin_site).
    "factcheck.admin_apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    # The sources' CSV import (with its dry run) and export in the admin (sources.resources).
    "import_export",
    "factcheck",
    "sources",
    "claims",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database connection lost under a view answers 503 with Retry-After (JSON under /api/),
    # not a 500 (factcheck.middleware); the next request reconnects (CONN_HEALTH_CHECKS).
    "factcheck.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether the signed-in user has given a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sends a signed-in user who owes a second factor to enrol or to type a code.
    "factcheck.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this site (htmx is served from
# static files, and no page has an inline script or handler); inline styles are allowed for
# the style attributes of a few templates and htmx's indicator style; images may be data: URIs
# (the second factor's QR code is drawn here and sent inline, so its secret reaches no other
# server); no framing, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS preload commits every subdomain of the registered domain to HTTPS in browsers' built-in
# lists: the newsroom's domain owner decides that, not this application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sign-in throttling (django-axes) on the desk's and the admin's sign-in pages: after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is locked out
# for AXES_COOLOFF_TIME with a 429 page and a warning in the log. Locking the pair, not the
# username alone, keeps an attacker elsewhere from locking an editor out on the night of a story.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The second factor (django-otp): an authenticator app's TOTP codes, and one-time backup codes.
# Each wrong code doubles the wait before the next try on that device (1 s, 2 s, 4 s, ...);
# a factor of 0 would turn that off, which factcheck.checks refuses.
OTP_TOTP_ISSUER = "Factcheck workbench"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Admins may see who has a factor and remove a lost one (claims.roles.SECOND_FACTORS), never
# read a secret: the admin shows no key and no QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.navigation",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders too, so a fresh checkout needs no collectstatic.
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "claims.api.parsing.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "claims.api.parsing.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttling.BurstThrottle",
        "claims.api.throttling.SustainedThrottle",
    ],
}

# The OpenAPI 3 schema of the API (/api/schema/, docs at /api/docs/; committed as
# docs/api/openapi.yaml, which a test keeps equal to what the code generates). Swagger UI's
# files come from the sidecar package: nothing is fetched from a CDN.
# The admin's CSV import and export of sources (sources.resources): importing takes the right to
# change sources, exporting the right to see them; an import runs in a transaction, so its dry
# run stores nothing.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck workbench API",
    "DESCRIPTION": (
        "Claims (with their attribution chain, quantities, evidence, status history and latest "
        "verdict; logging one), sources (with their parents and track record), reports in "
        "(POST /api/reports/, processed by the workers) and out with the evidence the workers "
        "drew from them, a claim's evidence (attach, relabel, reject), verdicts (editors "
        "publish them with the review screen's rules) and claim proposals for an article. "
        "Lists are cursor-paginated (`next`/`previous` links), filtered by their parameters, "
        "searched with `search` and sorted with `ordering`. Each role may do here what it may "
        "do at the desk. Authenticate with "
        "`Authorization: Token <key>` (an admin issues tokens in the admin panel) or a signed-in "
        "session. Errors are JSON: a 400 names each field it refuses."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, wherever a serializer or filter uses it.
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "SourceKindEnum": "sources.models.Source.Kind",
        "GradeEnum": "sources.models.Source.Grade",
        "StatusEnum": "claims.engine.vocabulary.Status.choices",
    },
    # The database's integer storage bounds left out, so SQLite and PostgreSQL write one file.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "factcheck.openapi.drop_storage_bounds",
    ],
}

# The API's rate counters (and anything else cached) are shared by every web process: Redis
# when there is one, else files under var/ (one machine, which is what the embedded broker
# means anyway).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A hung or unreachable Redis must not hold a request (and its server thread) for
            # ever: the throttle lets the request through after this (claims.api.throttling).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -------------------------------------------------------------------------------
# Without Redis the embedded broker keeps messages as files under var/, so `make run` needs no
# server; the Report row stays the source of truth either way (the sweeper re-sends).
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # acks_late + a visibility timeout longer than the hard limit: an unacked message is
        # redelivered only after its worker is truly gone.
        "visibility_timeout": 3600,
        # Publishing to a hung Redis gives up instead of holding the request for ever; the
        # report row waits for the sweeper. Above the 1 s of the workers' BRPOP.
        "socket_connect_timeout": 2,
        "socket_timeout": 3,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(BROKER_DIR)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection around every task unless this is set;
# a reconnect per task cost more than the task itself. Connections are still recycled after this
# many tasks, and claims.tasks drops broken or aged ones (CONN_MAX_AGE) after each task.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
# Every queue the project routes to, named once: the declared queues below, the workers' -Q
# (factcheck.worker) and the purges derive from it.
# "fetch" waits on other people's servers (articles, feeds) and "webhooks" on subscribers':
# neither may hold up reading reports or assessing claims.
CELERY_QUEUE_NAMES = ("ingest", "assess", "fetch", "webhooks", "default")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.process_report": {"queue": "ingest"},
    "claims.tasks.assess_claim": {"queue": "assess"},
    "claims.tasks.assess_claims": {"queue": "assess"},
    "claims.tasks.reassess_source_claims": {"queue": "assess"},
    "claims.tasks.fetch_report_article": {"queue": "fetch"},
    "claims.tasks.poll_feed": {"queue": "fetch"},
    "claims.tasks.poll_due_feeds": {"queue": "fetch"},
    "claims.tasks.deliver_webhook": {"queue": "webhooks"},
    "claims.tasks.sweep_webhook_deliveries": {"queue": "webhooks"},
}
# Declared, so that a worker started without -Q (`celery -A factcheck worker`) consumes all of
# them, not only the default queue. Each is what Celery would create for a routed name: a
# direct exchange of the same name and the name as routing key.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in CELERY_QUEUE_NAMES
)
_undeclared = (
    {route["queue"] for route in CELERY_TASK_ROUTES.values()} | {CELERY_TASK_DEFAULT_QUEUE}
) - set(CELERY_QUEUE_NAMES)
if _undeclared:
    raise ImproperlyConfigured(
        f"Celery routes to queues missing from CELERY_QUEUE_NAMES: {sorted(_undeclared)}"
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up fast when the broker is down: the request still answers and the Report
# row (the outbox) waits for the sweeper.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Schedules only while it holds the beat lock, so a second beat waits instead of doubling
# every periodic task (factcheck.beat).
CELERY_BEAT_SCHEDULER = "factcheck.beat:LockedScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "claims.tasks.record_heartbeat",
        "schedule": timedelta(seconds=30),
    },
    "sweep-stuck-reports": {
        "task": "claims.tasks.sweep_stuck_reports",
        "schedule": timedelta(seconds=30),
    },
    "sweep-overdue-claims": {
        "task": "claims.tasks.sweep_overdue_claims",
        "schedule": timedelta(seconds=30),
    },
    # Webhook deliveries whose message was lost (their row is the outbox).
    "sweep-webhook-deliveries": {
        "task": "claims.tasks.sweep_webhook_deliveries",
        "schedule": timedelta(seconds=60),
    },
    # Each feed has its own interval; this only asks which are due.
    "poll-due-feeds": {
        "task": "claims.tasks.poll_due_feeds",
        "schedule": timedelta(seconds=60),
    },
}
# Off outside tests: sources.fetching refuses loopback addresses unless this is True (any
# port) or a collection of ports.
FETCH_ALLOW_LOOPBACK_FOR_TESTS: bool | tuple[int, ...] = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # axes.apps says its version at every start; its lockouts are warnings of axes.handlers.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes.apps": {"level": "WARNING"}},
}

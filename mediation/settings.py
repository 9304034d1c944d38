"""Settings for the mediator registry.

Everything a deployment changes comes from the environment (see README). With no
environment at all the project runs on an embedded default: SQLite, and Celery tasks
executed in-process, so `make run` needs neither PostgreSQL nor Redis.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mediation.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# The project's templates, translations and static files: at the top of a checkout, and
# inside this package in an installed wheel (pyproject.toml's wheel sources put them
# there), where BASE_DIR is site-packages.
_PACKAGED_FILES = Path(__file__).resolve().parent / "project_files"
PROJECT_FILES_DIR = _PACKAGED_FILES if _PACKAGED_FILES.is_dir() else BASE_DIR

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
# Personal numbers (ID card, phone, bank account) are stored encrypted: Fernet keys,
# newest first so older ones still decrypt during a rotation, and a separate key for
# the keyed hash that makes them unique and searchable without decrypting.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off"
        )
    # Development-only keys, so `make run` works with no environment at all.
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
        "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItdXNlISE="
    ]
    FIELD_HASH_KEY = FIELD_HASH_KEY or "dev-only-hash-key"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Our apps, bottom to top of the dependency stack.
PROJECT_APPS = [
    "core",
    "registry",
    "mediation",
    "publication",
    "complaints",
    "grading",
    "evaluation",
    "subsidies",
    "honours",
    "caselibrary",
]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's form templates, for the project's form renderer to extend.
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "django_htmx",
    "csp",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the public page cache, so pages served from the cache carry it too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A path with a control character names nothing: 404 (core.middleware).
    "core.middleware.PlainPathMiddleware",
    # Repeated public roster pages straight from the cache (publication.cache).
    "publication.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditMiddleware",
    "core.middleware.JurisdictionMiddleware",
    "core.users.first_login.PasswordChangeRequiredMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediation.urls"
# Every form renders with Bootstrap's markup from templates/django/forms/.
FORM_RENDERER = "core.form_renderer.BootstrapFormRenderer"
WSGI_APPLICATION = "mediation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_FILES_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.jurisdiction",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    if config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation pays off for hour-long analytics, not for pages: on the
        # province-sized reports it added 0.5-1.4 s of compiling to plans that run in
        # a fraction of that.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
# A streaming replica of default: reports and statistics read from it (core.db_router).
if env_str("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = {
        **_database(env_str("REPLICA_DATABASE_URL")),
        # Tests run against one database: the replica is default's mirror there.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockout: five failures for one username from one address lock that username
# from that address for an hour; colleagues behind the same proxy address are not
# locked out with them. The address is the client's, read from the proxy's header
# as the rate limits read it (RATELIMIT_IP_META_KEY, below).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PROJECT_FILES_DIR / "locale"]
# Thousands grouped by three with a comma (core/formats), for intcomma and money.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [PROJECT_FILES_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Long jobs (core.jobs). A running job renews its lease; one silent for longer than
# JOB_LEASE_SECONDS is declared lost (failed, with a retry button), and a redelivered
# message may run it again, at most JOB_MAX_ATTEMPTS times. Without a worker (tasks run
# in the request), a job is stopped after JOB_IN_PROCESS_SECONDS, below gunicorn's
# 30-second timeout, rather than killed with the request.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_IN_PROCESS_SECONDS = env_int("JOB_IN_PROCESS_SECONDS", 20)

# Excel imports: the largest file accepted, and how long a checked file waits for its
# real run before it is deleted (it holds personal numbers in clear).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_KEEP_HOURS = env_int("IMPORT_KEEP_HOURS", 24)
# What a workbook may unpack to (zip bombs): all its parts together, and how many
# times a part may be compressed (Excel's own files: 5–30); a 10,000-row import
# unpacks to 10–20 MB. Then the longest cell (Excel's own limit) and the widest sheet.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32767)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# The import reader (python-calamine) holds the sheet as a grid from its first cell to
# its last, about 32 bytes a cell: 5 million is 160 MB, 190,000 rows of the roster.
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 5_000_000)

# Files the public sends with a complaint: kept outside MEDIA_ROOT and the web root,
# served only through a staff view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
COMPLAINT_ATTACHMENT_MAX_BYTES = env_int("COMPLAINT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
# Limits of the public complaint form (django-ratelimit rate strings), and the work the
# browser's proof-of-work must do (leading zero bits of a SHA-256).
COMPLAINT_RATE_PER_IP = env_str("COMPLAINT_RATE_PER_IP", "5/h")
COMPLAINT_RATE_PER_PHONE = env_str("COMPLAINT_RATE_PER_PHONE", "3/d")
COMPLAINT_STATUS_RATE_PER_IP = env_str("COMPLAINT_STATUS_RATE_PER_IP", "20/h")
COMPLAINT_POW_BITS = env_int("COMPLAINT_POW_BITS", 16)
# Behind a reverse proxy, the header that carries the client's address (e.g.
# HTTP_X_REAL_IP); the proxy must overwrite it. Unset: the socket's REMOTE_ADDR.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Django's, keeping its redis client between calls (core/redis_cache.py).
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Sites sharing one Redis keep apart by CACHE_KEY_PREFIX; parallel test
            # workers (one database each, the same ids) by their xdist worker name.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", env_str("PYTEST_XDIST_WORKER")),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set; otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A message a worker took and never acknowledged (the worker was killed) goes back to
# the queue after this many seconds; the job's lease makes a second delivery harmless.
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # Look for such messages every tenth of the timeout (at most every 10 s).
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Schedules of the periodic jobs; each app's tasks.py holds the task itself.
CELERY_BEAT_SCHEDULE = {
    "warn-expiring-committee-terms": {
        "task": "registry.tasks.warn_expiring_terms",
        "schedule": crontab(hour=6, minute=0),
    },
    "draw-callbacks": {
        "task": "mediation.jobs.callbacks.draw_last_month",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    "rank-last-quarter": {
        "task": "mediation.jobs.rankings.rank_last_quarter",
        "schedule": crontab(month_of_year="1,4,7,10", day_of_month=1, hour=3, minute=0),
    },
    "flag-anomalies": {
        "task": "mediation.jobs.anomalies.flag_anomalies",
        "schedule": crontab(hour=4, minute=0),
    },
    "publish-rosters": {
        "task": "publication.tasks.publish_due_rosters",
        "schedule": crontab(hour=1, minute=30),
    },
    "apply-due-levels": {
        "task": "grading.tasks.apply_due_levels",
        "schedule": crontab(hour=0, minute=30),
    },
    "expire-lost-jobs": {
        "task": "core.tasks.expire_lost_jobs",
        "schedule": crontab(),  # every minute
    },
    "purge-stale-imports": {
        "task": "registry.tasks.purge_stale_imports",
        "schedule": crontab(minute=17),
    },
    "refresh-report-snapshots": {
        "task": "core.tasks.refresh_snapshots",
        "schedule": crontab(minute="*/10"),  # core.snapshots.REFRESH
    },
}

REST_FRAMEWORK = {
    # Token first, so an unauthenticated API call answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # DRF's parsers, reading text with LF line ends (core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "core.api.parsers.FormParser",
        "core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, declaring the error answers of every operation.
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # The browsable API is a development aid: its forms show what a user may choose
    # from, so production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
}
# API tokens expire; a client asks for a new one at /api/v1/auth/token/.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 7)

SPECTACULAR_SETTINGS = {
    "TITLE": "Mediator registry API",
    "DESCRIPTION": "People's mediation committees, mediators, cases and subsidies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its docs page describe every route: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "RoleKindEnum": "core.models.roles.RoleKind",
        "GradingApplicationSourceEnum": "grading.models.choices.ApplicationSource",
        "EvaluationGradeEnum": "evaluation.models.Grade",
        "PaidByEnum": "registry.models.choices.PaidBy",
        "TrainingKindEnum": "registry.models.choices.TrainingKind",
        "RankingSnapshotStatusEnum": "mediation.models.choices.SnapshotStatus",
    },
}

AUDITLOG_USE_BASE_MANAGER = True  # the audit's own lookups must not trip tenancy scoping
AUDITLOG_STORE_JSON_CHANGES = True

# Production hardening; `manage.py check --deploy` is clean with DEBUG=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp) on every response: pages load only their own
# assets. No inline script and no inline style, not even a style attribute: what a
# page needs is in static/js and static/css. A template that truly needs an inline
# <script> or <style> gives it nonce="{{ request.csp_nonce }}". Images may be data:
# URIs, which Bootstrap's and Swagger UI's stylesheets use for their icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_AGE = 8 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

"""Settings, read from the environment so one code base serves dev (SQLite, eager tasks) and production."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def secret_key(*, debug: bool, environ=os.environ, dev_key_file: Path | None = None) -> str:
    """SECRET_KEY from the environment. Production (DEBUG off) refuses to start without one; development uses a
    random key of its own, kept in var/ (never in the repository), so no published key ever signs anything."""
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the portal refuses to start without it: set SECRET_KEY to a "
            "long random value (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    dev_key_file = dev_key_file or BASE_DIR / "var" / "dev-secret-key"
    try:
        return dev_key_file.read_text().strip() or _new_dev_key(dev_key_file)
    except FileNotFoundError:
        return _new_dev_key(dev_key_file)


def _new_dev_key(path: Path) -> str:
    import secrets

    key = secrets.token_urlsafe(50)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
    except FileExistsError:  # another process wrote it first: use that one
        return path.read_text().strip() or key
    except OSError:  # a read-only checkout: this process's own key (sessions end with it)
        pass
    return key


SECRET_KEY = secret_key(debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files: no third-party script host
    "simple_history",
    "import_export",
    "axes",
    "declarations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "declarations.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "declarations.api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during authentication into its 429 response.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username + IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Then one address trying many usernames (declarations.login_throttle): LOGIN_IP_FAILURE_LIMIT.
    "declarations.login_throttle.IpLoginThrottleBackend",
    # Django's ModelBackend, reading the user of each request by SQL compiled once (declarations.precompiled).
    "declarations.auth_backend.PortalModelBackend",
]
# Login throttling: 5 failures for one username from one IP lock that pair out for 15 minutes; a success resets.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures from one address, all usernames together, within the cool-off that lock that address out.
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies append to X-Forwarded-For (a client
# could otherwise pick a fresh address per guess).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# A shared cache (Redis) makes rate limits hold across web processes; without CACHE_URL each process counts alone.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
# With a shared cache (Redis), sessions are read from it and written through to the database: a page view costs
# no session query. Not with each process's own memory cache: a session ended (logout) in one web process would
# stay valid in the others' caches.
SESSION_ENGINE = (
    # Django's engines, reading the session row by SQL compiled once (declarations.sessions).
    "declarations.sessions.cached_db" if CACHE_URL else "declarations.sessions.db"
)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

ROOT_URLCONF = "exporter_portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "exporter_portal.wsgi.application"


def postgres_statement_options(prepare_threshold: str) -> dict:
    """psycopg options for PostgreSQL: parameters bound by the server, and a statement prepared once it has run
    ``prepare_threshold`` times on a connection, so the pages' and the worker's repeated reads skip parsing and
    planning (the detail page's tenant-checked read planned for 0.7 ms and ran for 0.1). "off" (or 0) keeps
    Django's client-side binding: for PgBouncer in transaction pooling, where prepared statements do not survive."""
    value = prepare_threshold.strip().lower()
    if value in {"off", "false", "no", "0", ""}:
        return {}
    threshold = int(value)
    if threshold < 1:
        raise ValueError(f"DB_PREPARE_THRESHOLD must be a positive number or off, not {prepare_threshold!r}")
    return {"server_side_binding": True, "prepare_threshold": threshold}


DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before its first use in each request (and task): the first request
        # after a database restart reconnects instead of failing on the dead connection.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        postgres_statement_options(os.environ.get("DB_PREPARE_THRESHOLD", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: zh-hans first, English complete; China time, aware datetimes.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded documents are private: never served from a public static path.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Message exchange folders shared with the official client (统一版客户端).
EXCHANGE_ROOT = Path(os.environ.get("EXCHANGE_ROOT", BASE_DIR / "var" / "exchange"))
OUTBOX_DIR = Path(os.environ.get("OUTBOX_DIR", EXCHANGE_ROOT / "outbox"))
# Staged (temp-named) outbox files older than this are settled by the sweep (services.outbox_sweep).
OUTBOX_STAGED_MAX_AGE = int(os.environ.get("OUTBOX_STAGED_MAX_AGE", "3600"))
# Processes that render an import's declarations when it submits them; 0 means one per CPU, 1 renders inline.
BULK_RENDER_PROCESSES = int(os.environ.get("BULK_RENDER_PROCESSES", "0"))
# Added to those processes' nice value: the importing process, which feeds them, keeps a CPU (docs/benchmarks.md).
BULK_RENDER_NICENESS = int(os.environ.get("BULK_RENDER_NICENESS", "10"))
# PostgreSQL: a submitting import stores its rendered chunks from a thread on a second database connection.
BULK_WRITER_THREAD = env_bool("BULK_WRITER_THREAD", True)
INBOX_DIR = Path(os.environ.get("INBOX_DIR", EXCHANGE_ROOT / "inbox"))

# Domain settings.
# Customs filing of overseas warehouses was abolished on 2024-12-15 (公告2024年第167号); deployments may keep requiring it.
REQUIRE_WAREHOUSE_FILING = env_bool("REQUIRE_WAREHOUSE_FILING", True)
# How a 6-digit simplified HS code fills the 10-character gcode: our convention, not confirmed by customs.
SIMPLIFIED_HS_PADDING = os.environ.get("SIMPLIFIED_HS_PADDING", "0000")
LIST_CHANNEL_LIMIT_CNY = os.environ.get("LIST_CHANNEL_LIMIT_CNY", "5000")
# Supervision mode of a return 报关单 (4561 退运货物; customs has not confirmed it for 2026 No. 16): docs/returns.md.
RETURN_SUPERVISION_MODE = os.environ.get("RETURN_SUPERVISION_MODE", "4561")
# Wrap outgoing messages in the terminal-node DxpMsg envelope (only for self-developed access).
DXP_WRAP = env_bool("DXP_WRAP", False)
DXP_RECEIVER_ID = os.environ.get("DXP_RECEIVER_ID", "DXPEDCCEB0000003")
# Used in BaseTransfer when an enterprise has no DXP id yet (the official client replaces it); at most 16 chars.
DXP_ID_PLACEHOLDER = os.environ.get("DXP_ID_PLACEHOLDER", "DXPID-NOT-SET")
# Dotted path of a Signer implementation; empty means unsigned output (appStatus 1).
MESSAGE_SIGNER = os.environ.get("MESSAGE_SIGNER", "")
RECEIPT_MAX_BYTES = int(os.environ.get("RECEIPT_MAX_BYTES", str(5 * 1024 * 1024)))
# Entries one receipt file may hold: the XSD's maxOccurs (100); one transaction applies a file. More goes to failed/.
RECEIPT_MAX_ENTRIES = int(os.environ.get("RECEIPT_MAX_ENTRIES", "100"))
# A processing/ entry untouched this long was left by a killed process: the next ingest takes it again.
RECEIPT_CLAIM_STALE_SECONDS = int(os.environ.get("RECEIPT_CLAIM_STALE_SECONDS", "900"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# The declaration form posts about 22 fields per goods line: room for more than the 100 lines a declaration may
# hold, so 101 lines get the form's own clear error instead of a bare 400 (Django's default allows 1,000 fields).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3000

# Celery: an empty broker URL runs tasks in-process, eagerly (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Messages a worker reserves per pool process: one running and one ready, so a process that finishes a task starts
# the next at once instead of waiting for its acknowledgement and the next fetch from Redis (render and
# validation tasks take milliseconds). Reserved messages are unacknowledged (acks_late): a lost worker's are
# redelivered after the visibility timeout (docs/reliability.md).
CELERY_WORKER_PREFETCH_MULTIPLIER = int(os.environ.get("CELERY_PREFETCH_MULTIPLIER", "2"))
# Reuse a worker's database connection for this many tasks instead of reconnecting for each one (Celery's default);
# exporter_portal.celery closes it sooner as Django would (CONN_MAX_AGE, or an error in the previous task).
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "1000"))
CELERY_TIMEZONE = TIME_ZONE
# Redis redelivers a message taken by a worker that died before acknowledging it (acks_late) once this many
# seconds have passed: keep it above the longest task. Short socket timeouts keep a web request quick while
# Redis is down (the task intent stays in the database and the dispatch sweeper publishes it later).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "ingest-receipts": {"task": "declarations.tasks.receipts_ingest_task", "schedule": timedelta(seconds=30)},
    "dispatch-pending": {
        "task": "declarations.tasks.dispatch_pending_task",
        "schedule": timedelta(seconds=30),
    },
    "sweep-outbox": {
        "task": "declarations.tasks.outbox_staged_sweep_task",
        "schedule": timedelta(minutes=15),
    },
    "reconcile-stuck": {"task": "declarations.tasks.reconcile_stuck_task", "schedule": timedelta(minutes=5)},
    "expire-delegations": {
        "task": "declarations.tasks.delegations_expire_task",
        "schedule": timedelta(hours=1),
    },
}
# The reconciler (services.reconcile) dispatches again a declaration "submitted" without messages, or an
# import job "pending", after this many seconds; a job "running" after the second bound.
RECONCILE_STUCK_SECONDS = int(os.environ.get("RECONCILE_STUCK_SECONDS", "600"))
RECONCILE_RUNNING_SECONDS = int(os.environ.get("RECONCILE_RUNNING_SECONDS", "7200"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # JSON bounded in size and nesting (a 400 / 413 in the error shape, never a 500), forms as DRF's own.
    "DEFAULT_PARSER_CLASSES": [
        "declarations.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    # Client address for throttling: X-Forwarded-For only as far as our own proxies wrote it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Password guessing through the API token endpoint (declarations.api.views.TokenObtainThrottle), per client IP;
# failures there also count towards the django-axes lockout.
API_TOKEN_THROTTLE_RATE = os.environ.get("API_TOKEN_THROTTLE_RATE", "10/min") or None
SPECTACULAR_SETTINGS = {
    "TITLE": "Exporter Portal API",
    "VERSION": "1.0.0",
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "declarations.choices.Channel",
        "ModeEnum": "declarations.choices.Mode",
        "DelegationSideEnum": "declarations.models.delegations.DelegationSide",
        # a declaration's document types beside the filings' (both fields are "doc type")
        "DeclarationDocumentTypeEnum": "declarations.models.declaration_documents.DeclarationDocument.DocType",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security headers, on in every environment (development sees what production sends); the
# Content-Security-Policy comes from declarations.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

"""Settings for xuncha, driven by the environment.

SQLite is the embedded default; set ``DATABASE_URL`` (e.g. ``postgres://user@/db?host=/var/run/
postgresql``) for PostgreSQL. ``XUNCHA_DEBUG=1`` for development; production settings (secure
cookies, HSTS) apply whenever debug is off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# The database, uploaded evidence, keys and collected static files. From a source checkout
# the default is its var/ folder; an installed package (no manage.py beside config/) defaults
# to var/ in the working directory, and a deployment sets XUNCHA_DATA_DIR (docs/deploy.md).
DATA_DIR = Path(
    os.environ.get(
        "XUNCHA_DATA_DIR",
        BASE_DIR / "var" if (BASE_DIR / "manage.py").exists() else Path.cwd() / "var",
    )
)


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("XUNCHA_DEBUG", default=False)


def load_secret_key() -> str:
    """The key from XUNCHA_SECRET_KEY, else one generated once and kept in the data folder.

    An intranet install then needs no set-up step, and the key never enters the repository.
    """
    key = os.environ.get("XUNCHA_SECRET_KEY", "")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = load_secret_key()

# The audit chain's HMAC key (unless XUNCHA_AUDIT_KEY is set) and the anchor file its head is
# appended to: both outside the database, backed up with it but never inside it (docs/audit.md).
XUNCHA_AUDIT_KEY_FILE = Path(os.environ.get("XUNCHA_AUDIT_KEY_FILE", DATA_DIR / "audit.key"))
XUNCHA_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("XUNCHA_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchor.log")
)

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("XUNCHA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "xuncha.core",
    "xuncha.rounds",
    "xuncha.findings",
    "xuncha.rectification",
    "xuncha.notifications",
    "xuncha.followups",
    "xuncha.digests",
    "xuncha.ledgers",
    "xuncha.petitions",
    "xuncha.reports",
    "xuncha.clocks",
    "xuncha.demo",
    "xuncha.api",
    "xuncha.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A write that waited too long for the database answers 503 with a page (nothing stored).
    "xuncha.core.middleware.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling (django-axes): after 5 failures for one username from one address, that
# pair waits 15 minutes. Successful logins reset the count.
AXES_FAILURE_LIMIT = int(os.environ.get("XUNCHA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("XUNCHA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The admin shows axes' lockouts through xuncha's own audited admin (core/admin_people.py).
AXES_ENABLE_ADMIN = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xuncha.sqlite3'}"),
        # A worker keeps its connection between requests (a new PostgreSQL connection costs
        # several milliseconds); it is checked before reuse, so a restarted server is no error.
        conn_max_age=int(os.environ.get("XUNCHA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of reading a page out of order: PostgreSQL's default (4) assumes
    # spinning disks and makes it scan a whole table rather than walk an index for one round's
    # problems; 1.1 is the usual value for SSDs.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c random_page_cost={os.environ.get('XUNCHA_PG_RANDOM_PAGE_COST', '1.1')}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: readers never wait for a writer, and a writer waits for another (up
    # to XUNCHA_SQLITE_TIMEOUT seconds) instead of failing at once. The write lock is taken when
    # a transaction begins, so that concurrent appends to the audit chain are serialised as on
    # PostgreSQL. synchronous=NORMAL is durable in WAL mode except for the last transactions
    # before a power cut, never corrupt.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("XUNCHA_SQLITE_TIMEOUT", "60")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        }
    )
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "xuncha" / "locale"]
TIME_ZONE = os.environ.get("XUNCHA_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_flag("XUNCHA_TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_flag("XUNCHA_TESTING")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

# A digest is a few hundred kilobytes at most; refuse anything far larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Mail: Django's settings from the environment; the console backend prints mail when no
# server is configured (an intranet pilot sees the inbox either way).
EMAIL_BACKEND = os.environ.get(
    "XUNCHA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("XUNCHA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("XUNCHA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("XUNCHA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XUNCHA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("XUNCHA_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("XUNCHA_EMAIL_FROM", "xuncha@localhost")
XUNCHA_SITE_URL = os.environ.get("XUNCHA_SITE_URL", "http://127.0.0.1:8000")

XUNCHA_EVIDENCE_MAX_BYTES = int(os.environ.get("XUNCHA_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
XUNCHA_DIGEST_MAX_BYTES = int(os.environ.get("XUNCHA_DIGEST_MAX_BYTES", str(2 * 1024 * 1024)))
# The largest Excel ledger accepted for import (a province's ledger of 100,000 rows is ~10 MB).
XUNCHA_LEDGER_MAX_BYTES = int(os.environ.get("XUNCHA_LEDGER_MAX_BYTES", str(20 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "xuncha.api.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xuncha API",
    "DESCRIPTION": "巡察整改台账的只读接口：轮次、单位、问题（含整改措施与成效）。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API viewer's files come from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a field called "kind"; name their enums apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "RoundKindEnum": "xuncha.rounds.models.RoundKind",
        "OutcomeKindEnum": "xuncha.findings.models.OutcomeKind",
        "ProblemStatusEnum": "xuncha.findings.models.ProblemStatus",
        "MeasureStatusEnum": "xuncha.findings.models.MeasureStatus",
    },
}

# Production hardening applies whenever debug is off (manage.py check --deploy is clean).
SESSION_COOKIE_SECURE = not DEBUG and not env_flag("XUNCHA_INSECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_flag("XUNCHA_SSL_REDIRECT", default=False)
# Behind a reverse proxy that terminates TLS (docs/deploy.md): the proxy says the request came
# over https in X-Forwarded-Proto, so secure cookies and redirects work.
if env_flag("XUNCHA_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_flag("XUNCHA_USE_X_FORWARDED_HOST")
# Origins besides the site's own host that may post forms (a proxy on another port or name).
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("XUNCHA_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SECURE_HSTS_SECONDS = int(os.environ.get("XUNCHA_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The HSTS preload list is for public domains; an intranet host name cannot be on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Deadlines: how many days before its due date an item turns yellow.
XUNCHA_WARNING_DAYS = int(os.environ.get("XUNCHA_WARNING_DAYS", "7"))

# 公文 (docs/official-documents.md): the office that issues notices and digests, printed as
# their 发文机关标志 and 署名; the prefix of its 发文字号 ("×巡办" gives "×巡办〔2026〕3号");
# a folder of the office's own .docx templates (notice.docx, digest.docx,
# rectification_report.docx), empty for the ones shipped with xuncha.
XUNCHA_OFFICE_NAME = os.environ.get("XUNCHA_OFFICE_NAME", "中共××市委巡察工作领导小组办公室")
XUNCHA_DOCUMENT_PREFIX = os.environ.get("XUNCHA_DOCUMENT_PREFIX", "×巡办")
XUNCHA_DOCX_TEMPLATES = os.environ.get("XUNCHA_DOCX_TEMPLATES", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XUNCHA_LOG_LEVEL", "WARNING")},
}

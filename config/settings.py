"""Jangkau settings: one module, configured by the environment.

With no environment variables set it runs in debug mode on an embedded SQLite database
(WAL, IMMEDIATE transactions so a web process and a background worker can share it).
Production: DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY wajib diisi bila DJANGO_DEBUG=false.")
    SECRET_KEY = "django-insecure-jangkau-development-only-key-not-for-production-use"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "config",
    "imports",
    "regions",
    "participants",
    "outreach",
    "published",
    "commitments",
    "subsidies",
    "rapor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "config.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.replica.ReplicaReadsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.replica.replica_lag",
            ],
        },
    },
]

# Databases: embedded SQLite unless DATABASE_URL says otherwise.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
    ),
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("JANGKAU_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("JANGKAU_SQLITE_TEST_PATH", str(BASE_DIR / "test.sqlite3"))}

# The page cache (config.pagecache) is shared by every web process: the database's own cache table by default
# (`manage.py createcachetable`, run by `make migrate` and `make serve`), Redis in production with
# DJANGO_CACHE_URL=redis://host:6379/0.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jangkau_cache"}}

# Optional read replica (a streaming standby of DATABASE_URL's database): the dashboards, their exports, the
# rapor and the API read from it (config.replica); a test run treats it as a mirror of the test database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # a replica that does not answer must not hold a page for long: its requests fall back to the primary
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
# A page notes how far behind the replica is once it passes this many seconds.
JANGKAU_REPLICA_LAG_NOTE_SECONDS = float(os.environ.get("JANGKAU_REPLICA_LAG_NOTE_SECONDS", "60"))
# After a failed connection, the replica is left alone this long (seconds) by each process.
JANGKAU_REPLICA_RETRY_SECONDS = float(os.environ.get("JANGKAU_REPLICA_RETRY_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work through the django.tasks API; the database backend needs only the database.
TASKS = {"default": {"BACKEND": os.environ.get("JANGKAU_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username + address
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: 5 wrong passwords for one username from one address lock that pair for the cool-off,
# even with the right password afterwards.
AXES_FAILURE_LIMIT = int(os.environ.get("JANGKAU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("JANGKAU_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the web processes, each appending its peer's address to X-Forwarded-For.
# django-axes would read AXES_IPWARE_* only with django-ipware installed (it is not), and ipware's
# proxy_count expects the proxies' own addresses inside the header; config.client_ip is used instead.
JANGKAU_PROXY_COUNT = int(os.environ.get("JANGKAU_PROXY_COUNT", "0"))
if JANGKAU_PROXY_COUNT < 0:
    raise ImproperlyConfigured("JANGKAU_PROXY_COUNT harus 0 atau lebih.")

AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_address"
AXES_SENSITIVE_PARAMETERS = ["password"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JANGKAU_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# A session ends after this much inactivity (every request renews it) or when the browser closes;
# changing a password ends every other session of that user (Django's session auth hash).
SESSION_COOKIE_AGE = 60 * int(os.environ.get("JANGKAU_SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: only this site's own files, no inline script or style anywhere (admin included).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Production sits behind TLS. `make run` serves plain http on loopback (DJANGO_SECURE_SSL_REDIRECT=false):
    # no redirect, no HSTS and cookies without the Secure flag there, but still no technical error pages.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    if SECURE_SSL_REDIRECT:
        SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JANGKAU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every step of every rapor PDF
        "fontTools": {"level": "WARNING"},
    },
}

# Imports: uploads larger than this are refused before they are stored (bytes).
JANGKAU_MAX_UPLOAD_BYTES = int(os.environ.get("JANGKAU_MAX_UPLOAD_BYTES", str(100 * 2**20)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# Resource limits of an import file (refused whole, with a message, before it is parsed): rows of a CSV or
# XLSX, the unpacked worksheet XML of an XLSX, and rows x columns of its sheet (the XLSX reader allocates
# that rectangle: a single far-away cell asked for 3.2 GB).
JANGKAU_IMPORT_MAX_ROWS = int(os.environ.get("JANGKAU_IMPORT_MAX_ROWS", "2000000"))
JANGKAU_XLSX_MAX_SHEET_BYTES = int(os.environ.get("JANGKAU_XLSX_MAX_SHEET_BYTES", str(200 * 2**20)))
JANGKAU_XLSX_MAX_CELLS = int(os.environ.get("JANGKAU_XLSX_MAX_CELLS", "20000000"))
# A running import whose worker has been silent this long lost it (killed): the sweep task resumes the job.
JANGKAU_IMPORT_STALE_SECONDS = float(os.environ.get("JANGKAU_IMPORT_STALE_SECONDS", "120"))
# Rejected rows kept with their cells per import job (the rest are counted, not stored).
JANGKAU_MAX_STORED_REJECTED = int(os.environ.get("JANGKAU_MAX_STORED_REJECTED", "10000"))
JANGKAU_IMPORT_CHUNK_ROWS = int(os.environ.get("JANGKAU_IMPORT_CHUNK_ROWS", "20000"))  # see imports.pipeline.chunk_rows
# Coverage plan: an employer is in arrears when at least this many whole months between its last paid month
# and the month of the date asked for are unpaid (outreach.selectors.arrears_threshold).
JANGKAU_ARREARS_MONTHS = int(os.environ.get("JANGKAU_ARREARS_MONTHS", "3"))
if JANGKAU_ARREARS_MONTHS < 1:
    raise ImproperlyConfigured("JANGKAU_ARREARS_MONTHS harus 1 atau lebih.")
SIMPLE_HISTORY_REVERT_DISABLED = True
AXES_VERBOSE = False

# Read-only JSON API of published figures (/api/): a token (`Authorization: Token KEY` or `Bearer KEY`, made by
# an admin in the admin site) or a logged-in browser session; JSON only; scoped like the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "published.api_base.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "published.api_base.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jangkau API",
    "VERSION": "1",
    "DESCRIPTION": "Published UCJ and BSU figures per regency/city and month. / "
    "Angka resmi UCJ dan BSU per kabupaten/kota dan bulan.",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"FlagCodeEnum": "published.api.FLAG_CODES"},
}

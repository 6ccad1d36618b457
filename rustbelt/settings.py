"""Settings for the Rust Belt Parks site: one module, everything that varies comes from the environment."""

import os
import re
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Marked insecure on purpose: `check --deploy` rejects it, so it can never reach production.
    SECRET_KEY = "django-insecure-local-development-only"
# Without DEBUG and without a key, SECRET_KEY stays empty: commands that never sign anything
# (check, makemigrations, migrate) still run, but the servers refuse to start (rustbelt/wsgi.py,
# rustbelt/asgi.py) and anything that signs raises Django's ImproperlyConfigured.

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    # Translated model fields (articles/translation.py); before the admin, as its documentation asks,
    # so the translation fields and Section's history exist before admin modules are imported.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # intcomma: counts grouped the way the page's language writes them (FORMAT_MODULE_PATH below).
    "django.contrib.humanize",
    # Full-text search on PostgreSQL; importing it is harmless on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "csp",
    # The read API under /api/v1/ and its OpenAPI document (opendata/).
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served as our own static files (no CDN, strict CSP).
    "drf_spectacular_sidecar",
    "corsheaders",
    # The shared publishing layer comes before simple_history so its admin template overrides win.
    "publishing.apps.PublishingConfig",
    "simple_history",
    "import_export",
    "axes",
    "articles",
    "parks",
    # Open data: the API, the data package, the SQLite dataset and the Data page.
    "opendata",
    # Numbered, dated editions of the article, the catalogue and the data files (releases/).
    "releases",
    "rustbelt.apps.RustbeltConfig",
]
# Apps whose records appear on public pages: their saves start a new content generation, `backup`
# dumps them and `load_content` asks each for its shipped content, in this order.
CONTENT_APPS = ["articles", "parks"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Absolute URLs from DJANGO_SITE_URL, not from the Host header (cache poisoning).
    "rustbelt.security.CanonicalOriginMiddleware",
    # Static files are answered before sessions or auth are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control, Last-Modified, ETag and gzip for what shared caches (nginx) may keep, decided from
    # what the inner middleware did: cookies, CSRF tokens, Vary, the signed-in user (rustbelt/cache.py).
    "rustbelt.cache.CacheHeadersMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; it only touches /api/ and /data/.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's order): picks the language from the URL prefix,
    # and sends unprefixed URLs to the visitor's language (cookie, then Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    # Refuses a NUL in any query parameter (400) before any view or lookup reads it.
    "rustbelt.security.NulParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rustbelt.security.ContentSecurityPolicyMiddleware",
    # Records who made each change (history_user) for saves made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "locked out" response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rustbelt.urls"
TEST_RUNNER = "rustbelt.test_runner.RustbeltTestRunner"

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
                "rustbelt.context_processors.site",
                "rustbelt.context_processors.languages",
                "rustbelt.context_processors.content_generation",
                "articles.context_processors.featured_article",
            ],
        },
    },
]

WSGI_APPLICATION = "rustbelt.wsgi.application"

# SQLite by default (a file in the project folder); PostgreSQL with DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
# WAL lets readers work while one admin saves; IMMEDIATE takes the write lock at BEGIN,
# so a second writer waits up to `timeout` seconds instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts but never answers must not hang a worker until gunicorn kills it:
    # give up connecting after a few seconds, and cancel any statement slower than the request timeout.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")),
        "options": f"-c statement_timeout={int(os.environ.get('DJANGO_DB_STATEMENT_TIMEOUT_MS', '20000'))}",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Names in their own language: the switcher shows each language as its speakers write it.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers on pages follow the page's language (Django's locale formats: "Nov. 29, 2026" /
# "2026年11月29日"). USE_THOUSAND_SEPARATOR stays off, so years (1992) and machine-read values are never
# grouped; templates group amounts explicitly with |intcomma. rustbelt/formats/ corrects one format.
FORMAT_MODULE_PATH = ["rustbelt.formats"]
# Translated fields (django-modeltranslation): English is the published text every other falls back to.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# The visitor's choice from the switcher, kept a year; read before Accept-Language.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "rustbelt" / "static"]

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

SITE_NAME = "Rust Belt Parks"
# The public origin, e.g. https://parks.example.org: absolute links (og:url, citations, exports) are
# built from it, never from the request's Host header. Empty: from the request (development).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
# Internal link schemes in Markdown (rustbelt/publishing/markdown.py): `[wording](park:<slug>)`.
MARKDOWN_INTERNAL_LINKS = {"park": "parks:detail", "path": "parks:path"}
# Licence stated on every page and in every export.
CONTENT_LICENSE = "CC BY 4.0"
CONTENT_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

# --- Production: security headers, HTTPS, static files, cache (docs/deploying.md) ---

# Seconds browsers must use HTTPS only; a year in production, off while debugging locally.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", default=not DEBUG)
# Off by default so a plain-HTTP development server still works; on in production unless a proxy
# that already redirects says otherwise.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind deploy/nginx.conf, which passes the scheme and the client's address on (X-Forwarded-*).
BEHIND_PROXY = env_flag("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    # Only trust this header behind a proxy that sets it; otherwise clients could fake HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Parks map tiles, opt-in: by default no page asks any host but the site's own (tile servers abroad are
# slow or blocked in mainland China), and the province outlines carry the map. Any XYZ tile server, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png with its attribution; {s} takes PARKS_MAP_TILE_SUBDOMAINS.
PARKS_MAP_TILE_URL = os.environ.get("PARKS_MAP_TILE_URL", "")
PARKS_MAP_TILE_ATTRIBUTION = os.environ.get("PARKS_MAP_TILE_ATTRIBUTION", "")
PARKS_MAP_TILE_SUBDOMAINS = os.environ.get("PARKS_MAP_TILE_SUBDOMAINS") or "abc"
# "gcj02" for tiles drawn in GCJ-02 (mainland Chinese providers): positions are shifted for drawing only.
PARKS_MAP_TILE_CRS = os.environ.get("PARKS_MAP_TILE_CRS") or "wgs84"


def tile_origin(url):
    """The tile server's origin for the CSP's img-src; a label holding {s} becomes the CSP's wildcard."""
    scheme, _, host = url.split("/")[:3]
    return f"{scheme}//" + ".".join("*" if "{s}" in label else label for label in host.split("."))


# img-src allows the tile server's origin, when one is set, and nothing else outside the site.
MAP_TILE_ORIGIN = tile_origin(PARKS_MAP_TILE_URL) if PARKS_MAP_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No 'unsafe-inline': templates keep scripts and styles in static files.
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production (whitenoise serves them with far-future caching);
    # tests and development read the source folders, so they never need collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_flag("DJANGO_PLAIN_STATIC")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Development and tests serve static files from the source folders through whitenoise's finders;
# STATIC_ROOT only exists after collectstatic, so its warning would be noise there.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
warnings.filterwarnings("ignore", message="No directory at")

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_PREFIX", "rustbelt")
# Seconds to wait for Redis to connect or answer; then the site serves from the database.
CACHE_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_CACHE_TIMEOUT_SECONDS", "1"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, with errors logged and treated as misses (rustbelt/cache_backends.py).
            "BACKEND": "rustbelt.cache_backends.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS, "socket_timeout": CACHE_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rustbelt",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
# Seconds nginx (deploy/nginx.conf) and browsers may keep an anonymous public page: the longest a
# researcher's save can take to show there. Django itself caches no page.
PUBLIC_PAGE_MAX_AGE = 5
# Whole-catalogue aggregates (the province x path matrix) are computed once per content generation
# and kept this long: every page that shows them, cached or not, then skips a scan of all parks.
AGGREGATE_CACHE_SECONDS = int(os.environ.get("DJANGO_AGGREGATE_CACHE_SECONDS", "600" if REDIS_URL else "60"))

# Errors go to stderr (gunicorn's error log) with their traceback, one greppable line each to start.
# Django's errors go where gunicorn's go (gunicorn.conf.py): the file GUNICORN_ERROR_LOG names, else stderr.
# WatchedFileHandler reopens the file after logrotate moves it.
ERROR_LOG = os.environ.get("GUNICORN_ERROR_LOG", "-")
if ERROR_LOG in ("", "-"):
    ERROR_HANDLER = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "line"}
else:
    ERROR_HANDLER = {"class": "logging.handlers.WatchedFileHandler", "filename": ERROR_LOG, "formatter": "line"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s"},
    },
    "handlers": {"errors": ERROR_HANDLER},
    "loggers": {
        "django.request": {"handlers": ["errors"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["errors"], "level": "ERROR", "propagate": False},
        "rustbelt": {
            "handlers": ["errors"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}

# --- Researchers' workflow: history, imports, sign-in lockout, uploads -------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
if BEHIND_PROXY:
    # Behind a proxy every request comes from the proxy's address: take the visitor's from the
    # header the proxy sets, or anyone could lock any account for everyone (rustbelt/security.py).
    AXES_CLIENT_IP_CALLABLE = "publishing.clients.client_ip"
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "X-Forwarded-For")
# Researchers may read history; reverting needs the "change historical ..." permission (Editors).
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Formula cells: import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" (not
# + - @ tab CR) and turns numbers into text, so ParkResource.export_field neutralizes cells itself.
# A pending import's file is kept in a private folder under a name the server chose and remembers in
# the user's session; a posted file name is never trusted (rustbelt/publishing/imports.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "publishing.imports.PrivateImportStorage"
IMPORT_TMP_DIR = Path(os.environ.get("DJANGO_IMPORT_TMP_DIR", BASE_DIR / "var" / "imports"))
# Larger files are refused with a message before they are read (the dry run must fit the request timeout).
IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", "5000"))
IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# An XLSX file is compressed: it is also refused when it unpacks to more than this, or has more columns.
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_COLUMNS = int(os.environ.get("DJANGO_IMPORT_MAX_COLUMNS", "60"))
# A preview not confirmed within this many seconds is deleted (also on sign-out).
IMPORT_PENDING_MAX_AGE = int(os.environ.get("DJANGO_IMPORT_PENDING_MAX_AGE", "3600"))
# Uploaded images: refused above these limits, before Pillow decodes a single pixel.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000
# Widths of the resized copies stored beside each image (srcset).
IMAGE_WIDTHS = (480, 960)
# Importing needs the "add" permission, exporting the "view" one (default: any staff member).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Open data: read API, OpenAPI, data package, SQLite file --------------------------
# Anonymous, read-only; every client address may make this many API requests (docs/open-data.md).
API_THROTTLE_RATE = os.environ.get("DJANGO_API_THROTTLE_RATE", "120/minute")
if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", API_THROTTLE_RATE):
    # A typo would otherwise switch the limit off at the first request: refuse to start instead.
    raise ImproperlyConfigured(f"DJANGO_API_THROTTLE_RATE must look like 120/minute, not {API_THROTTLE_RATE!r}")
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: the browsable API's templates use inline scripts, which our CSP refuses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.throttling.ClientAddressThrottle"],
    "EXCEPTION_HANDLER": "opendata.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "opendata.schema.OpenDataSchema",
    # The throttle finds the client's address as django-axes does (rustbelt/api/throttling.py); NUM_PROXIES is
    # left unset on purpose: nothing else reads it.
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rust Belt Parks API",
    "DESCRIPTION": (
        "Read-only API over the published catalogue of Northeast China's industrial parks and the article "
        "'Industrial Real Estate Park Revitalization in Major Rust Belts' (Jia Xiaobing). Anonymous; "
        "throttled per client address (429 with Retry-After); errors are application/problem+json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Cross-origin reads for everyone, on the API and the data files only.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|data)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Link"]
# The SQLite dataset is built once per content generation and kept here (not public: served by a view).
DATA_FILES_ROOT = Path(os.environ.get("DJANGO_DATA_FILES_ROOT", BASE_DIR / "var" / "data"))
# Readers' suggested corrections accepted from one address per hour (releases/corrections.py).
SUGGESTIONS_PER_HOUR = int(os.environ.get("DJANGO_SUGGESTIONS_PER_HOUR", "5"))
# Each release's data files, kept for good and served only through the release's addresses.
RELEASE_FILES_ROOT = Path(os.environ.get("DJANGO_RELEASE_FILES_ROOT", BASE_DIR / "var" / "releases"))
# Above this many published parks the admin sends editors to `manage.py make_release`: freezing 10,061 parks
# took 12.5 s of CPU (BENCHMARKS.md, "Release storage"), and gunicorn ends a request at 30 s.
RELEASE_ADMIN_MAX_PARKS = int(os.environ.get("DJANGO_RELEASE_ADMIN_MAX_PARKS", "12000"))

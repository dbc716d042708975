"""Concierge settings: one module, every value read from the environment.

The defaults run the embedded product (SQLite under var/, in-process worker,
console e-mail). `docs/configuration.md` documents each variable.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from concierge.env import envbool, envint, envlist, envprefixed, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("CONCIERGE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
# The embedded default must start with no configuration at all, so it has a
# development key; production refuses to start without a real one (see below).
SECRET_KEY = envstr("SECRET_KEY", "insecure-embedded-default-change-me")
PRODUCTION = envbool("PRODUCTION", False)
if PRODUCTION and SECRET_KEY.startswith("insecure-"):
    raise RuntimeError("SECRET_KEY must be set when PRODUCTION=1")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", f"http://localhost:{envint('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "concierge.system",
    "concierge.people",
    "concierge.tickets",
    "concierge.portal",
    "concierge.sla",
    "concierge.mail",
    "concierge.automation",
    "concierge.helpcenter",
    "concierge.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "concierge.people.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "concierge.people.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a blocked rate limit into RATELIMIT_VIEW's 429 page instead of a 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "concierge.urls"
ASGI_APPLICATION = "concierge.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "concierge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "concierge.system.context_processors.branding",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'concierge.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE
    # transactions make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "people:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if envbool("CONCIERGE_FAST_PASSWORD_HASHER", False)
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("fi", _("Finnish")),
]
LOCALE_PATHS = [BASE_DIR / "concierge" / "locale"]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries are served straight from node_modules (installed by npm
# from package-lock.json), so nothing third-party is copied into the repository.
STATICFILES_DIRS = [
    # The project's own stylesheets and scripts: concierge/static/<app>/.
    BASE_DIR / "concierge" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": envstr("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Attachments: a limit per file and the types that may be uploaded at all.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_FILES = envint("ATTACHMENT_MAX_FILES", 10)
ATTACHMENT_BLOCKED_EXTENSIONS = envlist(
    "ATTACHMENT_BLOCKED_EXTENSIONS", "exe,bat,cmd,com,js,msi,scr,vbs,ps1,jar,sh,dll,html,htm,svg"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The embedded default runs one web process, so its in-process cache is the one
# shared counter the rate limits need; several web processes need REDIS_URL.
# Django's own Redis cache increments atomically, which is all django-ratelimit needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
RATELIMIT_VIEW = "concierge.system.views.rate_limited"
CONTACT_FORM_RATE = envstr("CONTACT_FORM_RATE", "10/h")
MAGIC_LINK_RATE = envstr("MAGIC_LINK_RATE", "5/h")
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", True)
NUM_PROXIES = envint("NUM_PROXIES", 0)

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", 60)
# The worker's scheduler: how often it looks for due periodic jobs, and the time rules' tick.
SCHEDULER_POLL_SECONDS = envint("SCHEDULER_POLL_SECONDS", 15)
TIME_RULES_INTERVAL_SECONDS = envint("TIME_RULES_INTERVAL_SECONDS", 300)
# Routing: how often waiting unassigned tickets are offered to agents again.
ROUTING_QUEUE_INTERVAL_SECONDS = envint("ROUTING_QUEUE_INTERVAL_SECONDS", 60)
# Ticket language detection: the languages weighed, and the confidence (percent) needed.
LANGUAGE_DETECTION_LANGUAGES = envlist(
    "LANGUAGE_DETECTION_LANGUAGES", "en,ru,tr,fi,sv,et,de,fr,es,it,pt,nl,pl,uk"
)
LANGUAGE_DETECTION_MIN_CONFIDENCE = envint("LANGUAGE_DETECTION_MIN_CONFIDENCE", 50) / 100
# How often the SLA sweep records breaches and fires escalation rules.
SLA_SWEEP_INTERVAL_SECONDS = envint("SLA_SWEEP_INTERVAL_SECONDS", 60)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Concierge <support@localhost>")
# django-anymail, for providers' inbound webhooks (and EMAIL_BACKEND=anymail.backends.…):
# every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_WEBHOOK_SECRET
# ("user:password", several separated by commas while rotating) or
# ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY. docs/channels.md lists them per provider.
ANYMAIL: dict[str, object] = dict(envprefixed("ANYMAIL_"))
if ANYMAIL.get("WEBHOOK_SECRET"):
    ANYMAIL["WEBHOOK_SECRET"] = envlist("ANYMAIL_WEBHOOK_SECRET")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAGIC_LINK_MAX_AGE_SECONDS = envint("MAGIC_LINK_MAX_AGE_SECONDS", 30 * 60)

BRAND_NAME = envstr("BRAND_NAME", "Concierge")
BRAND_LOGO_URL = envstr("BRAND_LOGO_URL")
BRAND_ACCENT_COLOR = envstr("BRAND_ACCENT_COLOR", "#2563eb")
# How macros address customers: formal, informal, or e.g. "formal,fi:informal".
BRAND_TONE = envstr("BRAND_TONE", "formal")

# Security: strict by default, and everything `check --deploy` asks for in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION and envbool("SECURE_HSTS_PRELOAD", False)
if PRODUCTION and not SECURE_HSTS_PRELOAD:
    # Preloading is the operator's decision: browsers then refuse plain HTTP for the domain
    # and all its subdomains for months, even after it is switched off. Not opting in is no flaw.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", PRODUCTION) else None
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 14 * 24 * 3600)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *envlist("CSP_IMG_SRC")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

INBOX_PAGE_SIZE = envint("INBOX_PAGE_SIZE", 50)

"""Mochou settings: one module, every value from the environment, SQLite with zero variables."""

from __future__ import annotations

import sys
from pathlib import Path

from mochou.env import database_from_url, env_bool, env_float, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("MOCHOU_VAR_DIR", str(Path.cwd() / "var")))
TESTING = "pytest" in sys.modules or env_bool("MOCHOU_TESTING")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
# Demo mode (`./dev serve` turns it on): demo data on an empty database, demo keys. Off by default so
# that a production server never seeds demo data or runs on a published key by omission.
MOCHOU_DEMO = env_bool("MOCHOU_DEMO", default=False)
DEMO_SECRET_KEY = "mochou-insecure-demo-key-set-SECRET_KEY-in-production"  # noqa: S105 (public on purpose)
SECRET_KEY = env_str("SECRET_KEY").strip() or DEMO_SECRET_KEY
# Serving with the published demo key outside demo, debug or tests is refused: see mochou.checks
# (mochou.E001) and `mochou serve`. Commands that serve nothing (triage predict, …) still run.
USING_DEMO_SECRET_KEY = SECRET_KEY == DEMO_SECRET_KEY
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o]

# HTTPS: on behind TLS (directly or through a proxy), cookies are sent only over HTTPS and browsers
# are told to stay on it. Off by default: many intranet deployments serve plain HTTP.
MOCHOU_HTTPS = env_bool("MOCHOU_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = MOCHOU_HTTPS
SECURE_SSL_REDIRECT = MOCHOU_HTTPS and env_bool("MOCHOU_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("MOCHOU_HSTS_SECONDS", 31536000 if MOCHOU_HTTPS else 0)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The address of a reverse proxy in front of `mochou serve`: waitress then takes the client's
# address from X-Forwarded-For (rate limits) and the scheme from X-Forwarded-Proto.
MOCHOU_TRUSTED_PROXY = env_str("MOCHOU_TRUSTED_PROXY")
if MOCHOU_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI's assets locally: no CDN on a government intranet
    "mochou",
    "accounts",
    "org",
    "worktime",
    "loop",
    "cases",
    "notifications",
    "triage",
    "knowledge",
    "replytemplates",
    "portal",
    "console",
    "open311",
    "enterprises",
    "supervision",
    "stats",
    "hotspots",
    "dashboard",
    # The loops built on the loop core after the hotline.
    "duty",  # 24小时应急值班
    "enforcement",  # 城乡控违
    "affairs",  # 一网通办 (政务服务事项)
    "investment",  # 招商引资项目
    "intermediaries",  # 莫愁超市 (中介服务)
    "hall",  # 莫愁政务大厅 (取号、叫号)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise: static files carry the same headers as the pages.
    "mochou.security.SecurityHeadersMiddleware",
    # WhiteNoise, with a year's cache for hashed names (mochou.static_assets; issue 17).
    "mochou.static_assets.StaticFilesMiddleware",
    # Before sessions and auth (a cookie is input too): refuses NUL bytes and non-JSON API bodies.
    "mochou.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mochou.urls"
WSGI_APPLICATION = "mochou.wsgi.application"

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
                "notifications.context_processors.unread_notifications",
                "mochou.nav.extra_nav",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), str(VAR_DIR / "mochou.sqlite3"))}

# ---- Read replica (issue 17; mochou/dbrouting.py, docs/deploy.md 只读副本与多节点) -----------------
# DATABASE_REPLICA_URL, a PostgreSQL streaming replica of DATABASE_URL: the dashboards', statistics',
# hotspots' and queues' reads go there. Unset: no second alias, no router, no middleware.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
# A browser that wrote reads the primary for this long after (read your own writes), in seconds.
MOCHOU_REPLICA_STICKY_SECONDS = env_int("MOCHOU_REPLICA_STICKY_SECONDS", 5)
# A replica further behind than this is not read; one that failed is not tried again for this long.
MOCHOU_REPLICA_MAX_LAG_SECONDS = env_float("MOCHOU_REPLICA_MAX_LAG_SECONDS", 30.0)
MOCHOU_REPLICA_RETRY_SECONDS = env_float("MOCHOU_REPLICA_RETRY_SECONDS", 10.0)
if DATABASE_REPLICA_URL:
    from mochou.dbrouting import REPLICA, replica_database

    DATABASES[REPLICA] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
    DATABASE_ROUTERS = ["mochou.dbrouting.ReplicaRouter"]
    MIDDLEWARE.append("mochou.dbrouting.ReplicaReadsMiddleware")
# ---- end of read replica -------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# GB/T 22239-2019 level 3 (口令复杂度): at least 10 characters of three classes, not like the
# user's name, not a common password, not digits only.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Password logins go through the lockout (accounts.lockout): the login page and the admin's alike.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
# Failed logins: this many within the window lock the account name (and, with the larger count,
# the address: a township office shares one NAT address) for MOCHOU_LOGIN_LOCK_MINUTES.
MOCHOU_LOGIN_MAX_FAILURES = env_int("MOCHOU_LOGIN_MAX_FAILURES", 5)
MOCHOU_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("MOCHOU_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
MOCHOU_LOGIN_WINDOW_MINUTES = env_int("MOCHOU_LOGIN_WINDOW_MINUTES", 15)
MOCHOU_LOGIN_LOCK_MINUTES = env_int("MOCHOU_LOGIN_LOCK_MINUTES", 15)
# Sessions end after MOCHOU_SESSION_IDLE_MINUTES without a request and when the browser closes.
# accounts.middleware.SessionIdleMiddleware renews the expiry at most once a minute of activity,
# not on every request as SESSION_SAVE_EVERY_REQUEST would (a database write per request).
SESSION_COOKIE_AGE = env_int("MOCHOU_SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if TESTING:
    # A fast hasher: the suite logs users in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders, but warns without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# ---- Serving for production (issue 17; mochou/static_assets.py, mochou/health.py, docs/deploy.md) ---
# Hashed static names (css/mochou.3f2a9c1b7d4e.css), cached by browsers for a year: `mochou serve`
# collects them into STATIC_ROOT at start. Tests and DEBUG keep the plain names from the finders.
if not (TESTING or DEBUG):
    STORAGES["staticfiles"] = {"BACKEND": "mochou.static_assets.HashedStaticFilesStorage"}
# The probes ask the backend over plain HTTP: never redirected to HTTPS (MOCHOU_SSL_REDIRECT).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# ---- end of serving for production ------------------------------------------------------------
MEDIA_ROOT = VAR_DIR / "media"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: huey on SQLite by default, Redis when REDIS_URL is set; immediate in tests.
# results=False: no code reads a task's return value (tasks write what matters to the database),
# and huey would otherwise keep every result forever, growing its table or Redis keys unbounded.
if REDIS_URL and not TESTING:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "mochou",
        "url": REDIS_URL,
        "immediate": False,
        "results": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "mochou",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "results": False,
    }

# Working hours of the centre and the units (local time), e.g. "08:30-12:00,14:30-17:30".
MOCHOU_WORK_HOURS = env_str("MOCHOU_WORK_HOURS", "08:30-12:00,14:00-17:30")
# Callback attempts after which a citizen counts as unreachable.
MOCHOU_CALLBACK_ATTEMPTS = env_int("MOCHOU_CALLBACK_ATTEMPTS", 3)
# How long an agent's claim on a callback in the callback pool (回访池) lasts, in minutes.
MOCHOU_CALLBACK_CLAIM_MINUTES = env_int("MOCHOU_CALLBACK_CLAIM_MINUTES", 60)
# The lead unit's limit for reporting the rectification a 差评 opens, in working days.
MOCHOU_RECTIFY_DAYS = env_int("MOCHOU_RECTIFY_DAYS", 5)
# 跨域通办: this instance's region code, by which it names itself to partner regions (affairs).
MOCHOU_AFFAIRS_REGION = env_str("MOCHOU_AFFAIRS_REGION", "420881")
# 提级办理: a case re-done (重办) or returned (退单) this many times becomes a 问题工单 for the supervisors.
MOCHOU_ESCALATION_MOVES = env_int("MOCHOU_ESCALATION_MOVES", 3)
# SMS: "record" keeps messages in the database (demo); "http" posts to MOCHOU_SMS_URL.
MOCHOU_SMS_BACKEND = env_str("MOCHOU_SMS_BACKEND", "record")
MOCHOU_SMS_URL = env_str("MOCHOU_SMS_URL")
# The signature every SMS starts with, as registered with the SMS gateway.
MOCHOU_SMS_SIGNATURE = env_str("MOCHOU_SMS_SIGNATURE", "【钟祥12345】")

# Triage of new cases (off in tests unless a test turns it on: most tests walk the loop by hand).
MOCHOU_TRIAGE = env_bool("MOCHOU_TRIAGE", default=not TESTING)
MOCHOU_TRIAGE_MODEL = env_str("MOCHOU_TRIAGE_MODEL", str(VAR_DIR / "triage" / "model.joblib"))
# Confidence at or above which a suggestion is dispatched without a person. Unset (None): the
# model's own threshold, chosen on held-out real messages (docs/triage.md; a model that found none
# dispatches nothing alone). A number overrides it; 0 turns automatic dispatch off.
MOCHOU_AUTO_DISPATCH_THRESHOLD: float | None = (
    env_float("MOCHOU_AUTO_DISPATCH_THRESHOLD", 0.0) if env_str("MOCHOU_AUTO_DISPATCH_THRESHOLD") else None
)

# The address citizens reach the platform at: links in SMS (the rating link) are built on it.
# Unset, `mochou serve` uses the address it serves on (mochou.http.public_url).
MOCHOU_PUBLIC_URL = env_str("MOCHOU_PUBLIC_URL")

# The jurisdiction_id Open311 clients send (GeoReport v2).
MOCHOU_OPEN311_JURISDICTION = env_str("MOCHOU_OPEN311_JURISDICTION") or "zhongxiang.gov.cn"

# Shared secret the telephone system sends in X-Mochou-Telephony-Key to POST /console/calls/events;
# unset refuses every call event. In the demo a fixed key lets the README's curl example work.
MOCHOU_TELEPHONY_KEY = env_str("MOCHOU_TELEPHONY_KEY") or (
    "demo-telephony-key" if MOCHOU_DEMO and not TESTING else ""
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    # 4xx answers are expected in tests (they assert them); only server errors are worth printing.
    "loggers": {"django.request": {"level": "ERROR" if TESTING else "WARNING"}},
}

# models.W040: SQLite has no INCLUDE columns. The covering indexes (cases.Case's
# case_created_cover) are PostgreSQL's speed-up; on SQLite Django builds them on their key
# columns alone, which is the index SQLite needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

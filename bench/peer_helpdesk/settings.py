"""Settings of the peer site: helpdesk and the apps it needs, on its own PostgreSQL database.

Where Mochou has a setting that changes speed, the peer gets the same one, so that the ratios
measure the code and not the configuration: persistent connections (CONN_MAX_AGE 60 with health
checks), JIT off for the sessions, the same language and time zone, DEBUG off, a database session
store. Mail goes to the dummy backend: helpdesk still renders its notices, nothing is sent.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-peer-helpdesk-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",  # helpdesk builds the links in its mails from the current Site
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # helpdesk's templates load humanize
    "rest_framework",
    "rest_framework.authtoken",  # the token the API client sends, as Mochou's client sends its own
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_helpdesk.urls"
WSGI_APPLICATION = "peer_helpdesk.wsgi.application"
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
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PEER_DB_NAME", "mochou_peer_helpdesk"),
        "USER": os.environ.get("PEER_DB_USER", "postgres"),
        "HOST": os.environ.get("PEER_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("PEER_DB_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"options": "-c jit=off"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("PEER_STATIC_ROOT", "/tmp/peer-helpdesk-static")  # noqa: S108
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peer-helpdesk-media")  # noqa: S108
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.invalid"

# DRF reads the token (Authorization: Token …) or the session; the API's own permission
# (IsAdminUser) stays as helpdesk sets it.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
}

# helpdesk: no pinax-teams (an optional extra), the public form and the API on.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
HELPDESK_PUBLIC_ENABLED = True

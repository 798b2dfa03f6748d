"""WSGI entry point of the peer site (waitress serves `peer_helpdesk.wsgi:application`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_helpdesk.settings")
application = get_wsgi_application()

"""The request type of views that only a signed-in user reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind `@login_required` (or a helper such a view calls): `request.user` is a
    signed-in `User`, never `AnonymousUser`. Only an annotation — Django builds plain requests."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap wants a fragment; a history restore (back button, cache miss) wants the full page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


# Where `mochou serve` runs when nothing else is said (and what `manage.py runserver` serves).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def public_url(path: str) -> str:
    """An absolute address for a link that leaves the platform (an SMS): on MOCHOU_PUBLIC_URL, which
    `mochou serve` derives from the address it serves on unless it is set. Never the host of the
    staff member's request: they may use an intranet name the citizen's phone cannot reach."""
    base = getattr(settings, "MOCHOU_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL
    return base.rstrip("/") + path

"""The request type of views that only a signed-in user reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

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

"""Bearer-token authentication for the JSON API.

Tokens are stored as SHA-256 digests (ApiToken.digest_of), so a leaked database does not leak
usable tokens. `last_used_at` is written at most once a minute: a busy integration would
otherwise turn every read into a write on the same row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import ApiToken, User

LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_token(raw: str, *, now: datetime | None = None) -> User | None:
    """The active user a raw token belongs to, or None; records the use (throttled)."""
    if not raw:
        return None
    # The user's unit comes along: visible_to() and the permission checks need it on every request.
    token = ApiToken.objects.select_related("user__unit").filter(digest=ApiToken.digest_of(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A conditional UPDATE, not save(): concurrent requests never overwrite a newer time.
        ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer mc_…`; ninja turns a None result into AuthenticationError (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token.strip())
        if user is not None:
            # Code shared with the HTML views (privacy audit, permissions) reads request.user.
            request.user = user
        return user

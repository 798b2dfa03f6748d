"""Signed, expiring links that open a case's citizen page without retyping number and phone.

The token names the case and is signed with SECRET_KEY (TimestampSigner): it cannot be forged
or pointed at another case, and it expires after LINK_DAYS. It grants what a successful lookup
grants: the citizen page of that one case, in that browser's session.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cases.models import Case

LINK_DAYS = 30
_SALT = "portal.rating-link"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def make_token(case: Case) -> str:
    return _signer().sign(signing.b62_encode(case.pk))


def read_token(token: str) -> int | None:
    """The case id in a valid, unexpired token; None otherwise."""
    try:
        value = _signer().unsign(token, max_age=timedelta(days=LINK_DAYS))
        return signing.b62_decode(value)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None


def rating_path(case: Case) -> str:
    return reverse("portal:link", args=[make_token(case)])


def rating_url(case: Case) -> str:
    """The absolute link for an SMS. The public address comes from settings.MOCHOU_PUBLIC_URL."""
    base = getattr(settings, "MOCHOU_PUBLIC_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + rating_path(case)

"""Short, signed, expiring links that open a case's citizen page without retyping number and phone.

The link goes out by SMS, where every character counts (a message of more than 70 characters is
sent in parts): ``https://host/r/<token>`` with a token of about 20 characters —
``<case id>.<issued at>.<signature>``, the first two in base 62 and the signature the first 72
bits of an HMAC-SHA256 keyed with SECRET_KEY. It cannot be forged or pointed at another case
(2⁷² guesses: out of reach without any rate limit) and it expires after LINK_DAYS; after a
rotation of SECRET_KEY, links signed with a key in SECRET_KEY_FALLBACKS still open. It grants what a
successful lookup grants: the citizen page of that one case, in that browser's session.

Links sent before the short form (``/m/r/<TimestampSigner token>``) keep working until they expire.
"""

from __future__ import annotations

import base64
import hmac
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from cases.models import Case

LINK_DAYS = 30
_SALT = "portal.rating-link"
_SIGNATURE_BYTES = 9  # 72 bits: base64 without padding, 12 characters


def _signature(value: str, secret: str | None = None) -> str:
    digest = salted_hmac(_SALT, value, secret=secret, algorithm="sha256").digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _signed(value: str, signature: str) -> bool:
    """Signed with the key in use or one being rotated out (SECRET_KEY_FALLBACKS)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(signature, _signature(value, key)) for key in keys)


def make_token(case: Case) -> str:
    value = f"{signing.b62_encode(case.pk)}.{signing.b62_encode(int(time.time()))}"
    return f"{value}.{_signature(value)}"


def read_token(token: str) -> int | None:
    """The case id in a valid, unexpired token (short or the earlier long form); None otherwise."""
    if ":" in token:
        return _read_long_token(token)
    pk, _, rest = token.partition(".")
    issued, _, signature = rest.partition(".")
    if not (pk and issued and signature) or not _signed(f"{pk}.{issued}", signature):
        return None
    try:
        age = time.time() - signing.b62_decode(issued)
        return signing.b62_decode(pk) if 0 <= age <= LINK_DAYS * 86400 else None
    except ValueError:
        return None


def _read_long_token(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=timedelta(days=LINK_DAYS))
        return signing.b62_decode(value)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None


def rating_path(case: Case) -> str:
    return reverse("short_link", args=[make_token(case)])


def rating_url(case: Case) -> str:
    """The absolute link for an SMS, on the public address (mochou.http.public_url)."""
    from mochou.http import public_url

    return public_url(rating_path(case))

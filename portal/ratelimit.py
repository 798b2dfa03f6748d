"""Fixed-window rate limits in Django's cache (locmem in one process, Redis across processes).

A door checks `exceeded()` before it writes anything and calls `hit()` once the attempt counts,
so a refused citizen never loses a stored case. Keys hold a hash, never a phone number or an IP.
The limits can be tuned with settings.MOCHOU_PORTAL_LIMITS = {"submit-ip": (5, 600), …}.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    def configured(self) -> Limit:
        override = getattr(settings, "MOCHOU_PORTAL_LIMITS", {}).get(self.name)
        return Limit(self.name, *override) if override else self


# Form posts of any outcome: bounds the work (image parsing) one address can cause.
POSTS_PER_IP = Limit("post-ip", 30, 600)
SUBMISSIONS_PER_IP = Limit("submit-ip", 5, 600)
SUBMISSIONS_PER_PHONE = Limit("submit-phone", 3, 3600)
LOOKUPS_PER_IP = Limit("lookup-ip", 30, 600)
# Wrong phone numbers tried against one 受理编号: stops guessing a known number's phone.
FAILED_LOOKUPS_PER_NUMBER = Limit("lookup-number", 10, 3600)


def _key(limit: Limit, ident: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ident}".encode()).hexdigest()[:32]
    return f"portal:rl:{limit.name}:{digest}"


def exceeded(limit: Limit, ident: str) -> bool:
    limit = limit.configured()
    return int(cache.get(_key(limit, ident)) or 0) >= limit.count


def hit(limit: Limit, ident: str) -> int:
    """Count one attempt; the window starts with the first attempt and is not extended by later ones."""
    limit = limit.configured()
    key = _key(limit, ident)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)
        return 1


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, let the WSGI server set REMOTE_ADDR from the trusted header (waitress:
    # trusted_proxy); reading X-Forwarded-For here would let anyone pick their own address.
    return request.META.get("REMOTE_ADDR") or "unknown"

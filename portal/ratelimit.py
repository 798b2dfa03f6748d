"""Fixed-window rate limits in Django's cache (locmem in one process, Redis across processes).

A door *takes* its limits before it writes anything: `take()` counts the attempt with the cache's
atomic increment and refuses when the new count is over the limit, so a parallel burst cannot
slip through between a check and a count. An attempt that turns out not to count (a lookup that
matched, a form with a mistake) is given back. Keys hold a hash, never a phone number or an IP.
The limits can be tuned with settings.MOCHOU_PORTAL_LIMITS = {"submit-ip": (5, 600), …}.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DAY = 24 * 3600


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
# Failed lookups. Each one is counted under all four; any one full refuses even the right pair,
# or the refusal would tell a guesser that the next try is the right one.
# One address guessing the phone of one 受理编号; kept per address so strangers cannot lock out
# the citizen, who tries from their own phone.
FAILED_LOOKUPS_PER_NUMBER_IP = Limit("lookup-number-ip", 10, 3600)
# Guessing one number's phone from many addresses.
FAILED_LOOKUPS_PER_NUMBER = Limit("lookup-number", 100, 3600)
# A known phone tried against consecutive 受理编号 (YYYYMMDD + 5 digits are easy to enumerate).
FAILED_LOOKUPS_PER_PHONE = Limit("lookup-phone", 5, DAY)
# One address scanning any numbers with any phones.
FAILED_LOOKUPS_PER_IP = Limit("lookup-fail-ip", 30, DAY)


def _key(limit: Limit, ident: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ident}".encode()).hexdigest()[:32]
    return f"portal:rl:{limit.name}:{digest}"


def exceeded(limit: Limit, ident: str) -> bool:
    """Whether the limit is used up, without counting (for reports and tests; doors use take())."""
    limit = limit.configured()
    return int(cache.get(_key(limit, ident)) or 0) >= limit.count


def hit(limit: Limit, ident: str) -> int:
    """Count one attempt and return the new count (atomic: cache.incr).

    The window starts with the first attempt and is not extended by later ones.
    """
    limit = limit.configured()
    key = _key(limit, ident)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)
        return 1


def give_back(limit: Limit, ident: str) -> None:
    """Undo one hit() whose attempt did not count; the window keeps its end."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        cache.decr(_key(limit.configured(), ident))


@dataclass
class Reservation:
    """Attempts counted under several limits at once; `refused` names the first one over its limit."""

    taken: list[tuple[Limit, str]] = field(default_factory=list)
    refused: Limit | None = None

    def release(self) -> None:
        for limit, ident in self.taken:
            give_back(limit, ident)
        self.taken = []


def take(*pairs: tuple[Limit, str]) -> Reservation:
    """Count one attempt under each (limit, ident), in order; all or nothing.

    If one is over its limit the attempt is refused and everything taken is given back, so a
    refused attempt uses up none of the other limits.
    """
    reservation = Reservation()
    for limit, ident in pairs:
        reservation.taken.append((limit, ident))
        if hit(limit, ident) > limit.configured().count:
            reservation.release()
            reservation.refused = limit
            return reservation
    return reservation


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, let the WSGI server set REMOTE_ADDR from the trusted header (waitress:
    # trusted_proxy); reading X-Forwarded-For here would let anyone pick their own address.
    return request.META.get("REMOTE_ADDR") or "unknown"

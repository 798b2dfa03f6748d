"""Short claims on work with an outside effect, so that two workers never do it at once.

A claim is a unique `Lease(duty, ref)` row, committed before the work starts (the effect — an SMS
through a gateway — cannot be rolled back with a transaction). The holder deletes it when the work
is recorded as done, or when it failed and may be retried. A worker killed while holding one leaves
it behind: once `until` has passed, the next worker takes it over with a conditional update, so
exactly one of several successors wins. Call these outside a transaction: the claim must be
visible to the other workers before the work begins.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mochou.models import Lease


def take(duty: str, ref: object, *, seconds: float, now: datetime | None = None) -> str | None:
    """Claim (duty, ref) for `seconds`: the holder's token, or None when someone holds it still."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    until = now + timedelta(seconds=seconds)
    try:
        with transaction.atomic():
            Lease.objects.create(duty=duty, ref=str(ref), until=until, holder=token)
        return token
    except IntegrityError:
        pass
    # Held: take it over only if its holder ran out of time. Of two successors, one updates the row.
    taken = Lease.objects.filter(duty=duty, ref=str(ref), until__lt=now).update(until=until, holder=token)
    return token if taken else None


def release(duty: str, ref: object, token: str) -> None:
    """Give the claim back (only one's own: a successor's claim stays)."""
    Lease.objects.filter(duty=duty, ref=str(ref), holder=token).delete()


def purge(now: datetime | None = None, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Leases left by workers that died and whose work nobody retried."""
    now = now or timezone.now()
    deleted, _ = Lease.objects.filter(until__lt=now - older_than).delete()
    return deleted

"""Checking an api_key. Like accounts.tokens: only digests are compared, and `last_used_at` is
written at most once a minute so that a busy client does not turn every request into a row update."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from open311.models import ApiKey

LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_for(raw: str, *, now: datetime | None = None) -> ApiKey | None:
    """The active key with this value, or None; records the use (throttled)."""
    raw = raw.strip()
    if not raw:
        return None
    key = ApiKey.objects.filter(digest=ApiKey.digest_of(raw), is_active=True).first()
    if key is None:
        return None
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).exclude(last_used_at__gt=now).update(last_used_at=now)
    return key

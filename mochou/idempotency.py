"""`Idempotency-Key`: a client that lost the answer to a POST retries it without creating twice.

The key row is inserted first, in the same transaction as what the request creates, under a
unique (client, key) constraint. So:
- a retry after the first request committed finds the row and gets the first answer again;
- a crash before the commit leaves neither the case nor the key: the retry creates it afresh;
- two identical requests at once: the second's insert waits for the first transaction (PostgreSQL's
  unique index; SQLite serialises writers) and then fails, and it answers from the first's row.
The same key with a different body is refused (422 `idempotency.key_reused`). Keys expire after
IDEMPOTENCY_TTL: an older row counts as never seen, and `purge` deletes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mochou.errors import InvalidInput
from mochou.models import IdempotencyKey

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Visible ASCII only: a UUID, a ULID or any token a client generates fits.
_KEY = re.compile(rf"^[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}$")

HEADER_DESCRIPTION = (
    "幂等键（可选）：客户端为每个新诉求生成一个唯一值（如 UUID），网络中断后用同一个键重试，"
    f"{int(IDEMPOTENCY_TTL.total_seconds() // 3600)} 小时内返回首次请求的结果（同一工单、同一编号），"
    "不会重复登记；同一键配不同内容返回 422 `idempotency.key_reused`。"
    f"1–{MAX_KEY_LENGTH} 个可见 ASCII 字符。"
)


class KeyReused(InvalidInput):
    code = "idempotency.key_reused"


@dataclass(frozen=True)
class Outcome:
    status: int
    result: dict[str, Any]
    replayed: bool


def fingerprint(data: Any) -> str:
    """SHA-256 of a canonical JSON rendering: key order and whitespace do not change it."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def checked_key(raw: str | None) -> str | None:
    """The header's value, or None when absent; InvalidInput when it is not a usable key."""
    if raw is None:
        return None
    if not _KEY.match(raw):
        message = f"{HEADER} 须为 1–{MAX_KEY_LENGTH} 个可见 ASCII 字符（建议用 UUID）。"
        code = "invalid_input.idempotency_key"
        raise InvalidInput(message, code=code, details={"errors": [_header_error(message, code)]})
    return raw


def once(
    client: str,
    key: str | None,
    body: str,
    run: Callable[[], tuple[int, dict[str, Any]]],
    *,
    now: datetime | None = None,
) -> Outcome:
    """Run `run` (which returns the status and what a replay needs) once per (client, key).

    `body` is the request's fingerprint. Without a key, `run` simply runs. Raises KeyReused when
    the key was used with another body; whatever `run` raises rolls the key back with its work.
    """
    if key is None:
        status, result = run()
        return Outcome(status, result, replayed=False)
    now = now or timezone.now()
    with transaction.atomic():
        # An expired key counts as never seen (deleted here rather than only by the purge, so
        # that the unique constraint does not block its reuse).
        IdempotencyKey.objects.filter(client=client, key=key, created_at__lt=now - IDEMPOTENCY_TTL).delete()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    client=client, key=key, fingerprint=body, status=0, result={}, created_at=now
                )
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(client=client, key=key), body)
        status, result = run()
        row.status, row.result = status, result
        row.save(update_fields=["status", "result"])
    return Outcome(status, result, replayed=False)


def _replay(row: IdempotencyKey, body: str) -> Outcome:
    if row.fingerprint != body:
        message = f"{HEADER} “{row.key}”已用于内容不同的另一个请求：新的诉求请使用新的键。"
        details = {
            "errors": [_header_error(message, KeyReused.code)],
            "first_used_at": row.created_at.isoformat(),
        }
        raise KeyReused(message, details=details)
    return Outcome(row.status, dict(row.result), replayed=True)


def _header_error(message: str, code: str) -> dict[str, Any]:
    # The shape of every 422's details.errors (mochou.api_errors.field_error), for a header.
    return {"field": HEADER, "loc": ["header", HEADER], "type": code, "message": message}


def purge(now: datetime | None = None) -> int:
    """Delete the keys past their lifetime."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    return deleted

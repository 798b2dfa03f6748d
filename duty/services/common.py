"""Small checks every duty service shares."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from mochou.errors import InvalidInput, NotPermitted


def text(value: str | None, label: str, field: str, *, min_len: int = 1, max_len: int = 2000) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) < min_len:
        raise InvalidInput(
            f"请填写{label}（至少 {min_len} 个字）。", code="invalid_input.text", details={"field": field}
        )
    if len(cleaned) > max_len:
        raise InvalidInput(
            f"{label}不能超过 {max_len} 个字。", code="invalid_input.text", details={"field": field}
        )
    return cleaned


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def at_local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


def require(condition: bool, message: str, code: str = "permission_denied.unit") -> None:
    if not condition:
        raise NotPermitted(message, code=code)


def count(value: Any, label: str, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 100000:
        raise InvalidInput(
            f"{label}须为不小于 0 的整数。", code="invalid_input.number", details={"field": field}
        )
    return number

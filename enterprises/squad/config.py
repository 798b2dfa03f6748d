"""莫愁小分队's settings, read in one place: the "无事不扰" cap.

`settings.ENTERPRISE_SQUAD` (a dict) overrides any key. The team itself (members and its leader)
is configured as `SquadMember` rows in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Config:
    # At most this many visits per enterprise and period that the enterprise did not ask for.
    cap: int = 2
    period: str = "quarter"
    # How far ahead a wished date may lie (days).
    horizon_days: int = 90

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ImproperlyConfigured(f"ENTERPRISE_SQUAD['period'] must be one of {PERIODS}")
        if self.cap < 0:
            raise ImproperlyConfigured("ENTERPRISE_SQUAD['cap'] must not be negative")

    def period_of(self, day: date) -> tuple[date, date]:
        """The period holding `day`, as [start, end)."""
        if self.period == "year":
            return date(day.year, 1, 1), date(day.year + 1, 1, 1)
        months = 3 if self.period == "quarter" else 1
        first = (day.month - 1) // months * months + 1
        start = date(day.year, first, 1)
        end_month = first + months
        end = date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
        return start, end

    @property
    def period_label(self) -> str:
        return {"month": "每月", "quarter": "每季度", "year": "每年"}[self.period]


def config() -> Config:
    overrides: dict[str, Any] = dict(getattr(settings, "ENTERPRISE_SQUAD", {}) or {})
    return Config(**overrides)

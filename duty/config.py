"""Which unit is the duty office, and the rules of the duty system — decided here, in one place.

Every value can be overridden in settings (`DUTY_*`); the defaults are the demo's office
(市应急管理局, D-YJJ) and the deadlines commonly set by 突发事件信息报送 rules: 初报 by telephone
within 30 minutes of knowing for 较大 and above, within an hour for 一般; 续报 while the incident
lasts; 平安报 every day by a fixed time.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.conf import settings

from org.models import Unit, UnitKind


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def office_code() -> str:
    """The code of the unit that runs the city's duty system (市应急管理局 by default)."""
    return str(_setting("DUTY_OFFICE_CODE", "D-YJJ"))


def office() -> Unit | None:
    return Unit.objects.filter(code=office_code()).first()


def is_office_unit(unit_id: int | None) -> bool:
    return unit_id is not None and Unit.objects.filter(pk=unit_id, code=office_code()).exists()


# The units that keep a roster and report 平安报 every day.
REPORTING_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)


def reporting_units() -> Any:
    return Unit.objects.active().filter(kind__in=REPORTING_KINDS).order_by("kind", "sort_order", "code")


def daily_deadline() -> time:
    """平安报 is due each day by this local time."""
    hh, mm = str(_setting("DUTY_DAILY_DEADLINE", "09:00")).split(":")
    return time(int(hh), int(mm))


def sms_after() -> timedelta:
    """A 平安报 still missing this long after its deadline is chased by SMS to the 带班领导."""
    return timedelta(minutes=int(_setting("DUTY_DAILY_SMS_AFTER_MINUTES", 30)))


def shift_start() -> time:
    """The duty day starts (and the previous shift hands over) at this local time."""
    hh, mm = str(_setting("DUTY_SHIFT_START", "08:30")).split(":")
    return time(int(hh), int(mm))


def coverage_horizon() -> timedelta:
    """How far ahead the coverage check looks for uncovered hours (and warns)."""
    return timedelta(hours=int(_setting("DUTY_COVERAGE_HORIZON_HOURS", 72)))


# 初报 deadline in minutes from knowing, and the longest wait between reports (续报) while the
# incident is open, per level. Keys are IncidentLevel values.
FIRST_REPORT_MINUTES: dict[str, int] = {"1": 30, "2": 30, "3": 30, "4": 60}
FOLLOW_UP_MINUTES: dict[str, int] = {"1": 60, "2": 60, "3": 120, "4": 240}
# Levels whose reports go to the city's leaders at once (较大 and above): notice and SMS.
LEADER_LEVELS = frozenset({"1", "2", "3"})


def first_report_minutes(level: str) -> int:
    return int(_setting("DUTY_FIRST_REPORT_MINUTES", FIRST_REPORT_MINUTES)[level])


def follow_up_minutes(level: str) -> int:
    return int(_setting("DUTY_FOLLOW_UP_MINUTES", FOLLOW_UP_MINUTES)[level])


def leader_levels() -> frozenset[str]:
    return frozenset(_setting("DUTY_LEADER_LEVELS", LEADER_LEVELS))


def reserve_expiry_days() -> int:
    """A stock expiring within this many days is warned (and shown as a shortfall)."""
    return int(_setting("DUTY_RESERVE_EXPIRY_DAYS", 30))


def task_second_reminder() -> timedelta:
    """A task still not reported this long after its deadline is told a second time (and the
    office's leader with it)."""
    return timedelta(minutes=int(_setting("DUTY_TASK_SECOND_REMINDER_MINUTES", 120)))

"""Deadlines in Chinese working time.

Time limits of the hotline (签收 within 2 working hours, 办结 within 5 working days…) count only
the working periods (settings.MOCHOU_WORK_HOURS) of working days (the CalendarDay table, which
knows 调休: some weekends are workdays, some weekdays are holidays).

All arithmetic happens in the default time zone (Asia/Shanghai): a working day is a local date and
its periods are local wall-clock times. Inputs and outputs are aware datetimes.

Deadline checks run on every queue page, so each year's working days are loaded once into an
in-process cache. Saving or deleting a CalendarDay clears it (signals.py); other processes pick
the change up after CACHE_SECONDS at the latest.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import time as monotonic_clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from mochou.errors import DomainError

# How long another process may keep serving a year after an admin edited it. A reload is one
# query of ~365 small rows, so a minute costs nothing and bounds the staleness.
CACHE_SECONDS = 60.0


class CalendarMissing(DomainError):
    """A deadline needs a year for which nobody has configured the holidays yet."""

    status = 422
    code = "worktime.calendar_missing"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的工作日历尚未配置，请管理员在“工作日历”中添加该年的节假日与调休安排。",
            details={"year": year},
        )
        self.year = year


# --- working periods -------------------------------------------------------------------------


class WorkPeriod(NamedTuple):
    start: time
    end: time

    @property
    def duration(self) -> timedelta:
        return _since_midnight(self.end) - _since_midnight(self.start)


def _since_midnight(at: time) -> timedelta:
    return timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)


_EXAMPLE = "08:30-12:00,14:00-17:30"
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def work_periods() -> tuple[WorkPeriod, ...]:
    """The daily working periods, in order, from settings.MOCHOU_WORK_HOURS.

    Read on every call (parsing is cached by the string) so override_settings works in tests.
    """
    return _parse_work_hours(settings.MOCHOU_WORK_HOURS)


@lru_cache(maxsize=8)
def _parse_work_hours(spec: str) -> tuple[WorkPeriod, ...]:
    periods = tuple(_parse_period(part, spec) for part in spec.split(",") if part.strip())
    if not periods:
        raise ImproperlyConfigured(f"MOCHOU_WORK_HOURS is empty: {spec!r}; expected e.g. {_EXAMPLE!r}")
    for previous, current in itertools.pairwise(periods):
        if current.start < previous.end:
            raise ImproperlyConfigured(
                f"MOCHOU_WORK_HOURS periods must be in order and must not overlap: {spec!r}"
            )
    return periods


def _parse_period(part: str, spec: str) -> WorkPeriod:
    match = _PERIOD_RE.match(part)
    if not match:
        raise ImproperlyConfigured(
            f"MOCHOU_WORK_HOURS has a bad period {part!r} in {spec!r}; expected e.g. {_EXAMPLE!r}"
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        period = WorkPeriod(time(h1, m1), time(h2, m2))
    except ValueError as exc:
        raise ImproperlyConfigured(f"MOCHOU_WORK_HOURS has an impossible time in {part!r}: {exc}") from exc
    if period.start >= period.end:
        raise ImproperlyConfigured(f"MOCHOU_WORK_HOURS period {part!r} ends before it starts")
    return period


def hours_per_workday() -> float:
    """Working hours in one working day (7.0 with the default settings)."""
    return sum((p.duration for p in work_periods()), timedelta()).total_seconds() / 3600


# --- the calendar cache ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    workdays: frozenset[date]
    loaded_at: float


_cache: dict[int, _Year] = {}
_lock = threading.Lock()
# Bumped by clear_cache(): a load that started before a clear must not store its (old) result.
_generation = 0


def clear_cache() -> None:
    """Forget every loaded year; the next computation reads the table again."""
    global _generation
    with _lock:
        _cache.clear()
        _generation += 1


def _workdays_of(year: int) -> frozenset[date]:
    cached = _cache.get(year)
    if cached is not None and monotonic_clock.monotonic() - cached.loaded_at < CACHE_SECONDS:
        return cached.workdays
    generation = _generation
    workdays = _load_year(year)
    with _lock:
        if generation == _generation:
            _cache[year] = _Year(workdays, monotonic_clock.monotonic())
    return workdays


def _load_year(year: int) -> frozenset[date]:
    from worktime.models import CalendarDay  # the arithmetic module stays importable before apps load

    rows = list(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
    if not rows:
        # Not cached: the admin may add the year a moment later.
        raise CalendarMissing(year)
    return frozenset(day for day, workday in rows if workday)


def is_workday(d: date) -> bool:
    """Whether people work on this local date (调休 weekends included, holidays excluded)."""
    return d in _workdays_of(d.year)


def next_workday(d: date) -> date:
    """The first working day strictly after d."""
    d += timedelta(days=1)
    while not is_workday(d):
        d += timedelta(days=1)
    return d


# --- deadline arithmetic ---------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError(f"working-time arithmetic needs an aware datetime, got {moment!r}")
    return moment.astimezone(_tz())


def _tz() -> tzinfo:
    return timezone.get_default_timezone()


def _on(day: date, at: time) -> datetime:
    # Aware local wall-clock time: periods are what the office clock says.
    return datetime.combine(day, at, tzinfo=_tz())


def end_of_workday(d: date) -> datetime:
    """The moment a working day's last period ends (17:30 by default)."""
    return _on(d, work_periods()[-1].end)


def _segments(
    day: date, start: datetime, end: datetime, periods: tuple[WorkPeriod, ...]
) -> list[tuple[datetime, datetime]]:
    """The parts of day's working periods that fall inside [start, end)."""
    if not is_workday(day):
        return []
    segments = []
    for period in periods:
        seg_start = max(_on(day, period.start), start)
        seg_end = min(_on(day, period.end), end)
        if seg_start < seg_end:
            segments.append((seg_start, seg_end))
    return segments


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after start.

    Outside working time the count starts with the next working period, so a case registered on
    Saturday night with a 2-hour limit is due at 10:30 on the next working day.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    periods = work_periods()  # first, so a bad setting fails loudly whatever the calendar holds
    cursor = _local(start)
    remaining = timedelta(hours=hours)
    day = cursor.date()
    while True:
        day_end = _on(day + timedelta(days=1), time.min)
        for seg_start, seg_end in _segments(day, cursor, day_end, periods):
            if remaining <= seg_end - seg_start:
                return seg_start + remaining
            remaining -= seg_end - seg_start
        day += timedelta(days=1)
        cursor = _on(day, time.min)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the days-th working day after start's local date (the start day does not count).

    days=0 means "today": the end of start's day if it is a working day, else of the next one.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    work_periods()  # fail on a bad setting before touching the calendar
    day = _local(start).date()
    if days == 0:
        return end_of_workday(day if is_workday(day) else next_workday(day))
    for _ in range(days):
        day = next_workday(day)
    return end_of_workday(day)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from start to end; negative when end is before start (time overdue)."""
    if end < start:
        return -working_hours_between(end, start)
    periods = work_periods()
    local_start, local_end = _local(start), _local(end)
    total = timedelta()
    day = local_start.date()
    while day <= local_end.date():
        for seg_start, seg_end in _segments(day, local_start, local_end, periods):
            total += seg_end - seg_start
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def working_days_between(start_date: date, end_date: date) -> int:
    """Working days d with start_date < d <= end_date (negative when end_date < start_date).

    Matches add_working_days: its deadline for N days lies N working days after the start date.
    """
    if end_date < start_date:
        return -working_days_between(end_date, start_date)
    count = 0
    day = start_date + timedelta(days=1)
    while day <= end_date:
        count += is_workday(day)
        day += timedelta(days=1)
    return count


def format_remaining(hours: float) -> str:
    """A countdown for people: "剩余3个工作日2小时", "超期1个工作日4小时", "剩余45分钟"."""
    # Round up to the minute so a few seconds left never reads as "已到期".
    minutes = math.ceil(round(abs(hours) * 3600) / 60)
    if minutes == 0:
        return "已到期"
    minutes_per_day = round(hours_per_workday() * 60)
    days, minutes = divmod(minutes, minutes_per_day)
    whole_hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days}个工作日")
    if whole_hours:
        parts.append(f"{whole_hours}小时")
    if minutes:
        parts.append(f"{minutes}分钟")
    return ("剩余" if hours > 0 else "超期") + "".join(parts)

"""Filling the calendar table: from the chinese_calendar package, or weekends-only for new years.

The package ships the State Council's yearly holiday notice (国务院办公厅关于节假日安排的通知);
a year it does not know yet gets a provisional weekends-only calendar that an admin corrects by
hand once the notice is out.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.utils import timezone

from mochou.errors import InvalidInput
from worktime.calendar import clear_cache
from worktime.models import CalendarDay, CalendarSource

WEEKEND = "周末"

# The package's own Chinese names are short ("清明", "中秋"); these are what a notice says.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def known_years() -> list[int]:
    """The years the installed chinese_calendar package has holiday data for."""
    known = chinese_calendar.holidays.keys()
    return list(range(min(known).year, max(known).year + 1))


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _holiday_name(english: str) -> str:
    if english in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english]
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


def _package_day(day: date) -> tuple[bool, str]:
    """(is_workday, name) for a day as the package describes it."""
    workday = bool(chinese_calendar.is_workday(day))
    _, english = chinese_calendar.get_holiday_detail(day)
    weekend = day.weekday() >= 5
    if workday and weekend:
        # The package names the holiday a 调休 Saturday/Sunday makes up for.
        return True, f"{_holiday_name(english)}调休上班" if english else "调休上班"
    if workday:
        return True, ""
    if english:
        return False, _holiday_name(english)
    return False, WEEKEND if weekend else ""


def seed_year(year: int, *, overwrite_admin: bool = False) -> int:
    """Write every day of year from chinese_calendar; returns the number of rows written.

    Rows an admin edited (source "admin") are kept unless overwrite_admin, so re-seeding after a
    package upgrade never undoes a local decision (e.g. a city-specific rest day).
    """
    if year not in known_years():
        years = known_years()
        raise InvalidInput(
            f"chinese_calendar 数据包没有{year}年的节假日数据（仅有{years[0]}–{years[-1]}年），"
            f"请用“calendar add-year {year}”添加临时日历后由管理员修改。",
            code="worktime.year_not_available",
        )
    now = timezone.now()
    with transaction.atomic():
        kept: set[date] = set()
        if not overwrite_admin:
            kept = set(
                CalendarDay.objects.filter(date__year=year, source=CalendarSource.ADMIN).values_list(
                    "date", flat=True
                )
            )
        rows = [
            CalendarDay(
                date=day,
                is_workday=workday,
                name=name,
                source=CalendarSource.CHINESE_CALENDAR,
                updated_at=now,
            )
            for day in _days_of(year)
            if day not in kept
            for workday, name in [_package_day(day)]
        ]
        CalendarDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["date"],
            update_fields=["is_workday", "name", "source", "updated_at"],
        )
        # bulk_create sends no post_save, so the signal handler cannot clear the cache for us.
        _clear_cache_now_and_on_commit()
    return len(rows)


def seed_available_years(*, overwrite_admin: bool = False) -> list[int]:
    """Seed every year the package knows; returns those years."""
    years = known_years()
    for year in years:
        seed_year(year, overwrite_admin=overwrite_admin)
    return years


def add_weekend_year(year: int) -> int:
    """Add a provisional calendar for year: Saturdays and Sundays off, every other day worked.

    For a year the package does not know yet. Rows are marked "admin" so a later seed does not
    silently replace what the admin has corrected by then. Existing days are left alone; returns
    the number of days added (0 when the year was already configured).
    """
    now = timezone.now()
    with transaction.atomic():
        existing = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
        rows = [
            CalendarDay(
                date=day,
                is_workday=day.weekday() < 5,
                name="" if day.weekday() < 5 else WEEKEND,
                source=CalendarSource.ADMIN,
                updated_at=now,
            )
            for day in _days_of(year)
            if day not in existing
        ]
        CalendarDay.objects.bulk_create(rows)
        _clear_cache_now_and_on_commit()
    return len(rows)


def _clear_cache_now_and_on_commit() -> None:
    # Now, for this connection's next read; after commit, in case another thread cached the old
    # rows while our transaction was still open.
    clear_cache()
    transaction.on_commit(clear_cache)

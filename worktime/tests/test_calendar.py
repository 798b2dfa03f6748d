"""Deadlines in working time, checked against the real 2025 National Day arrangement.

国务院 2025 notice: 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from worktime.calendar import (
    CalendarMissing,
    add_working_days,
    add_working_hours,
    format_remaining,
    hours_per_workday,
    is_workday,
    work_periods,
    working_days_between,
    working_hours_between,
)
from worktime.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- the calendar itself -----------------------------------------------------------------------


@pytest.mark.usefixtures("calendar_2025")
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # ordinary Saturday
        (date(2025, 9, 28), True),  # Sunday worked (调休)
        (date(2025, 9, 30), True),
        (date(2025, 10, 1), False),
        (date(2025, 10, 6), False),  # 中秋节 inside the break
        (date(2025, 10, 8), False),  # last day off, a Wednesday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday worked (调休)
        (date(2025, 10, 12), False),
    ],
)
def test_national_day_2025_follows_the_notice(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


@pytest.mark.usefixtures("calendar_2025")
def test_seeded_days_carry_chinese_names() -> None:
    names = dict(
        CalendarDay.objects.filter(date__range=("2025-09-27", "2025-10-11")).values_list("date", "name")
    )
    assert names[date(2025, 9, 27)] == "周末"
    assert names[date(2025, 9, 28)] == "国庆节调休上班"
    assert names[date(2025, 10, 1)] == "国庆节"
    assert names[date(2025, 10, 6)] == "中秋节"
    assert names[date(2025, 10, 9)] == ""


# --- add_working_days ----------------------------------------------------------------------------


@pytest.mark.usefixtures("calendar_2025")
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The first working day after the break is Thursday 9 October.
        (at(2025, 9, 30, 10), 1, at(2025, 10, 9, 17, 30)),
        (at(2025, 9, 30, 10), 2, at(2025, 10, 10, 17, 30)),
        # …and the third is the 调休 Saturday.
        (at(2025, 9, 30, 10), 3, at(2025, 10, 11, 17, 30)),
        (at(2025, 9, 30, 10), 4, at(2025, 10, 13, 17, 30)),
        # Friday + 1 lands on the 调休 Sunday, not on Monday.
        (at(2025, 9, 26, 10), 1, at(2025, 9, 28, 17, 30)),
        (at(2025, 9, 26, 10), 2, at(2025, 9, 29, 17, 30)),
        # Registered during the break: counting starts after the holiday day itself.
        (at(2025, 10, 3, 15), 1, at(2025, 10, 9, 17, 30)),
        # Late on a working day still does not count that day.
        (at(2025, 9, 22, 23, 59), 1, at(2025, 9, 23, 17, 30)),
        # Zero days: end of today if it is a working day, else of the next one.
        (at(2025, 9, 22, 9), 0, at(2025, 9, 22, 17, 30)),
        (at(2025, 10, 3, 9), 0, at(2025, 10, 9, 17, 30)),
    ],
)
def test_add_working_days(start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due


@pytest.mark.usefixtures("calendar_2025")
def test_add_working_days_uses_the_local_date_of_a_utc_instant() -> None:
    # 2025-09-30 17:00 UTC is already 1 October 01:00 in 钟祥 — a holiday, so day 1 is still 9 Oct.
    start = datetime(2025, 9, 30, 17, 0, tzinfo=UTC)
    assert add_working_days(start, 1) == at(2025, 10, 9, 17, 30)
    # One hour earlier it is still 30 September locally.
    assert add_working_days(datetime(2025, 9, 30, 15, 0, tzinfo=UTC), 0) == at(2025, 9, 30, 17, 30)


@pytest.mark.usefixtures("calendar_2025")
def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2025, 9, 30, 10), 1)


# --- add_working_hours ---------------------------------------------------------------------------


@pytest.mark.usefixtures("calendar_2025")
@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2025, 9, 22, 9), 2, at(2025, 9, 22, 11)),
        # Lunch 12:00–14:00 does not count.
        (at(2025, 9, 22, 11), 2, at(2025, 9, 22, 15)),
        # A deadline may fall exactly on the end of a period.
        (at(2025, 9, 22, 11), 1, at(2025, 9, 22, 12)),
        # Overnight: one hour today, two tomorrow from 08:30.
        (at(2025, 9, 22, 16, 30), 3, at(2025, 9, 23, 10, 30)),
        # Over an ordinary weekend: Friday 16:30 + 2h → Monday 09:30.
        (at(2025, 9, 19, 16, 30), 2, at(2025, 9, 22, 9, 30)),
        # Over the National Day break: half an hour on 30 Sept, the rest on 9 Oct.
        (at(2025, 9, 30, 17), 1, at(2025, 10, 9, 9)),
        # Outside working time the count starts at the next period: Saturday night → 调休 Sunday.
        (at(2025, 9, 27, 22), 2, at(2025, 9, 28, 10, 30)),
        (at(2025, 9, 22, 12, 30), 1, at(2025, 9, 22, 15)),
        (at(2025, 9, 22, 7), 0.5, at(2025, 9, 22, 9)),
        # Fractions and whole days: 7 working hours a day.
        (at(2025, 9, 22, 8, 30), 7, at(2025, 9, 22, 17, 30)),
        (at(2025, 9, 22, 8, 30), 7.25, at(2025, 9, 23, 8, 45)),
        (at(2025, 9, 22, 10), 0, at(2025, 9, 22, 10)),
    ],
)
def test_add_working_hours(start: datetime, hours: float, due: datetime) -> None:
    assert add_working_hours(start, hours) == due


@pytest.mark.usefixtures("calendar_2025")
def test_add_working_hours_accepts_any_time_zone() -> None:
    # 03:00 UTC is 11:00 in Shanghai; two working hours later it is 15:00 there, 07:00 UTC.
    due = add_working_hours(datetime(2025, 9, 22, 3, 0, tzinfo=UTC), 2)
    assert due == datetime(2025, 9, 22, 7, 0, tzinfo=UTC)
    assert due.utcoffset() is not None


@pytest.mark.usefixtures("calendar_2025")
def test_add_working_hours_refuses_negative_hours() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at(2025, 9, 22, 10), -1)


# --- counting down -------------------------------------------------------------------------------


@pytest.mark.usefixtures("calendar_2025")
@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2025, 9, 22, 9), at(2025, 9, 22, 15), 4.0),
        (at(2025, 9, 22, 12, 15), at(2025, 9, 22, 13, 45), 0.0),
        # 30 Sept 09:00–17:30 is 6.5h, 9 Oct 08:30–09:00 is 0.5h; the break counts nothing.
        (at(2025, 9, 30, 9), at(2025, 10, 9, 9), 7.0),
        # Overdue: the deadline is before now.
        (at(2025, 10, 9, 9), at(2025, 9, 30, 9), -7.0),
        (at(2025, 9, 22, 15), at(2025, 9, 22, 10, 30), -2.5),
        # A full week around the 调休 Sunday: Mon–Fri plus Sunday 28th = 6 days.
        (at(2025, 9, 22), at(2025, 9, 29), 42.0),
    ],
)
def test_working_hours_between(start: datetime, end: datetime, hours: float) -> None:
    assert working_hours_between(start, end) == pytest.approx(hours)


@pytest.mark.usefixtures("calendar_2025")
@pytest.mark.parametrize("hours", [0.25, 1, 3.5, 7, 12, 40])
@pytest.mark.parametrize("start", [at(2025, 9, 26, 9, 10), at(2025, 9, 30, 16), at(2025, 9, 28, 14)])
def test_working_hours_between_undoes_add_working_hours(start: datetime, hours: float) -> None:
    assert working_hours_between(start, add_working_hours(start, hours)) == pytest.approx(hours)


@pytest.mark.usefixtures("calendar_2025")
def test_working_days_between() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 26), date(2025, 9, 28)) == 1
    # 28, 29, 30 Sept, then 9, 10, 11 Oct.
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 11)) == 6
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert working_days_between(date(2025, 9, 30), date(2025, 9, 30)) == 0


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (23, "剩余3个工作日2小时"),
        (-11, "超期1个工作日4小时"),
        (7, "剩余1个工作日"),
        (0.75, "剩余45分钟"),
        (2.5, "剩余2小时30分钟"),
        (-0.01, "超期1分钟"),
        (0, "已到期"),
    ],
)
def test_format_remaining(hours: float, text: str) -> None:
    assert format_remaining(hours) == text


@override_settings(MOCHOU_WORK_HOURS="09:00-17:00")
def test_format_remaining_uses_the_configured_working_day() -> None:
    assert hours_per_workday() == 8.0
    assert format_remaining(10) == "剩余1个工作日2小时"


# --- missing years, edits, settings --------------------------------------------------------------


@pytest.mark.django_db
def test_unconfigured_year_raises_calendar_missing_in_chinese() -> None:
    with pytest.raises(CalendarMissing) as caught:
        is_workday(date(2027, 1, 4))
    assert caught.value.message == (
        "2027年的工作日历尚未配置，请管理员在“工作日历”中添加该年的节假日与调休安排。"
    )
    assert caught.value.code == "worktime.calendar_missing"
    assert caught.value.status == 422
    assert caught.value.as_dict()["details"] == {"year": 2027}


@pytest.mark.usefixtures("calendar_2025_2026")
def test_deadline_running_into_an_unconfigured_year_raises() -> None:
    # 2026-12-31 is a Thursday; a 5-day limit needs January 2027.
    with pytest.raises(CalendarMissing, match="2027年"):
        add_working_days(at(2026, 12, 28, 10), 5)
    with pytest.raises(CalendarMissing, match="2027年"):
        working_hours_between(at(2026, 12, 30, 10), at(2027, 1, 5, 10))


@pytest.mark.usefixtures("calendar_2025_2026")
def test_deadline_crosses_new_year() -> None:
    # 2026 元旦: 1–3 Jan off, so Wednesday 31 Dec 2025 + 1 is Sunday 4 Jan 2026 (调休上班).
    assert is_workday(date(2026, 1, 4)) is True
    assert add_working_days(at(2025, 12, 31, 10), 1) == at(2026, 1, 4, 17, 30)


@pytest.mark.usefixtures("calendar_2025")
def test_admin_edit_changes_the_next_computation(django_assert_num_queries) -> None:
    start = at(2025, 9, 26, 10)
    assert add_working_days(start, 1) == at(2025, 9, 28, 17, 30)
    with django_assert_num_queries(0):  # the year is cached
        assert add_working_days(start, 1) == at(2025, 9, 28, 17, 30)

    day = CalendarDay.objects.get(date=date(2025, 9, 28))
    day.is_workday = False
    day.save()

    assert add_working_days(start, 1) == at(2025, 9, 29, 17, 30)


@pytest.mark.usefixtures("calendar_2025")
def test_deleting_a_day_clears_the_cache() -> None:
    assert is_workday(date(2025, 9, 29)) is True
    CalendarDay.objects.get(date=date(2025, 9, 29)).delete()
    assert is_workday(date(2025, 9, 29)) is False


@pytest.mark.usefixtures("calendar_2025")
@override_settings(MOCHOU_WORK_HOURS="09:00-12:00, 13:30-18:00")
def test_working_hours_come_from_settings() -> None:
    assert [(p.start.isoformat(), p.end.isoformat()) for p in work_periods()] == [
        ("09:00:00", "12:00:00"),
        ("13:30:00", "18:00:00"),
    ]
    assert add_working_days(at(2025, 9, 30, 10), 1) == at(2025, 10, 9, 18)
    assert add_working_hours(at(2025, 9, 22, 11), 2) == at(2025, 9, 22, 14, 30)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "08:30-12:00;14:00-17:30",
        "8-12",
        "12:00-08:30",
        "08:30-12:00,11:00-17:30",
        "14:00-17:30,08:30-12:00",
        "25:00-26:00",
        "08:30-12:60",
    ],
)
def test_bad_work_hours_setting_is_improperly_configured(spec: str) -> None:
    with (
        override_settings(MOCHOU_WORK_HOURS=spec),
        pytest.raises(ImproperlyConfigured, match="MOCHOU_WORK_HOURS"),
    ):
        add_working_hours(at(2025, 9, 22, 10), 1)

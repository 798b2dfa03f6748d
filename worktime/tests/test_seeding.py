from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from mochou.errors import InvalidInput
from worktime.calendar import add_working_days, is_workday
from worktime.models import CalendarDay, CalendarSource
from worktime.seeding import add_weekend_year, known_years, seed_available_years, seed_year


def test_known_years_come_from_the_package() -> None:
    years = known_years()
    assert years[0] == 2004
    assert 2025 in years
    assert years == list(range(years[0], years[-1] + 1))


@pytest.mark.django_db
def test_seed_year_writes_every_day() -> None:
    assert seed_year(2024) == 366
    assert CalendarDay.objects.filter(date__year=2024).count() == 366
    assert CalendarDay.objects.filter(date__year=2024, source=CalendarSource.CHINESE_CALENDAR).count() == 366
    # 2024 had 251 statutory working days (including 调休 weekends).
    assert CalendarDay.objects.filter(date__year=2024, is_workday=True).count() == 251


@pytest.mark.django_db
def test_reseeding_keeps_admin_edits_unless_forced() -> None:
    seed_year(2025)
    CalendarDay.objects.filter(date=date(2025, 9, 30)).update(
        is_workday=False, name="本市特别休息日", source=CalendarSource.ADMIN
    )

    assert seed_year(2025) == 364
    kept = CalendarDay.objects.get(date=date(2025, 9, 30))
    assert (kept.is_workday, kept.name, kept.source) == (False, "本市特别休息日", CalendarSource.ADMIN)

    assert seed_year(2025, overwrite_admin=True) == 365
    restored = CalendarDay.objects.get(date=date(2025, 9, 30))
    assert (restored.is_workday, restored.name, restored.source) == (
        True,
        "",
        CalendarSource.CHINESE_CALENDAR,
    )


@pytest.mark.django_db
def test_seed_year_clears_the_cache() -> None:
    seed_year(2025)
    assert is_workday(date(2025, 9, 30)) is True
    CalendarDay.objects.filter(date=date(2025, 9, 30)).update(is_workday=False, source=CalendarSource.ADMIN)
    # .update() sends no signal; re-seeding (which keeps the admin row) must still drop the cache.
    seed_year(2025)
    assert is_workday(date(2025, 9, 30)) is False


@pytest.mark.django_db
def test_seed_year_refuses_years_the_package_does_not_know() -> None:
    with pytest.raises(InvalidInput, match="add-year 2099") as caught:
        seed_year(2099)
    assert caught.value.code == "worktime.year_not_available"
    assert not CalendarDay.objects.filter(date__year=2099).exists()


@pytest.mark.django_db
def test_seed_available_years_fills_every_known_year() -> None:
    years = seed_available_years()
    assert years == known_years()
    assert set(CalendarDay.objects.dates("date", "year").values_list("date__year", flat=True)) == set(years)


@pytest.mark.django_db
def test_weekend_year_is_provisional_and_editable() -> None:
    assert add_weekend_year(2099) == 365
    assert add_weekend_year(2099) == 0  # already there: nothing touched

    # 2099-01-01 is a Thursday: provisional calendars know no holidays.
    assert is_workday(date(2099, 1, 1)) is True
    saturday = CalendarDay.objects.get(date=date(2099, 1, 3))
    assert (saturday.is_workday, saturday.name, saturday.source) == (False, "周末", CalendarSource.ADMIN)

    # The admin then enters 元旦 on Friday 2 January, and deadlines follow at once.
    thursday = datetime(2099, 1, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert add_working_days(thursday, 1) == datetime(2099, 1, 2, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    friday = CalendarDay.objects.get(date=date(2099, 1, 2))
    friday.is_workday, friday.name = False, "元旦"
    friday.save()
    assert add_working_days(thursday, 1) == datetime(2099, 1, 5, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

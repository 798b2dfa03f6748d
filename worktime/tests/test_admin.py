from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from worktime.calendar import add_working_days
from worktime.models import CalendarDay, CalendarSource
from worktime.seeding import seed_year

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def two_years(db: None) -> None:
    seed_year(2025)
    seed_year(2026)


@pytest.mark.usefixtures("two_years")
def test_changelist_filters_by_year(admin_client: Client) -> None:
    response = admin_client.get("/admin/worktime/calendarday/", {"year": "2025", "is_workday__exact": "0"})
    assert response.status_code == 200
    shown = response.context["cl"].result_count
    assert shown == CalendarDay.objects.filter(date__year=2025, is_workday=False).count() == 117
    assert "2026年" in response.content.decode()  # the year filter offers every configured year


@pytest.mark.usefixtures("two_years")
def test_changelist_search_by_name(admin_client: Client) -> None:
    response = admin_client.get("/admin/worktime/calendarday/", {"q": "国庆节调休"})
    assert {d.date for d in response.context["cl"].result_list} == {
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


@pytest.mark.usefixtures("two_years")
def test_admin_edit_marks_the_day_as_admin_and_moves_deadlines(admin_client: Client) -> None:
    friday = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
    assert add_working_days(friday, 1) == datetime(2025, 9, 28, 17, 30, tzinfo=SHANGHAI)

    assert admin_client.get("/admin/worktime/calendarday/2025-09-28/change/").status_code == 200
    # Unchecked checkbox = not a workday.
    response = admin_client.post(
        "/admin/worktime/calendarday/2025-09-28/change/",
        {"name": "本市临时休息", "audit_reason": "市政府临时通知"},
    )
    assert response.status_code == 302

    day = CalendarDay.objects.get(date=date(2025, 9, 28))
    assert (day.is_workday, day.name, day.source) == (False, "本市临时休息", CalendarSource.ADMIN)
    assert add_working_days(friday, 1) == datetime(2025, 9, 29, 17, 30, tzinfo=SHANGHAI)

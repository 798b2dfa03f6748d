"""The roster coverage check over the 国庆 holiday week, and its warning ahead."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from time_machine import Traveller

from duty.coverage import gaps_by_unit, uncovered
from duty.models import CoverageWarning, Shift
from duty.services.common import at_local
from duty.services.rosters import add_shift, plan_rota
from duty.sweeps import warn_coverage
from duty.tests.conftest import Duty
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    from datetime import time

    return at_local(day, time(hh, mm))


def test_uncovered_finds_the_holes_between_and_after_shifts() -> None:
    d = date(2025, 10, 1)
    shifts = [(_at(d, 8), _at(d, 12)), (_at(d, 11), _at(d, 14)), (_at(d, 16), _at(d, 20))]
    assert uncovered(shifts, _at(d, 6), _at(d, 22)) == [
        (_at(d, 6), _at(d, 8)),
        (_at(d, 14), _at(d, 16)),
        (_at(d, 20), _at(d, 22)),
    ]
    assert uncovered(shifts, _at(d, 9), _at(d, 10)) == []


def test_a_workday_only_rota_leaves_the_national_day_holidays_uncovered(duty: Duty) -> None:
    town = duty.city.township
    # The week of 29 September 2025: 1–8 October are the 国庆/中秋 holidays (calendar fixture).
    made = plan_rota(
        town,
        actor=duty.town_leader,
        start=date(2025, 9, 29),
        days=7,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk, duty.town_clerk2],
        workdays_only=True,
    )
    assert [s.day for s in made] == [date(2025, 9, 29), date(2025, 9, 30)]
    gaps = gaps_by_unit([town.pk], _at(date(2025, 9, 29), 8, 30), _at(date(2025, 10, 6), 8, 30))
    assert gaps[town.pk] == [(_at(date(2025, 10, 1), 8, 30), _at(date(2025, 10, 6), 8, 30))]
    # Planning the holidays too closes the gap, and they are marked as holidays.
    plan_rota(
        town,
        actor=duty.town_leader,
        start=date(2025, 10, 1),
        days=5,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk],
    )
    assert gaps_by_unit([town.pk], _at(date(2025, 9, 29), 8, 30), _at(date(2025, 10, 6), 8, 30)) == {}
    holidays = Shift.objects.filter(unit=town, is_holiday=True).values_list("day", flat=True)
    assert sorted(holidays) == [date(2025, 10, d) for d in range(1, 6)]


def test_the_gap_of_a_holiday_is_warned_ahead_once(duty: Duty, clock: Traveller) -> None:
    town = duty.city.township
    clock.move_to(_at(date(2025, 9, 29), 9))
    plan_rota(
        town,
        actor=duty.town_leader,
        start=date(2025, 9, 29),
        days=7,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk],
        workdays_only=True,
    )
    now = _at(date(2025, 9, 29), 9)
    # Every reporting unit without a roster is warned too: only the township's warning is asserted.
    warn_coverage(now)
    mine = Notification.objects.filter(user=duty.town_clerk, kind="duty_coverage")
    assert mine.count() == 1
    assert "10-01 08:30" in mine.get().message
    assert Notification.objects.filter(user=duty.office_leader, kind="duty_coverage").exists()
    warn_coverage(now + timedelta(hours=1))
    assert mine.count() == 1  # the same gap is not warned again


def test_every_gap_is_warned_once_not_only_the_earliest(duty: Duty, clock: Traveller) -> None:
    town = duty.city.township
    d = date(2025, 9, 24)
    now = _at(d, 9)
    clock.move_to(now)
    for start, end in [
        (_at(d, 8, 30), _at(d + timedelta(days=1), 8, 30)),
        # 09-25 08:30–20:30 uncovered
        (_at(d + timedelta(days=1), 20, 30), _at(d + timedelta(days=2), 8, 30)),
        # 09-26 08:30–12:00 uncovered
        (_at(d + timedelta(days=2), 12), _at(d + timedelta(days=3), 12)),
    ]:
        add_shift(
            town,
            actor=duty.town_leader,
            starts_at=start,
            ends_at=end,
            leader=duty.town_leader,
            officer=duty.town_clerk,
        )
    warn_coverage(now)
    mine = Notification.objects.filter(user=duty.town_clerk, kind="duty_coverage").order_by("pk")
    assert list(mine.values_list("message", flat=True)) == [
        "郢中街道值班表09-25 08:30 至 09-25 20:30有 12 小时无人值班，请及时排班",
        "郢中街道值班表09-26 08:30 至 09-26 12:00有 4 小时无人值班，请及时排班",
    ]
    assert CoverageWarning.objects.filter(unit=town).count() == 2
    assert Notification.objects.filter(user=duty.office_leader, message__startswith="郢中街道").count() == 2
    warn_coverage(now + timedelta(hours=1))
    assert mine.count() == 2  # each gap once

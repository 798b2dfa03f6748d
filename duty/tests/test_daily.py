"""平安报: one tap, once a day, late marked; the office's rates; a missing one chased."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from time_machine import Traveller

from duty.models import DailyChase, DailyReport
from duty.services.common import at_local
from duty.services.daily import daily_status, file_daily, reporting_rates
from duty.services.rosters import add_shift
from duty.sweeps import chase_daily
from duty.tests.conftest import Duty
from mochou.errors import Conflict, InvalidInput, NotPermitted
from notifications.models import Notification, SmsMessage

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 24)


def _at(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return at_local(day, time(hh, mm))


def test_a_township_reports_safe_in_one_tap_once_a_day(duty: Duty) -> None:
    town = duty.city.township
    report = file_daily(town, actor=duty.town_clerk, kind="safe", now=_at(8, 10))
    assert report.kind == DailyReport.Kind.SAFE
    assert not report.late
    with pytest.raises(Conflict):
        file_daily(town, actor=duty.town_clerk2, kind="safe", now=_at(8, 20))


def test_a_situation_needs_its_text_and_reaches_the_office(duty: Duty) -> None:
    town = duty.city.township
    with pytest.raises(InvalidInput):
        file_daily(town, actor=duty.town_clerk, kind="situation", report_text="", now=_at(8))
    file_daily(
        town, actor=duty.town_clerk, kind="situation", report_text="村道积水约30厘米，已设警示", now=_at(8)
    )
    assert Notification.objects.filter(user=duty.office_clerk, kind="duty_situation").exists()


def test_only_the_units_own_staff_report_for_it(duty: Duty) -> None:
    with pytest.raises(NotPermitted):
        file_daily(duty.city.township, actor=duty.office_clerk, kind="safe", now=_at(8))


def test_rates_count_late_and_missing_reports_per_unit_and_day(duty: Duty) -> None:
    town, housing = duty.city.township, duty.city.housing
    file_daily(town, actor=duty.town_clerk, kind="safe", now=_at(8))
    file_daily(town, actor=duty.town_clerk, kind="safe", now=_at(9, 40, DAY + timedelta(days=1)))
    file_daily(housing, actor=duty.city.users["clerk"], kind="safe", now=_at(8, 30))
    per_unit, per_day = reporting_rates(DAY, DAY + timedelta(days=1), _at(10, 0, DAY + timedelta(days=1)))
    rates = {u.code: r for u, r in per_unit}
    assert (rates[town.code].reported, rates[town.code].late, rates[town.code].percent) == (2, 1, 100.0)
    assert (rates[housing.code].reported, rates[housing.code].missing) == (1, 1)
    assert rates["D-YJJ"].reported == 0
    days = dict(per_day)
    assert days[DAY].reported == 2
    assert days[DAY].expected == 4
    rows = {
        r.unit.code: r.status
        for r in daily_status(DAY + timedelta(days=1), _at(10, 0, DAY + timedelta(days=1)))
    }
    assert rows[town.code] == "late"
    assert rows[housing.code] == "missing"
    later = DAY + timedelta(days=2)
    assert {r.status for r in daily_status(later, _at(8, 0, later))} == {"waiting"}


def test_a_missing_report_is_chased_by_notice_then_sms_to_the_leader_on_duty(
    duty: Duty, clock: Traveller
) -> None:
    town = duty.city.township
    add_shift(
        town,
        actor=duty.town_leader,
        starts_at=_at(8, 30),
        ends_at=_at(8, 30, DAY + timedelta(days=1)),
        leader=duty.town_leader,
        officer=duty.town_clerk,
        leader_phone="13900000099",
    )
    assert chase_daily(_at(8, 59)) == {"notice": 0, "sms": 0, "sms_unsent": 0}
    first = chase_daily(_at(9, 1))
    assert first["notice"] == 4
    assert first["sms"] == 0
    assert Notification.objects.filter(user=duty.town_clerk, kind="duty_daily_missing").count() == 1
    assert chase_daily(_at(9, 10))["notice"] == 0  # once per unit and day
    file_daily(duty.city.housing, actor=duty.city.users["clerk"], kind="safe", now=_at(9, 20))
    second = chase_daily(_at(9, 31))
    # Housing reported (late) in between; 教育局 has no leader with a phone: not sent, and shown.
    assert second == {"notice": 0, "sms": 2, "sms_unsent": 1}
    unsent = DailyChase.objects.get(unit=duty.city.education, rung="sms")
    assert (unsent.sent, unsent.phone) == (False, "")
    assert not SmsMessage.objects.filter(phone="").exists()
    assert Notification.objects.filter(
        user=duty.office_clerk, kind="duty_daily_missing", message__contains="未能发出"
    ).exists()
    sms = SmsMessage.objects.get(phone="13900000099")
    assert "郢中街道" in sms.body
    assert "平安报" in sms.body
    assert DailyChase.objects.get(unit=town, rung="sms").phone == "13900000099"
    assert chase_daily(_at(9, 45))["sms"] == 0

"""The reserves sweep: each shortfall told to the responsible unit and the office once; a
shortfall gone is resolved, and warned again if it comes back; expiry horizon configurable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from conftest import WORKING_MORNING
from duty.models import ReserveWarning
from duty.services.reserves import add_site, check_site, set_stock, shortfalls
from duty.sweeps import warn_reserves
from duty.tests.conftest import Duty
from notifications.models import Notification

pytestmark = pytest.mark.django_db
NOW = WORKING_MORNING
TODAY = date(2025, 9, 24)


def _stock(duty: Duty, quantity: int, expires: date | None = None, at: object = NOW) -> None:
    set_stock(
        duty.city.township,
        actor=duty.town_clerk,
        kind="flood",
        name="救生衣",
        quantity=quantity,
        minimum=100,
        measure="件",
        expires_on=expires,
        now=at,  # type: ignore[arg-type]
    )


def test_a_shortfall_is_warned_once_resolved_when_gone_and_warned_again_when_back(duty: Duty) -> None:
    _stock(duty, 80)
    assert warn_reserves(NOW) == {"warned": 1, "resolved": 0}
    assert warn_reserves(NOW + timedelta(hours=6)) == {"warned": 0, "resolved": 0}  # once
    told = Notification.objects.filter(kind="duty_reserve")
    assert set(told.values_list("user__username", flat=True)) == {
        "town_clerk",
        "town_leader",
        "town_clerk2",
        "yjj_clerk",
        "yjj_leader",
    }
    _stock(duty, 150)
    assert warn_reserves(NOW + timedelta(days=1)) == {"warned": 0, "resolved": 1}
    _stock(duty, 50)
    assert warn_reserves(NOW + timedelta(days=2)) == {"warned": 1, "resolved": 0}
    assert ReserveWarning.objects.count() == 2
    assert ReserveWarning.objects.filter(resolved_at__isnull=True).count() == 1


def test_expiry_is_warned_within_the_configured_days_and_a_new_batch_anew(duty: Duty) -> None:
    with override_settings(DUTY_RESERVE_EXPIRY_DAYS=10):
        _stock(duty, 150, TODAY + timedelta(days=20))
        assert warn_reserves(NOW) == {"warned": 0, "resolved": 0}
        assert warn_reserves(NOW + timedelta(days=11)) == {"warned": 1, "resolved": 0}
        assert "将于 2025-10-14 过期" in ReserveWarning.objects.get().message
        assert warn_reserves(NOW + timedelta(days=21)) == {"warned": 1, "resolved": 1}  # now expired
        _stock(duty, 150, TODAY + timedelta(days=200), at=NOW + timedelta(days=21))
        assert warn_reserves(NOW + timedelta(days=22)) == {"warned": 0, "resolved": 1}
    assert [s.why for s in shortfalls(NOW + timedelta(days=22))] == []


def test_a_site_not_up_to_standard_is_warned(duty: Duty) -> None:
    site = add_site(
        duty.city.township,
        actor=duty.town_clerk,
        kind="shelter",
        name="某某避难点",
        address="某某路",
        capacity=100,
    )
    assert warn_reserves(NOW)["warned"] == 1  # never checked
    check_site(site, actor=duty.town_clerk, passed=False, ready=False, note="消防通道堵塞", now=NOW)
    assert warn_reserves(NOW + timedelta(hours=1)) == {
        "warned": 1,
        "resolved": 1,
    }  # now failed, not unchecked
    check_site(
        site, actor=duty.town_clerk, passed=True, ready=True, note="已整改", now=NOW + timedelta(days=1)
    )
    assert warn_reserves(NOW + timedelta(days=1, hours=1)) == {"warned": 0, "resolved": 1}

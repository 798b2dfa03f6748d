"""Reserves: a site's 达标 check, stocks below minimum or near expiry warned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import WORKING_MORNING
from duty.services.reserves import add_site, check_site, set_stock, shortfalls
from duty.tests.conftest import Duty
from mochou.errors import NotPermitted

pytestmark = pytest.mark.django_db
NOW = WORKING_MORNING


def test_a_site_is_a_shortfall_until_checked_and_again_when_it_fails(duty: Duty) -> None:
    town = duty.city.township
    site = add_site(
        town, actor=duty.town_clerk, kind="shelter", name="郢中一小避难点", address="某某路", capacity=300
    )
    assert [s.why for s in shortfalls(NOW)] == ["超过30天未检查"]
    check_site(site, actor=duty.town_clerk, passed=True, ready=True, note="物资齐全，通道畅通", now=NOW)
    assert shortfalls(NOW) == []
    check_site(
        site,
        actor=duty.office_clerk,
        passed=False,
        ready=True,
        note="应急照明损坏",
        now=NOW + timedelta(days=1),
    )
    site.refresh_from_db()
    assert not site.is_ready
    assert [s.why for s in shortfalls(NOW + timedelta(days=1))] == ["检查未达标"]
    assert [s.why for s in shortfalls(NOW + timedelta(days=40))] == ["超过30天未检查"]
    with pytest.raises(NotPermitted):
        check_site(site, actor=duty.city.users["clerk"], passed=True, ready=True, note="外单位", now=NOW)


def test_stocks_below_minimum_and_expiring_are_warned(duty: Duty) -> None:
    town = duty.city.township
    set_stock(
        town,
        actor=duty.town_clerk,
        kind="flood",
        name="编织袋",
        quantity=800,
        minimum=1000,
        measure="条",
        now=NOW,
    )
    set_stock(
        town,
        actor=duty.town_clerk,
        kind="medical",
        name="口罩",
        quantity=5000,
        minimum=2000,
        expires_on=date(2025, 10, 10),
        now=NOW,
    )
    set_stock(
        town,
        actor=duty.town_clerk,
        kind="living",
        name="矿泉水",
        quantity=100,
        minimum=50,
        expires_on=date(2026, 6, 1),
        now=NOW,
    )
    whys = sorted(s.why for s in shortfalls(NOW))
    assert whys == ["将于 2025-10-10 过期", "库存 800条，低于最低储备 1000"]
    set_stock(
        town,
        actor=duty.town_clerk,
        kind="flood",
        name="编织袋",
        quantity=1200,
        minimum=1000,
        measure="条",
        now=NOW,
    )
    assert [s.what for s in shortfalls(NOW)] == ["口罩"]
    assert [s.why for s in shortfalls(NOW + timedelta(days=20))] == ["已于 2025-10-10 过期"]

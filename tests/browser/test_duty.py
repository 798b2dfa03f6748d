"""应急值班 on phones and at the office: a township's 平安报 in one tap, a flooded road's 初报,
续报 and 终报 each on time, a missing 平安报 chased by SMS, and the office's board showing it all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from notifications.models import SmsMessage
from org.models import Unit, UnitKind
from tests.browser.conftest import fits_the_screen
from tests.browser.desks import Desk
from tests.factories import PASSWORD, City, make_user

pytestmark = pytest.mark.browser


def _login(page: Page, username: str) -> Page:
    page.goto("/accounts/login/", timeout=30_000)  # the first request of a cold live server
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/queue/\w+/$"))
    return page


def test_township_reports_on_a_phone_and_the_office_sees_it(
    journey_city: City, phone: Callable[[], Page], desk: Callable[[str], Desk], settings: Any
) -> None:
    settings.DUTY_DAILY_DEADLINE = "23:59"
    office = Unit.objects.create(
        code="D-YJJ", name="钟祥市应急管理局", short_name="市应急管理局", kind=UnitKind.DEPARTMENT
    )
    make_user("yjj_clerk", Role.CLERK, office, display_name="应值班")
    town = journey_city.township
    make_user("town_clerk", Role.CLERK, town, display_name="镇值班")
    make_user("town_clerk2", Role.CLERK, town, display_name="镇副班")
    make_user("town_leader", Role.UNIT_LEADER, town, display_name="镇带班", mobile="13900000022")

    # A township's duty officer: 平安 in one tap.
    first = _login(phone(), "town_clerk")
    first.goto("/duty/unit/")
    first.locator("#safe-button").click()
    expect(first.locator("#daily-done")).to_contain_text("已报送：平安")
    assert fits_the_screen(first)

    # Another officer reports a flooded road: 初报, 续报, 终报.
    second = _login(phone(), "town_clerk2")
    second.goto("/duty/incidents/new/")
    second.locator("#title").fill("某某路下穿通道积水")
    second.locator("#kind").select_option("flood")
    second.locator("#place").fill("某某路下穿通道")
    second.locator("#text").fill("积水约40厘米，已封闭通道")
    second.locator("#submit-first").click()
    second.wait_for_url(re.compile(r"/duty/incidents/YJ\d{4}-\d+/$"))
    second.locator("#follow-text").fill("泵车抽排，水位下降")
    second.locator("#submit-follow").click()
    expect(second.locator('#reports li[data-kind="follow"]')).to_contain_text("续报（1）")
    second.locator("#form-final summary").click()
    second.locator("#final-text").fill("积水排除，恢复通行")
    second.locator("#submit-final").click()
    expect(second.locator("#incident-state")).to_have_attribute("data-state", "finished")
    expect(second.locator("#reports .status-late")).to_have_count(0)
    assert fits_the_screen(second)

    # The deadline passes with 市住建局 silent: the sweep chases it, then by SMS to its leader
    # (no shift runs there, so the unit's leader). The township's report kept its own deadline.
    settings.DUTY_DAILY_DEADLINE = "00:00"
    settings.DUTY_DAILY_SMS_AFTER_MINUTES = 0
    make_user(
        "zjj_leader2", Role.UNIT_LEADER, journey_city.housing, display_name="住建带班", mobile="13900000031"
    )
    from duty.sweeps import chase_daily

    chase_daily()
    assert SmsMessage.objects.filter(phone="13900000001").exists()

    board = desk("yjj_clerk").page
    board.goto("/duty/")
    expect(board.locator('#daily-card .tag.missing[data-unit="D-ZJJ"]')).to_be_visible()
    # The chase itself is on the board: when the notice went and when the SMS did.
    expect(board.locator('#daily-card .chase[data-unit="D-ZJJ"]')).to_have_text(
        re.compile(r"^已催报 \d\d:\d\d · 短信已发 \d\d:\d\d$")
    )
    expect(board.locator('tr.daily-row[data-unit="420881001"]')).to_have_attribute("data-status", "on_time")
    expect(board.locator("#daily-count")).to_contain_text("已报 1")

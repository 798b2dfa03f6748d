"""差评整改 in a real browser (issue 10): an agent claims the callback from the pool and records a
差评; the case goes straight to the lead unit's rectification, with its countdown; the unit reports;
the centre verifies; the case is back in the pool, called back again (satisfied) and closed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import SHANGHAI
from tests.browser.desks import Desk
from tests.factories import City, replied_case

pytestmark = pytest.mark.browser

OpenDesk = Callable[[str], Desk]


def _call_back(agent: Desk, satisfaction: str, resolved: str, comment: str) -> None:
    callback = agent.form("callback")
    callback.get_by_label("已接通", exact=True).check()
    callback.locator("#field-id_callback_resolved").get_by_label(resolved, exact=True).check()
    callback.get_by_label(satisfaction, exact=True).check()
    agent.act("callback", "回访", comment=comment)


def test_a_poor_rating_rectified_verified_called_back_and_closed(journey_city: City, desk: OpenDesk) -> None:
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=True):
        number = replied_case(journey_city).number

        # The pool: 王话务 claims the callback; 李话务 sees it taken and cannot call.
        agent = desk("agent")
        agent.open_case_from_queue("to_callback", number)
        expect(agent.page.locator("#callback-claim")).to_contain_text("尚无人认领")
        agent.act("claim_callback", "认领回访")
        expect(agent.page.locator("#callback-claim")).to_contain_text("王话务已认领")
        other = desk("agent2")
        other.open_case_from_queue("to_callback", number)
        expect(other.page.locator("#callback-claim")).to_contain_text("王话务已认领")
        expect(other.form("callback")).to_have_count(0)
        expect(other.form("claim_callback")).to_have_count(0)

        # The five levels; a 差评 goes straight to the unit's rectification, never to 待结案.
        satisfaction = agent.form("callback").locator("#field-id_callback_satisfaction")
        for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
            expect(satisfaction.get_by_label(level, exact=True)).to_have_count(1)
        _call_back(agent, "非常不满意", "否", "疏通后第二天又堵了，工作人员态度敷衍")
        agent.expect_state("整改中")
        expect(agent.page.locator("#case-deadline")).to_contain_text("整改")
        expect(agent.page.locator("#case-rectifications")).to_contain_text("回访非常不满意")
        expect(agent.form("close")).to_have_count(0)

        # 承办人 finds it in 差评整改 with its countdown, and reports.
        clerk = desk("clerk")
        clerk.open_queue("rectifying")
        row = clerk.row(number)
        expect(row).to_be_visible()
        expect(row.locator(".deadline")).to_contain_text("整改")
        row.get_by_role("link", name=number, exact=True).click()
        clerk.page.wait_for_url(re.compile(rf"/cases/{number}/$"))
        report = "已约谈养护班组负责人，更换破损管段并回访现场，排水已恢复正常。"
        clerk.act("report_rectify", "报告整改情况", report=report)
        clerk.expect_state("整改待核实")
        expect(clerk.page.locator("#case-rectifications")).to_contain_text(report)

        # 派单员 verifies it from 整改待核实: the case is back in the pool for a new callback.
        dispatcher = desk("dispatcher")
        dispatcher.open_case_from_queue("to_verify", number)
        dispatcher.form("verify_rectify").get_by_label("整改到位，转回访").check()
        dispatcher.act("verify_rectify", "核实整改", note="电话核实现场已整改")
        dispatcher.expect_state("待回访")
        expect(dispatcher.page.locator("#case-rectifications")).to_contain_text("核实通过")

        # Called back again (that result stands): satisfied, then closed.
        other.open_case_from_queue("to_callback", number)
        expect(other.page.locator("#callback-claim")).to_contain_text("尚无人认领")
        _call_back(other, "满意", "是", "整改后已正常排水")
        other.expect_state("待结案")
        other.act("close", "结案")
        other.expect_state("已办结")

        steps = [what for what, _ in other.timeline()]
        assert steps[-6:] == ["认领回访", "转整改", "报告整改情况", "核实整改", "回访", "结案"]

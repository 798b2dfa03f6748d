"""The 督查室's journey (issue 12), in a real browser: the seed's meeting record pasted, a draft
reviewed and confirmed (立项), the task assigned, signed for, reported on, an extension approved
by the 督查室 and the leader, 申请办结 returned once, then 初审, 审结 and 销号; and a 红色督办单 on
another (重大) task issued, signed for, answered and approved."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import SHANGHAI
from supervision.extract_eval import DATA
from supervision.task_models import DraftTask, Task
from supervision.task_workflow import TaskState
from supervision.tests.task_helpers import task_in
from tests.browser.desks import Desk
from tests.factories import City

pytestmark = pytest.mark.browser
OpenDesk = Callable[[str], Desk]
RECORD = (DATA / "records" / "zhongxiang-standing-committee-2021-08-01.txt").read_text(encoding="utf-8")


def _act(desk: Desk, action: str, label: str, **fields: str) -> None:
    form = desk.page.locator(f"#action-{action}")
    for name, value in fields.items():
        form.locator(f"#id_{action}-{name}").fill(value)
    form.locator(f"#btn-{action}").click()
    expect(desk.page.locator(".messages")).to_contain_text(f"已{label}。")


def test_from_the_record_to_销号_and_a_red_notice(journey_city: City, desk: OpenDesk) -> None:
    monday = datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=True):
        sup = desk("supervisor")
        page = sup.page
        page.goto("/supervision/records/")
        page.locator("#id_title").fill("市委六届七十一次常委会议")
        page.locator("#id_held_on").fill("2021-08-01")
        page.locator("#id_text").fill(RECORD)
        page.locator("#btn-extract").click()
        expect(page.locator("#review-summary")).to_contain_text("待审 41 项")
        draft = DraftTask.objects.get(sentence__contains="园区工业总产值占比达到80%以上")
        row = page.locator(f"#draft-{draft.pk}")
        expect(row.locator(f"#id_d{draft.pk}-target")).to_have_value("≥80%")
        expect(row.locator(f"#id_d{draft.pk}-deadline")).to_have_value("2023-12-31")
        row.locator(f"#id_d{draft.pk}-lead_unit").select_option(label=journey_city.housing.name)
        row.locator(f"#leader-{draft.pk}").select_option(label="吴市长")
        row.locator(f"#confirm-{draft.pk}").click()  # htmx: the row comes back confirmed
        confirmed = page.locator(f"#draft-{draft.pk}")
        expect(confirmed).to_have_attribute("data-status", "confirmed")
        task = Task.objects.get()
        confirmed.get_by_role("link", name=task.number).click()
        page.wait_for_url(re.compile(rf"/supervision/tasks/{task.number}/$"))
        expect(page.locator("#task-source")).to_contain_text("80%以上")
        # The record's 2023 is past in this test's time: the 督查员 sets this year's deadline.
        _act(sup, "assign", "交办", deadline="2026-06-30")

        clerk = desk("clerk")
        clerk.page.goto(f"/supervision/tasks/{task.number}/")
        _act(clerk, "sign", "签收")
        _act(
            clerk,
            "report",
            "报送进展",
            body="已完成五大园区产值摸底，制定提升方案，正推动项目入园。",
            progress="40",
        )
        _act(
            clerk,
            "request_ext",
            "申请延期",
            until="2026-09-30",
            reason="统计口径调整，需等待三季度统计数据。",
        )
        sup.page.goto(f"/supervision/tasks/{task.number}/")
        _act(sup, "approve_ext", "同意延期", note="理由属实")
        leader = desk("leader")
        leader.page.goto(f"/supervision/tasks/{task.number}/")
        _act(leader, "approve_ext", "同意延期")
        expect(leader.page.locator("#task-deadline")).to_contain_text("2026-09-30")

        clerk.page.goto(f"/supervision/tasks/{task.number}/")
        expect(clerk.page.locator("#id_report-body")).to_have_value(
            re.compile("五大园区产值摸底")
        )  # prefilled
        _act(
            clerk,
            "request_close",
            "申请办结",
            body="园区工业总产值占比已达目标，形成长效机制。",
            evidence="市统计局工业月报",
        )
        sup.page.goto(f"/supervision/tasks/{task.number}/")
        _act(sup, "return", "退回重办", note="请补充统计部门出具的核定数据。")
        expect(sup.page.locator("#task-notices")).to_contain_text("黄色")
        clerk.page.goto(f"/supervision/tasks/{task.number}/")
        _act(
            clerk,
            "request_close",
            "申请办结",
            body="已补充统计部门核定数据，园区产值占比达标。",
            evidence="市统计局核定函",
        )
        sup.page.goto(f"/supervision/tasks/{task.number}/")
        _act(sup, "first_review", "初审通过")
        leader.page.goto(f"/supervision/tasks/{task.number}/")
        _act(leader, "final_review", "审结销号")
        expect(leader.page.locator("#task-status")).to_contain_text("已销号")

        # A 红色督办单 on a 重大 task, answered by its unit.
        major = task_in(journey_city, TaskState.IN_PROGRESS, major=True)
        sup.page.goto(f"/supervision/tasks/{major.number}/")
        form = sup.page.locator("#issue-notice")
        form.locator("#id_colour").select_option("red")
        form.locator("#id_body").fill("该事项为一把手工程，请主要负责人亲自部署，三日内反馈。")
        form.locator("#btn-issue-notice").click()
        expect(sup.page.locator(".messages")).to_contain_text("已下发红色督办单")
        number = major.notices.get().number
        clerk.page.goto(f"/supervision/task-notices/{number}/")
        clerk.page.locator("#btn-sign").click()
        expect(clerk.page.locator("#notice-status")).to_contain_text("已签收")
        clerk.page.locator("#action-answer textarea").fill(
            "主要负责人已召开专题会部署，明确专人负责，全面落实。"
        )
        clerk.page.locator("#btn-answer").click()
        boss = desk("unit_leader")
        boss.page.goto(f"/supervision/task-notices/{number}/")
        boss.page.locator("#btn-approve").click()
        expect(boss.page.locator("#notice-status")).to_contain_text("已反馈")

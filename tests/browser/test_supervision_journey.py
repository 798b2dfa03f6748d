"""A 督办单 answered late and escalated (issue 10): the supervisor issues it from the case page, the
unit signs for it, its 反馈期限 passes unanswered and it climbs to 黄 and 红, the clerk answers
late, the leader approves, and the supervisor sees it answered late — in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from time_machine import Traveller

from conftest import SHANGHAI
from supervision.models import Notice
from supervision.sweeps import sweep_notices
from tests.browser.desks import Desk
from tests.factories import City, accepted_case

pytestmark = pytest.mark.browser
OpenDesk = Callable[[str], Desk]
ANSWER = "已组织市政养护队完成下水道疏通，排水恢复正常，已电话告知诉求人，诉求人表示认可。"


def _open_notice(desk: Desk, number: str) -> None:
    """From the top bar's 督办单 link, through the queue, to the notice."""
    page = desk.page
    page.goto("/")
    page.locator("#supervision-link").click()
    page.wait_for_url(re.compile(r"/supervision/notices/$"))
    row = page.locator(f'#notice-table tr.notice-row[data-number="{number}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(re.compile(rf"/supervision/notices/{number}/$"))


def _act(desk: Desk, action: str, label: str, **fields: str) -> None:
    form = desk.page.locator(f"#action-{action}")
    for name, value in fields.items():
        form.locator(f"#id_{action}-{name}").fill(value)
    form.get_by_role("button", name=label, exact=True).click()
    expect(desk.page.locator(".messages")).to_contain_text(f"已{label}。")


def _past_deadline(traveller: Traveller, notice: Notice) -> None:
    assert notice.respond_by is not None
    traveller.move_to(notice.respond_by + timedelta(minutes=5))
    sweep_notices()  # what the worker's five-minute sweep does (supervision.tasks)


def test_a_notice_answered_late_after_escalating_to_yellow_and_red(
    journey_city: City, desk: OpenDesk
) -> None:
    monday = datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=True) as traveller:
        case = accepted_case(journey_city)

        supervisor = desk("supervisor")
        supervisor.page.goto(f"/cases/{case.number}/")
        supervisor.page.locator("#btn-supervise").click()
        supervisor.page.wait_for_url(re.compile(rf"/supervision/notices/new/{case.number}/\??$"))
        supervisor.page.get_by_label("蓝色", exact=True).check()
        supervisor.page.locator("#id_body").fill("该件群众反映强烈，请于1个工作日内办结并反馈办理情况。")
        supervisor.page.locator("#id_respond_days").fill("1")
        supervisor.page.locator("#btn-issue").click()
        expect(supervisor.page.locator(".messages")).to_contain_text("已下发蓝色督办单")
        blue = Notice.objects.get(case__number=case.number)
        expect(supervisor.page.locator("#notice-status")).to_contain_text("已下发")

        clerk = desk("clerk")
        _open_notice(clerk, blue.number)
        _act(clerk, "sign", "签收")
        expect(clerk.page.locator("#notice-status")).to_contain_text("已签收")

        # The 反馈期限 passes unanswered: 黄, addressed to the unit's leader; then 红.
        _past_deadline(traveller, blue)
        yellow = Notice.objects.get(previous=blue)
        assert (yellow.colour, yellow.addressed_to.username) == ("yellow", "unit_leader")  # type: ignore[union-attr]
        _past_deadline(traveller, yellow)
        red = Notice.objects.get(previous=yellow)
        assert red.colour == "red"

        clerk.login()  # days later, a new session
        clerk.page.goto(f"/cases/{case.number}/")
        section = clerk.page.locator("#case-supervision")
        expect(section.locator(f"#case-notice-{blue.number}")).to_contain_text("已升级")
        expect(section.locator(f"#case-notice-{red.number}")).to_contain_text("红色")
        _open_notice(clerk, red.number)
        expect(clerk.page.locator("#notice-ladder")).to_contain_text(yellow.number)
        _act(clerk, "sign", "签收")
        _act(clerk, "answer", "提交反馈", body=ANSWER)
        expect(clerk.page.locator("#notice-status")).to_contain_text("反馈待审")

        leader = desk("unit_leader")
        _open_notice(leader, red.number)
        _act(leader, "approve", "审核通过", note="同意反馈")
        expect(leader.page.locator("#notice-status")).to_contain_text("已反馈")

        supervisor.login()  # days after issuing: the idle session has ended
        supervisor.page.goto("/supervision/notices/?late=on&colour=red")
        row = supervisor.page.locator(f'#notice-table tr.notice-row[data-number="{red.number}"]')
        expect(row).to_contain_text("已反馈")
        expect(row).to_contain_text("逾期反馈")
        supervisor.page.goto(f"/cases/{case.number}/")
        expect(supervisor.page.locator(f"#case-notice-{red.number}")).to_contain_text(ANSWER)
        supervisor.page.goto(f"/supervision/notices/{red.number}/print/")
        expect(supervisor.page.locator("#print-sheet")).to_contain_text("逾期反馈")
        # For a person to look at (the printable 督办单), not for an assertion.
        supervisor.page.screenshot(path="/tmp/supervision-print.png", full_page=True)  # noqa: S108

    assert Notice.objects.get(pk=red.pk).answered_late

"""A case waiting on a survey: the clerk asks to stop the clock, the centre agrees, the clerk resumes
and the deadline has moved by the time it waited — in a real browser, on the case page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from cases.models import Case
from conftest import SHANGHAI
from tests.browser.desks import Desk
from tests.factories import City, accepted_case
from worktime.calendar import add_working_days

pytestmark = pytest.mark.browser
OpenDesk = Callable[[str], Desk]


def test_a_clerk_suspends_a_case_for_a_survey_and_resumes_it_with_the_deadline_moved(
    journey_city: City, desk: OpenDesk
) -> None:
    thursday = datetime(2026, 5, 7, 9, 0, tzinfo=SHANGHAI)  # 2026-05-09 is a 调休 working Saturday
    with time_machine.travel(thursday, tick=True) as traveller:
        case = accepted_case(journey_city)
        number, due_before = case.number, case.due_at
        assert due_before is not None

        clerk = desk("clerk")
        clerk.open_case_from_queue("in_progress", number)
        form = clerk.form("request_suspension")
        form.locator("#id_request_suspension_reason").select_option(label="需鉴定、检测、勘测或评估")
        clerk.act(
            "request_suspension",
            "申请挂起",
            document="房屋安全鉴定委托书 钟房鉴〔2026〕18号",
            days=10,
            explanation="墙体开裂需先做房屋安全鉴定，鉴定结论出具前无法确定维修方案",
        )
        clerk.expect_state("办理中")  # the clock runs until the centre agrees
        expect(clerk.page.locator("#case-suspensions")).to_contain_text("待审批")

        dispatcher = desk("dispatcher")
        dispatcher.page.goto(f"/cases/{number}/")
        dispatcher.form("decide_suspension").get_by_label("同意挂起", exact=True).check()
        dispatcher.act("decide_suspension", "审批挂起", note="同意，鉴定结论出具后及时恢复办理")
        dispatcher.expect_state("已挂起")
        deadline = dispatcher.page.locator("#case-deadline")
        expect(deadline).to_contain_text("挂起")
        expect(dispatcher.page.locator("#case-due")).to_contain_text("已中止计时")
        # For a person to look at (the case page of a suspended case), not for an assertion.
        dispatcher.page.screenshot(path="/tmp/suspended-case.png", full_page=True)  # noqa: S108

        # The unit finds it in its 已挂起 queue; five working days later the survey is back.
        clerk.open_queue("suspended")
        expect(clerk.row(number)).to_be_visible()
        traveller.move_to(datetime(2026, 5, 13, 9, 0, tzinfo=SHANGHAI))
        clerk.login()  # a new working day, a new session (sessions time out when idle)
        clerk.open_case_from_queue("suspended", number)
        clerk.act("resume", "恢复计时", note="鉴定结论已出具，恢复办理")
        clerk.expect_state("办理中")
        expect(clerk.page.locator("#case-suspensions")).to_contain_text("已恢复")
        steps = [what for what, _ in clerk.timeline()]
        assert steps[-3:] == ["申请挂起", "挂起（中止计时）", "恢复计时"]

    moved = Case.objects.get(number=number).due_at
    assert moved is not None
    # Suspended Thu 05-07 just after 9:00, resumed Wed 05-13 at 9:00: 6.5 + 7 × 4 (Fri, the 调休
    # Saturday, Mon, Tue) + 0.5 working hours = five working days, less the seconds the clicks took.
    five_days_later = add_working_days(due_before, 5)
    assert five_days_later - timedelta(minutes=5) < moved <= five_days_later

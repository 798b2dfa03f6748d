"""Two cases walked through the real pages by every role, in a real browser.

The first goes the straight way, from the agent's intake form to closure; the second takes the
detours: a return to the dispatchers, a dissatisfied callback and a reopening, then a deadline
that passes and a supervisor's 督办.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import SHANGHAI
from tests.browser.desks import Desk
from tests.factories import City, dispatched_case

pytestmark = pytest.mark.browser

HOUSING = "钟祥市住房和城乡建设局"  # 市住建局, as the dispatch form lists it (full name)
CATEGORY = "城乡建设 / 城市建设和市政管理 / 市政设施"
PHONE, MASKED_PHONE = "13812345678", "138****5678"

OpenDesk = Callable[[str], Desk]


def test_one_case_through_every_role_from_registration_to_closure(journey_city: City, desk: OpenDesk) -> None:
    # 话务员 registers the call.
    agent = desk("agent")
    page = agent.page
    expect(page.locator("#current-user")).to_contain_text("王话务")
    page.locator("#register-link").click()
    page.wait_for_url(re.compile(r"/cases/new/$"))
    form = page.locator("#register-form")
    form.locator("#id_kind").select_option(label="投诉")
    form.locator("#id_channel").select_option(label="12345热线")
    form.locator("#id_title").fill("小区门口下水道堵塞")
    form.locator("#id_content").fill(
        "郢中街道莫愁湖路12号小区门口的下水道堵塞好几天了，污水漫到路面，请尽快疏通。"
    )
    form.locator("#id_citizen_name").fill("张女士")
    form.locator("#id_citizen_phone").fill(PHONE)
    form.locator("#id_township").select_option(label="郢中街道")
    form.locator("#id_address").fill("郢中街道莫愁湖路12号")
    form.locator("#id_urgency").select_option(label="一般")
    page.get_by_role("button", name="登记", exact=True).click()
    message = page.locator(".messages .message.success")
    expect(message).to_contain_text("工单已登记，受理编号")
    registered = re.search(r"受理编号 (\d+)", message.inner_text())
    assert registered is not None
    number = registered.group(1)
    page.wait_for_url(re.compile(rf"/cases/{number}/$"))
    expect(page.locator("#case-number")).to_have_text(number)
    agent.expect_state("待派单")
    expect(page.locator("#citizen-phone")).to_contain_text(PHONE)  # the registering agent sees it

    # 派单员 finds it in 待派单 and sends it to 市住建局 with its category.
    dispatcher = desk("dispatcher")
    dispatcher.open_case_from_queue("to_dispatch", number)
    expect(dispatcher.page.locator("#citizen-phone")).to_have_text(MASKED_PHONE)
    dispatcher.act("dispatch", "派单", lead_unit=HOUSING, category=CATEGORY, note="请住建局尽快疏通")
    dispatcher.expect_state("待签收")
    expect(dispatcher.page.locator("#lead-unit")).to_have_text(HOUSING)

    # 承办人 of 住建局: told of it, finds it in 待签收, accepts and answers.
    clerk = desk("clerk")
    expect(clerk.page.locator("#unread-count")).to_have_text("1")  # the dispatch notice
    clerk.open_case_from_queue("to_accept", number)
    expect(clerk.page.locator("#citizen-phone")).to_have_text(MASKED_PHONE)
    expect(clerk.page.locator("#case-deadline")).to_have_class(re.compile(r"\blevel-(ok|near)\b"))
    clerk.act("accept", "签收")
    clerk.expect_state("办理中")
    clerk.act(
        "reply",
        "提交答复",
        body="已安排市政养护队疏通莫愁湖路12号门口的下水道，现已恢复正常排水。",
        result="已疏通",
    )
    clerk.expect_state("待审核")

    # 单位负责人 approves the answer.
    unit_leader = desk("unit_leader")
    unit_leader.open_case_from_queue("to_approve", number)
    expect(unit_leader.page.locator("#citizen-phone")).to_have_text(MASKED_PHONE)
    unit_leader.act("approve", "审核通过", note="同意")
    unit_leader.expect_state("待回访")

    # Back at the agent: the callback (reached, resolved, satisfied), then closure.
    agent.open_case_from_queue("to_callback", number)
    expect(page.locator("#citizen-phone")).to_contain_text(PHONE)
    callback = agent.form("callback")
    callback.get_by_label("已接通", exact=True).check()
    callback.locator("#field-id_callback_resolved").get_by_label("是", exact=True).check()
    callback.get_by_label("满意", exact=True).check()
    agent.act("callback", "回访", comment="张女士确认下水道已疏通")
    agent.expect_state("待结案")
    agent.act("close", "结案")
    agent.expect_state("已办结")
    expect(page.locator("#case-replies")).to_contain_text("已安排市政养护队疏通")
    expect(page.locator("#case-callbacks")).to_contain_text("满意")

    steps = [what for what, _ in agent.timeline()]
    assert steps == ["登记", "派单", "签收", "提交答复", "审核通过", "回访", "结案"]
    who = page.locator("#case-timeline li.event .who").all_inner_texts()
    assert [w.split("（")[0] for w in who] == [
        "王话务", "赵派单", "钱承办", "钱承办", "孙局长", "王话务", "王话务",
    ]  # fmt: skip


def test_a_case_through_return_reopen_and_overdue_supervision(journey_city: City, desk: OpenDesk) -> None:
    # The whole journey happens on a fixed working morning, with the clock ticking; the live
    # server runs in this process, so it lives in the travelled time too.
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=True) as traveller:
        case = dispatched_case(journey_city)
        number = case.number

        # 承办人 sends it back: not 住建局's business.
        clerk = desk("clerk")
        clerk.open_case_from_queue("to_accept", number)
        reason = "该路段排水管网由郢中街道管护，不属于本局职责"
        clerk.form("return").locator("#id_return_reason_kind").select_option(label="不属于本单位职责范围")
        clerk.form("return").locator("#id_return_reason").fill(reason)
        with clerk.page.expect_response(lambda r: r.url.endswith("/act/return/")) as answer:
            clerk.form("return").get_by_role("button", name="退单", exact=True).click()
        # A returned case is no longer the unit's: htmx follows HX-Redirect to the clerk's home queue,
        # which says where the case went. (Wait for that navigation before the next one.)
        assert answer.value.status == 204
        clerk.page.wait_for_url(re.compile(r"/cases/queue/\w+/$"))
        expect(clerk.page.get_by_text(f"工单 {number} 已退回热线中心")).to_be_visible()
        clerk.open_queue("to_accept")
        expect(clerk.row(number)).to_have_count(0)

        # 派单员 finds it in 派单异议审核, with the reason, and rules the return unfounded: it goes
        # back to 住建局 with the ruling (issue 10; the upheld ruling: test_dispute_journeys.py).
        dispatcher = desk("dispatcher")
        dispatcher.open_case_from_queue("disputes", number)
        steps = dispatcher.timeline()
        assert [what for what, _ in steps] == ["登记", "派单", "退单"]
        assert steps[-1] == ("退单", f"不属于本单位职责范围：{reason}")
        expect(dispatcher.page.locator("#case-handling")).to_contain_text(f"退单理由：{reason}")
        ruling = "经核实该路段排水管网仍属住建局养护范围，请办理"
        dispatcher.form("rule_dispute").get_by_label("异议不成立，退回原单位办理").check()
        dispatcher.act("rule_dispute", "派单异议审核", note=ruling)
        dispatcher.expect_state("待签收")
        expect(dispatcher.page.locator("#lead-unit")).to_have_text(HOUSING)
        clerk.open_case_from_queue("to_accept", number)
        expect(clerk.page.locator("#case-disputes .dispute-ruling")).to_contain_text("异议不成立")
        expect(clerk.page.locator("#case-disputes .dispute-note")).to_contain_text(ruling)

        # Accepted, answered, approved.
        clerk.open_case_from_queue("to_accept", number)
        clerk.act("accept", "签收")
        clerk.act("reply", "提交答复", body="已联系郢中街道共同疏通该处下水道，排水已恢复。")
        unit_leader = desk("unit_leader")
        unit_leader.open_case_from_queue("to_approve", number)
        unit_leader.act("approve", "审核通过")

        # The citizen is not satisfied: the 差评 goes straight to the unit's rectification (issue
        # 10), and the agent, finding the answer itself wrong, redoes the case instead (重办).
        agent = desk("agent")
        agent.open_case_from_queue("to_callback", number)
        callback = agent.form("callback")
        callback.get_by_label("已接通", exact=True).check()
        callback.locator("#field-id_callback_resolved").get_by_label("否", exact=True).check()
        callback.get_by_label("不满意", exact=True).check()
        agent.act("callback", "回访", comment="下雨后又堵了")
        agent.expect_state("整改中")
        agent.act("reopen", "重办", reason="诉求人反映下雨后再次堵塞，问题未解决")
        agent.expect_state("办理中")
        expect(agent.page.locator("#case-body")).to_contain_text("重办 1 次")

        clerk.open_queue("in_progress")
        expect(clerk.row(number)).to_be_visible()
        expect(clerk.row(number).locator(".deadline")).to_have_class(re.compile(r"\blevel-ok\b"))

        # Seven working days later, nobody has answered: the five-day limit has passed.
        for someone in (clerk, dispatcher, unit_leader, agent):
            someone.settle()
        traveller.move_to(monday + timedelta(days=9, hours=1))  # Wednesday 11 March, 10:00

        supervisor = desk("supervisor")  # lands on 临期/超期
        supervisor.open_queue("late")
        row = supervisor.row(number)
        expect(row).to_be_visible()
        expect(row.locator(".deadline")).to_have_class(re.compile(r"\blevel-overdue\b"))
        row.get_by_role("link", name=number, exact=True).click()
        page = supervisor.page
        expect(page.locator("#case-deadline")).to_have_class(re.compile(r"\blevel-overdue\b"))
        expect(page.locator("#case-deadline")).to_contain_text("超期")
        demand = "该件重办后已超期，请住建局于两个工作日内办结并反馈"
        # 督办 opens the supervision app's form (a 督办单: colour, 反馈期限), then back to the case.
        page.locator("#btn-supervise").click()
        page.wait_for_url(re.compile(rf"/supervision/notices/new/{number}/\??$"))
        page.get_by_label("蓝色", exact=True).check()
        page.locator("#id_body").fill(demand)
        page.locator("#id_respond_days").fill("2")
        page.locator("#btn-issue").click()
        expect(page.locator(".messages")).to_contain_text("已下发蓝色督办单")
        page.goto(f"/cases/{number}/")
        expect(page.locator("#case-supervision")).to_contain_text(demand)

        # 承办人 is told, and finds it in 我的督办 with the notice on the case. Nine days on, the
        # clerk's session has long ended (30 idle minutes): they log in again.
        clerk.login()
        clerk.page.goto("/")
        expect(clerk.page.locator("#unread-count")).to_be_visible()
        clerk.open_case_from_queue("supervised", number)
        expect(clerk.page.locator("#case-supervision")).to_contain_text(demand)
        expect(clerk.page.locator("#case-supervision")).to_contain_text("周督办")
        labels = [what for what, _ in clerk.timeline()]
        assert labels == [
            "登记", "派单", "退单", "退单异议不成立", "签收", "提交答复", "审核通过",
            "转整改",  # the 差评's callback: it sent the case to rectification
            "重办", "督办",
        ]  # fmt: skip

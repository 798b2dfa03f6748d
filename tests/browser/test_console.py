"""The hotline console in a real browser: the telephone system reports a call, the agent's screen
pops the caller's history, and the agent either answers a consultation from the knowledge base on
the spot (直接办结) or registers the request for a dispatcher — all from the keyboard."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cases.models import Case, Kind
from cases.workflow import State
from tests.browser.desks import Desk
from tests.factories import make_case

pytestmark = pytest.mark.browser

KEY = "browser-test-telephony-key"
PHONE = "13812345678"
OTHER_PHONE = "13900002222"
HOUSING = "钟祥市住房和城乡建设局"

OpenDesk = Callable[[str], Desk]


@pytest.fixture
def telephony(settings: Any, live_server: Any) -> Callable[..., dict]:
    """post_event("answered", call_id, caller) → the endpoint's JSON, over real HTTP like the switch."""
    settings.MOCHOU_TELEPHONY_KEY = KEY

    def post_event(event: str, call_id: str, caller: str, agent: str = "agent") -> dict:
        body = json.dumps({"event": event, "call_id": call_id, "caller": caller, "agent": agent}).encode()
        request = urllib.request.Request(  # noqa: S310 — http to the local live server only
            f"{live_server.url}/console/calls/events",
            data=body,
            headers={"Content-Type": "application/json", "X-Mochou-Telephony-Key": KEY},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert response.status in (200, 201)
            return json.loads(response.read())

    return post_event


def open_console(agent: Desk) -> Any:
    page = agent.page
    page.locator("#console-link").click()
    page.wait_for_url(re.compile(r"/console/$"))
    expect(page.locator("#no-call")).to_be_visible()
    return page


def test_a_call_pops_the_history_and_a_consultation_is_answered_from_the_knowledge_base(
    journey_city: Any, desk: OpenDesk, telephony: Callable[..., dict]
) -> None:
    knowledge = pytest.importorskip("knowledge.services", reason="knowledge/ (莫愁指南) is not built yet")
    guide, _ = knowledge.import_guide(
        slug="newborn-insurance",
        data={
            "title": "新生儿参加城乡居民医保",
            "body": "新生儿出生后三个月内办理参保登记，自出生之日起享受医保待遇。",
            "documents": "户口簿\n出生医学证明",
            "unit": journey_city.housing,
        },
    )
    earlier = make_case(journey_city, title="小区门口下水道堵塞")  # the caller has called before

    agent = desk("agent")
    page = open_console(agent)
    telephony("ringing", "call-1", PHONE)
    telephony("answered", "call-1", PHONE)

    # The screen pop: the whole number for the agent on the call, the earlier case, the form filled.
    expect(page.locator("#call-caller")).to_have_text(PHONE)
    expect(page.locator("#call-state")).to_have_text("通话中")
    history = page.locator("#caller-history .history-item")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("小区门口下水道堵塞")
    expect(history.first).to_contain_text("待派单")
    expect(history.first.get_by_role("link")).to_have_attribute("href", f"/cases/{earlier.number}/")
    expect(page.locator("#id_citizen_phone")).to_have_value(PHONE)

    # Typing the request searches the knowledge base; Enter in the text makes a new line, never a save.
    content = page.locator("#id_content")
    expect(content).to_be_focused()  # autofocus: the agent types at once
    content.type("请问新生儿医保怎么办理")
    content.press("Enter")
    content.type("需要什么材料")
    expect(content).to_have_value("请问新生儿医保怎么办理\n需要什么材料")
    expect(page.locator("#intake-saved")).to_have_count(0)
    hit = page.locator(f'#kb-results .kb-hit[data-guide="{guide.pk}"]')
    expect(hit).to_contain_text("新生儿参加城乡居民医保")
    hit.get_by_role("button", name="采用此答复").click()
    answer = page.locator("#id_answer")
    expect(answer).to_be_focused()
    expect(answer).to_have_value(
        re.compile(r"^新生儿出生后三个月内办理参保登记.*\n所需材料：户口簿、出生医学证明$")
    )
    answer.press("End")
    answer.type("可在“鄂汇办”上办理。")
    expect(page.get_by_label("咨询")).to_be_checked()

    # Alt+J: 直接办结. The number to read out appears, the form is fresh, the pop is cleared.
    page.keyboard.press("Alt+j")
    number = page.locator("#saved-number")
    expect(number).to_have_text(re.compile(r"^\d{13}$"))
    expect(page.locator("#intake-saved")).to_contain_text("已直接办结")
    expect(page.locator("#id_content")).to_have_value("")
    expect(page.locator("#no-call")).to_be_visible()
    case = Case.objects.get(number=number.inner_text())
    assert case.state == State.REPLIED
    assert case.citizen_phone == PHONE
    assert case.approved_reply is not None
    assert case.approved_reply.body.endswith("所需材料：户口簿、出生医学证明可在“鄂汇办”上办理。")
    assert case.intake_answer.guide_id == guide.pk
    assert case.calls.get().call_id == "call-1"


def test_a_call_becomes_a_registered_case_that_a_dispatcher_dispatches(
    journey_city: Any, desk: OpenDesk, telephony: Callable[..., dict]
) -> None:
    agent = desk("agent")
    page = open_console(agent)
    telephony("answered", "call-2", OTHER_PHONE)
    expect(page.locator("#call-caller")).to_have_text(OTHER_PHONE)
    expect(page.locator("#caller-history-empty")).to_be_visible()
    expect(page.locator("#id_citizen_phone")).to_have_value(OTHER_PHONE)

    # Keyboard only: Alt+3 picks 投诉, Tab walks the form, Enter in a field moves on, Ctrl+Enter saves.
    page.keyboard.press("Alt+3")
    expect(page.get_by_label("投诉")).to_be_checked()
    page.keyboard.type("郢中街道莫愁湖路12号小区门口的下水道堵塞好几天了，污水漫到路面。")
    page.keyboard.press("Tab")
    expect(page.locator("#id_citizen_name")).to_be_focused()
    page.keyboard.type("张女士")
    page.keyboard.press("Enter")  # moves on to the phone, does not submit
    expect(page.locator("#id_citizen_phone")).to_be_focused()
    expect(page.locator("#intake-saved")).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.type("郢中")  # the township, by type-ahead on its name
    page.keyboard.press("Tab")
    page.keyboard.type("莫愁湖路12号")
    page.locator("#id_address").press("Control+Enter")

    number = page.locator("#saved-number")
    expect(number).to_have_text(re.compile(r"^\d{13}$"))
    expect(page.locator("#intake-saved")).to_contain_text("已登记，转派单流转")
    case_number = number.inner_text()
    case = Case.objects.get(number=case_number)
    assert (case.state, case.kind) == (State.REGISTERED, Kind.COMPLAINT)
    assert case.township is not None
    assert (case.citizen_name, case.citizen_phone, case.township.name) == ("张女士", OTHER_PHONE, "郢中街道")
    assert case.calls.get().call_id == "call-2"

    # A wrong number in the next call is refused in words, and nothing is stored.
    telephony("answered", "call-3", PHONE)
    expect(page.locator("#call-caller")).to_have_text(PHONE)
    page.locator("#id_content").fill("<script>alert(1)</script>")
    page.locator("#id_citizen_phone").fill("12345")
    page.keyboard.press("Alt+s")
    expect(page.locator("#intake-error")).to_be_visible()
    expect(page.locator("#field-id_content .error")).to_contain_text("请勿输入 HTML 标签或脚本")
    expect(page.locator("#call-caller")).to_have_text(PHONE)  # the call stays on screen
    assert Case.objects.count() == 1

    # The dispatcher finds the registered case in 待派单 and dispatches it.
    dispatcher = desk("dispatcher")
    dispatcher.open_case_from_queue("to_dispatch", case_number)
    dispatcher.act("dispatch", "派单", lead_unit=HOUSING, note="请住建局尽快疏通")
    dispatcher.expect_state("待签收")
    assert Case.objects.get(number=case_number).state == State.DISPATCHED


def test_a_pasted_request_finds_its_guide_without_a_key_press(journey_city: Any, desk: OpenDesk) -> None:
    """Agents paste what a caller dictated or what came by e-mail: no key goes down, yet the
    knowledge base must be searched (issue 10, item 12: it fired only on keyup)."""
    knowledge = pytest.importorskip("knowledge.services", reason="knowledge/ (莫愁指南) is not built yet")
    guide, _ = knowledge.import_guide(
        slug="newborn-insurance",
        data={
            "title": "新生儿参加城乡居民医保",
            "body": "新生儿出生后三个月内办理参保登记，自出生之日起享受医保待遇。",
            "documents": "户口簿\n出生医学证明",
            "unit": journey_city.housing,
        },
    )
    page = open_console(desk("agent"))
    page.locator("#id_content").fill("请问新生儿医保怎么办理")  # sets the value at once, like a paste
    expect(page.locator(f'#kb-results .kb-hit[data-guide="{guide.pk}"]')).to_contain_text(
        "新生儿参加城乡居民医保"
    )

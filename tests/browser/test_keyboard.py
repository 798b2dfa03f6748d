"""Keyboard only: a citizen registers a request on the phone page, an agent logs in, opens the
console and registers a call — no mouse, no tap. Each stop of the Tab key is where the page's
order says it is, and shows that it has the focus."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, Kind
from cases.workflow import State
from tests.browser.axe import Audit
from tests.browser.desks import close_settled
from tests.browser.test_console import telephony  # noqa: F401 — the fixture, over real HTTP
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TEXT = "莫愁湖路12号门口的人行道塌了一个大坑，下雨积水，晚上已经有人摔倒了，请尽快修复。"

# The focused element: its id (or name), and whether an outline or a ring shows it.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = outline || style.boxShadow !== 'none';
  return {id: el.id || el.getAttribute('name') || el.tagName.toLowerCase(), visible: ring};
}"""


def tab(page: Page, *, shift: bool = False) -> str:
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["visible"], f"the focus on {focused['id']} cannot be seen"
    return str(focused["id"])


def tab_until(page: Page, wanted: str, limit: int = 40) -> list[str]:
    stops = []
    for _ in range(limit):
        stops.append(tab(page))
        if stops[-1] == wanted:
            return stops
    raise AssertionError(f"{wanted} never got the focus: {stops}")


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    from django.core.cache import cache

    cache.clear()


def test_a_citizen_registers_a_request_with_the_keyboard_only(
    journey_city: Any, phone: Callable[[], Page]
) -> None:
    page = phone()
    page.goto("/m/")
    # First stop: the skip link, then the number to call and the 长辈版 switch.
    assert tab(page) == "skip-link"
    expect(page.locator("#skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")  # skip to the form: the next Tab is its first field
    assert tab(page) == "id_kind"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_kind")).to_have_value("complaint")
    assert tab(page) == "id_content"
    page.keyboard.type(TEXT)
    assert tab(page) == "id_township"
    page.keyboard.press("ArrowDown")
    assert tab(page) == "id_address"
    page.keyboard.type("郢中街道莫愁湖路12号")
    assert tab(page) == "id_photos"  # optional: passed over
    assert tab(page) == "id_name"
    page.keyboard.type("刘先生")
    assert tab(page) == "id_mobile"
    page.keyboard.type("13712345678")
    assert tab(page) == "id_consent"
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    assert tab(page) == "a"  # the notice it refers to, inside the consent's label
    assert tab(page) == "submit-button"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/m/done/(#main)?$"))
    number = page.locator("#case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert (case.kind, case.citizen_phone, case.state) == (Kind.COMPLAINT, "13712345678", State.REGISTERED)
    # The next step from the keyboard too: the progress link, reached by Tab, opened by Enter.
    tab_until(page, "progress-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/m/case/{number}/(#main)?$"))
    expect(page.locator("#case-state")).to_be_visible()


def test_an_agent_logs_in_and_registers_a_call_from_the_console_with_the_keyboard_only(
    journey_city: Any,
    browser: Any,
    live_server: Any,
    telephony: Callable[..., dict],  # noqa: F811
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    audit = Audit()
    try:
        page.goto("/accounts/login/")
        expect(page.locator("#id_username")).to_be_focused()  # autofocus: typing starts at once
        page.keyboard.type("agent")
        assert tab(page) == "id_password"
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/cases/queue/\w+/$"))

        tab_until(page, "console-link")  # in the top bar
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/console/$"))
        expect(page.locator("#no-call")).to_be_visible()
        audit.check(page, "话务台, no call")

        telephony("answered", "call-k", "13900002222")
        expect(page.locator("#call-caller")).to_have_text("13900002222")
        audit.check(page, "话务台, a call popped")
        page.keyboard.press("Alt+n")  # back to the request's text, wherever the focus was
        expect(page.locator("#id_content")).to_be_focused()
        page.keyboard.press("Alt+2")
        expect(page.get_by_label("求助")).to_be_checked()
        page.keyboard.type("郢中街道莫愁湖路12号的路灯坏了一个星期，晚上很黑，请尽快修理。")
        assert tab(page) == "id_citizen_name"
        page.keyboard.type("李先生")
        assert tab(page) == "id_citizen_phone"
        expect(page.locator("#id_citizen_phone")).to_have_value("13900002222")  # from the call
        assert tab(page) == "id_township"
        page.keyboard.type("郢中")
        assert tab(page) == "id_address"
        page.keyboard.type("莫愁湖路12号")
        # Shift+Tab goes back the same way.
        assert tab(page, shift=True) == "id_township"
        page.keyboard.press("Alt+s")
        number = page.locator("#saved-number")
        expect(number).to_have_text(re.compile(r"^\d{13}$"))
        expect(page.locator("#intake-saved")).to_contain_text("已登记，转派单流转")
        audit.check(page, "话务台, saved")
        case = Case.objects.get(number=number.inner_text())
        assert (case.kind, case.citizen_name, case.state) == (Kind.HELP, "李先生", State.REGISTERED)

        # An error is announced and tied to its field; the focus is not lost.
        telephony("answered", "call-k2", "13812345678")
        expect(page.locator("#call-caller")).to_have_text("13812345678")
        page.keyboard.press("Alt+n")
        page.keyboard.type("太短")
        page.keyboard.press("Alt+s")
        expect(page.locator("#intake-error")).to_be_visible()
        content = page.locator("#id_content")
        expect(content).to_have_attribute("aria-invalid", "true")
        expect(content).to_have_attribute("aria-describedby", re.compile("id_content_error"))
        audit.check(page, "话务台, with a mistake")
    finally:
        close_settled(context)
    audit.assert_clean()

"""莫愁政务大厅 in the browser: a citizen books a slot on the phone (from the matter's 办事 page),
checks in at the kiosk with the code and the phone's last four digits and gets a ticket called
first; the window clerk calls it, and the hall's screen shows the number and the window; the
clerk starts and finishes it, and the citizen's page says the appointment was checked in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from affairs import catalogue
from affairs.models import MatterKind
from hall.models import Queue, Slot, Ticket, Window
from org.models import Unit, UnitKind
from tests.browser.desks import Desk
from tests.factories import make_user
from worktime.calendar import is_workday, next_workday

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def working_morning(journey_city: Any) -> Iterator[None]:
    """10:00 of a working day, today's or the next: the hall books working days only and a slot
    must end the same day, so the journey runs whenever CI does (it was skipped on weekends and
    after 23:00). Forward in time only, after the city was built; the clock ticks on."""
    day = timezone.localdate()
    if timezone.localtime().hour >= 10 or not is_workday(day):
        day = next_workday(day)
    with time_machine.travel(
        datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone()), tick=True
    ):
        yield


def _slot_now(queue: Queue) -> Slot:
    """A slot around the present moment (check-in opens 30 minutes before a slot, closes at its end)."""
    now = timezone.localtime()
    start = max(now - timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(now + timedelta(minutes=50), now.replace(hour=23, minute=59, second=0, microsecond=0))
    return Slot.objects.create(
        queue=queue, start=start.time().replace(microsecond=0), end=end.time(), capacity=4
    )


def test_book_on_the_phone_check_in_call_and_serve(
    journey_city: Any, working_morning: None, phone: Callable[[], Page], desk: Callable[[str], Desk]
) -> None:
    city = journey_city
    office = Unit.objects.create(
        code="D-ZSJ", name="钟祥市政务服务和大数据管理局", short_name="市政数局", kind=UnitKind.DEPARTMENT
    )
    make_user("zsj_clerk", Role.CLERK, office, display_name="綦综窗")
    values = {
        "name": "住房公积金提取（购房）", "category": "fund", "department": city.housing,
        "kind": MatterKind.PROMISED, "statutory_days": 3, "promised_days": 1,
        "materials": catalogue.parse_materials("身份证｜原件｜1"), "steps": catalogue.DEFAULT_STEPS,
        "fee": "不收费", "online": True, "at_window": True, "visits": 1, "how": "窗口办理",
        "location": "市民之家", "legal_basis": "《住房公积金管理条例》", "guide": None,
    }  # fmt: skip
    catalogue.import_matter(actor=None, code="ZJJ-GJJ-01", values=values)
    queue = Queue.objects.create(letter="A", name="综合受理", is_default=True)
    _slot_now(queue)
    Window.objects.create(number="01", name="综合窗口", comprehensive=True)

    # The citizen, on the phone: from the matter's 办事 page to the hall's booking.
    page = phone()
    page.set_default_timeout(20_000)  # the first visits compile the templates on a loaded machine
    page.goto("/affairs/guide/ZJJ-GJJ-01/")
    page.locator("#book-link").tap()
    expect(page.locator("h1")).to_have_text("预约：住房公积金提取（购房）")
    page.locator("#book-form input[name=slot]").first.check()
    page.locator("#name").fill("王芳")
    page.locator("#phone").fill("13911112222")
    page.locator("#btn-book").tap()
    page.wait_for_url(re.compile(r"/hall/my/[\w-]+/$"))
    mine = page.url
    expect(page.locator("#appointment-status")).to_have_text("已预约")
    code = page.locator("#appointment-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert "139****2222" in page.content()  # the phone is masked on the citizen's own page

    # The kiosk: check in with the code and the last four digits; the slip says 预约.
    kiosk = phone()
    kiosk.set_default_timeout(20_000)
    kiosk.goto("/hall/kiosk/")
    kiosk.locator("#kiosk-checkin input[name=code]").fill(code)
    kiosk.locator("#kiosk-checkin input[name=last4]").fill("2222")
    kiosk.locator("#btn-checkin").tap()
    kiosk.wait_for_url(re.compile(r"/hall/kiosk/t/\d+/$"))
    number = kiosk.locator("#ticket-number").inner_text().strip()
    assert number == "A001"
    expect(kiosk.locator("#ticket-matter")).to_contain_text("（预约）")
    expect(kiosk.locator("#ticket-ahead")).to_contain_text("前面还有 0 人等候")

    # The window clerk calls it; the screen shows the number and the window.
    clerk = desk("zsj_clerk")
    clerk.context.set_default_timeout(20_000)
    window = clerk.page
    window.goto("/hall/w/01/")
    window.locator("#btn-call").click()
    expect(window.locator("#current-number")).to_have_text(number)
    screen = phone()
    screen.set_default_timeout(20_000)
    screen.goto("/hall/screen/")
    expect(screen.locator("#screen-latest")).to_contain_text(number)
    expect(screen.locator("#screen-latest")).to_contain_text("01")
    expect(screen.locator("#screen-windows")).to_contain_text(number)

    # The clerk starts and finishes it; the window is free again.
    window.locator("#btn-start").click()
    expect(window.locator("#current")).to_contain_text("办理中")
    window.locator("#btn-finish").click()
    expect(window.locator("#btn-call")).to_be_visible()
    expect(window.locator("#current")).to_contain_text("今日本窗口已办 1 件")
    ticket = Ticket.objects.get(number=number)
    assert ticket.state == "done"
    assert isinstance(ticket.taken_at, datetime)

    # The citizen's page: checked in; the screen no longer shows it at the window.
    page.goto(mine)
    expect(page.locator("#appointment-status")).to_have_text("已签到取号")
    screen.goto("/hall/screen/")
    expect(screen.locator("#screen-windows")).not_to_contain_text(number)

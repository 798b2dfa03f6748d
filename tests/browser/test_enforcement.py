"""城乡控违 on a phone and at the office: a 网格员 records a new violation with photos, the office
confirms it, the deadline passes, a 强拆 is recorded, a different user re-inspects and 销号; a 12345
report turned into a violation, and the citizen's answer drafted from its outcome."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from accounts.models import Role
from cases import services as case_services
from cases.models import Category, Reply
from org.models import Unit, UnitKind
from tests.browser.conftest import fits_the_screen
from tests.factories import PASSWORD, City, make_case, make_user

pytestmark = pytest.mark.browser


def _png() -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (150, 110, 70)).save(out, format="PNG")
    return FilePayload(name="site.png", mimeType="image/png", buffer=out.getvalue())


def _login(page: Page, username: str) -> Page:
    page.set_default_timeout(20_000)  # the shared 2-core machine is slow to serve a first page
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    # Each role lands on its home: a queue, or a unit leader's overview (dashboard.homes).
    page.wait_for_url(re.compile(r"/(cases/queue/\w+|dashboard)/$"))
    return page


def _act(page: Page, action: str, label: str, fields: dict[str, str], photo: bool = False) -> None:
    form = page.locator(f"#action-{action}")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    if photo:
        form.locator("[name=photos]").set_input_files([_png()])
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"已{label}")


def test_a_violation_from_patrol_to_sign_off_and_a_12345_answer(
    journey_city: City, phone: Callable[[], Page]
) -> None:
    office = Unit.objects.create(
        code="D-KWB", name="钟祥市城乡违法建设治理办公室", short_name="市控违办", kind=UnitKind.DEPARTMENT
    )
    make_user("kwb_clerk", Role.CLERK, office, display_name="控违承办")
    make_user("kwb_leader", Role.UNIT_LEADER, office, display_name="控违主任")
    make_user("yzjd_clerk", Role.CLERK, journey_city.township, display_name="郢中网格员")
    make_user("yzjd_leader", Role.UNIT_LEADER, journey_city.township, display_name="郢中主任")

    town = _login(phone(), "yzjd_clerk")
    town.goto("/enforcement/patrols/")
    town.locator("#id_area").fill("莫愁湖社区二组")
    town.locator("#btn-found").click()
    town.wait_for_url(re.compile(r"/enforcement/new/\?patrol=\d+$"))
    town.locator("#id_address").fill("郢中街道莫愁湖社区二组17号屋后")
    town.locator("#id_lat").fill("31.1675")
    town.locator("#id_lng").fill("112.5880")
    town.locator("#id_area").fill("86.5")
    town.locator("#id_description").fill("耕地上新建砖混结构房屋，正在砌墙")
    town.locator("#id_owner_name").fill("张三丰")
    town.locator("#id_photos").set_input_files([_png(), _png()])
    assert fits_the_screen(town)
    town.locator("#report-submit").click()
    town.wait_for_url(re.compile(r"/enforcement/v/WJ\d{4}-\d+/$"))
    url = town.url
    expect(town.locator("#violation-status")).to_contain_text("待核查")
    expect(town.locator("#btn-confirm")).to_have_count(0)  # the township does not judge its own

    desk = _login(phone(), "kwb_clerk")
    desk.goto(url)
    _act(desk, "confirm", "认定违建", {"note": "现场核查属实"})
    # The map of open violations draws offline (ECharts served locally, no tiles).
    desk.goto("/enforcement/map/")
    expect(desk.locator("#map-summary")).to_contain_text("未销号违建共1件")
    expect(desk.locator("#violation-map svg")).to_have_count(1)
    desk.locator("#map-table-toggle").click()
    expect(desk.locator("#map-table a")).to_have_count(1)
    town.goto(url)
    _act(town, "stop", "制止/责令停止建设", {"note": "当场制止"})
    _act(town, "order", "限期自拆", {"days": "1"})
    expect(town.locator("#print-demolish")).to_be_visible()

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=True):
        leader = _login(phone(), "yzjd_leader")
        leader.goto(url)
        expect(leader.locator("#violation-deadline")).to_contain_text("已逾期")
        # 行政强制法 §44: a 公告 gives the owner a last period before any 强拆.
        expect(leader.locator("#action-force_demolish")).to_have_count(0)
        _act(leader, "announce", "强制拆除公告", {"note": "逾期未拆，公告限期自行拆除"})
        expect(leader.locator("#print-announce")).to_be_visible()
        expect(leader.locator("#action-force_demolish")).to_have_count(0)  # the period is running

    # 强拆 only once the owner's 复议 (60 days) and 诉讼 (6 months) periods from the decision's
    # service have run out (行政强制法 §44; enforcement.config): some seven months on.
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=True):
        leader = _login(phone(), "yzjd_leader")  # months later, a new session
        leader.goto(url)
        _act(leader, "force_demolish", "组织强拆", {"note": "公告期满仍未拆除，组织强拆"}, photo=True)
        leader.goto(url)
        expect(leader.locator("#btn-reinspect")).to_have_count(0)  # the demolisher does not re-inspect
        desk = _login(phone(), "kwb_clerk")  # a new day, a new session
        desk.goto(url)
        _act(desk, "reinspect", "复核通过", {"note": "现场已拆除到位"}, photo=True)
        head = _login(phone(), "kwb_leader")
        head.goto(url)
        _act(head, "sign_off", "销号", {})
        expect(head.locator("#violation-status")).to_contain_text("已销号")
        expect(head.locator("#violation-photos img")).to_have_count(4)

    town = _login(phone(), "yzjd_clerk")
    desk = _login(phone(), "kwb_clerk")
    for landed in (town, desk):
        # The home's htmx loads (the queue counts) done before this thread writes: the in-memory
        # SQLite of the test locks a table one of them is reading ("database table is locked").
        landed.wait_for_load_state("networkidle")
    # A 12345 report about 违建, dispatched to the township, turned into a violation.
    top = journey_city.category.parent.parent  # type: ignore[union-attr]
    mid = Category.objects.create(name="城乡规划", level=2, path="城乡建设/城乡规划", parent=top)
    leaf = Category.objects.create(name="违章建筑", level=3, path="城乡建设/城乡规划/违章建筑", parent=mid)
    case = make_case(
        journey_city,
        category=leaf,
        title="邻居在耕地上建房",
        content="郢中街道莫愁湖社区三组有人在耕地上建房，请查处。",
    )
    case_services.dispatch(case, actor=journey_city.users["dispatcher"], lead_unit=journey_city.township)
    case_services.accept(
        case, actor=Unit.objects.get(pk=journey_city.township.pk).staff.get(username="yzjd_clerk")
    )
    # The case page offers the conversion to the township that holds the case (cases.hooks).
    town.goto(f"/cases/{case.number}/")
    town.locator("#btn-convert-violation").click()
    town.wait_for_url(re.compile(rf"/enforcement/cases/{case.number}/$"))
    town.locator("#id_area").fill("40")
    town.locator("#report-submit").click()
    town.wait_for_url(re.compile(r"/enforcement/v/WJ\d{4}-\d+/$"))
    expect(town.locator("#violation-case")).to_have_text(case.number)
    desk.goto(town.url)
    desk.locator("#action-dismiss").get_by_label("合法建设").check()
    _act(desk, "dismiss", "核查不属实/合法", {"note": "已取得乡村建设规划许可证"})
    town.goto(town.url)
    town.locator("#btn-answer").click()
    town.wait_for_url(re.compile(rf"/cases/{case.number}/$"))
    reply = Reply.objects.get(case=case)
    assert "合法建设" in reply.body
    # The case page shows the linked violation's state and outcome beside the drafted answer.
    expect(town.locator("#case-violation-state")).to_have_text("不属实/合法")
    expect(town.locator("#case-violation-outcome")).to_contain_text("合法建设")

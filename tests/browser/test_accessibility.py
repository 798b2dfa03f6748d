"""Accessibility of every page the journeys visit, checked with axe-core (WCAG 2.1 A/AA) — on the
citizen pages in 标准版 and 长辈版 at phone and desktop size, on the staff pages at both sizes —
and 长辈版's own promises: one switch on every citizen page, remembered in a cookie, body text of at
least 18 px, touch targets of at least 44 × 44 px, 12345 to call on every page.

One browser context per size and mode, one axe run per page in it (tests/browser/axe.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cases import services
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from portal.links import rating_path
from tests.browser.axe import Audit
from tests.browser.desks import close_settled
from tests.browser.test_enterprise_appeal import make_enterprise
from tests.factories import make_case, replied_case

pytestmark = pytest.mark.browser

SIZES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
MODES = ("standard", "elder")
TEXT = "莫愁湖路12号门口的人行道塌了一个大坑，下雨积水，晚上已经有人摔倒了，请尽快修复。"

# What 长辈版 promises, measured in the page: the body's computed size, and every visible control
# (for a checkbox or radio: its label, the target a finger meets) at least 44 × 44 CSS pixels.
ELDER_MEASURE = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary');
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('.hp')) continue;
    if (el.classList.contains('skip-link')) continue;  // shown only while focused
    let target = box;
    if (el.type === 'checkbox' || el.type === 'radio' || el.type === 'file') {
      target = (el.closest('label') || el).getBoundingClientRect();
      if (el.type === 'file') target = box;
    }
    if (target.width < 44 || target.height < 44) {
      const name = (el.textContent || el.name || '').trim().slice(0, 12);
      const size = `${Math.round(target.width)}×${Math.round(target.height)}`;
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}" ${size}`);
    }
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), small};
}"""


@dataclass
class Walk:
    """One size and mode: a context of its own, the audit, and the pages' shared promises."""

    size: str
    mode: str
    context: BrowserContext
    page: Page
    audit: Audit

    def check(self, what: str) -> None:
        page = self.page
        where = f"{self.size}/{self.mode} {what} ({page.url.split('//', 1)[1].split('/', 1)[1]})"
        # Every citizen page: the switch and the number to call.
        expect(page.locator("#elder-switch")).to_be_visible()
        expect(page.locator("#call-12345")).to_have_attribute("href", "tel:12345")
        expect(page.locator("html")).to_have_class(
            re.compile("elder") if self.mode == "elder" else re.compile("^$")
        )
        if self.mode == "elder":
            measured = page.evaluate(ELDER_MEASURE)
            assert measured["body"] >= 18, (where, measured["body"])
            assert not measured["small"], (where, measured["small"])
        self.audit.check(page, where)


def new_context(browser: Browser, live_server: Any, size: str) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **SIZES[size]
    )
    context.set_default_timeout(5_000)
    return context


@pytest.fixture
def walks(browser: Browser, live_server: Any) -> Iterator[list[Walk]]:
    audit = Audit()
    made: list[Walk] = []
    for size in SIZES:
        for mode in MODES:
            context = new_context(browser, live_server, size)
            made.append(Walk(size, mode, context, context.new_page(), audit))
    yield made
    for walk in made:
        close_settled(walk.context)


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any, tmp_path: Any) -> None:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def test_every_citizen_page_passes_axe_in_both_modes_at_both_sizes(
    journey_city: Any, walks: list[Walk], live_server: Any, settings: Any, caplog: Any
) -> None:
    city = journey_city
    settings.MOCHOU_PUBLIC_URL = live_server.url
    knowledge = pytest.importorskip("knowledge.services")
    guide, _ = knowledge.import_guide(
        slug="social-card",
        data={
            "title": "社保卡丢失补办",
            "body": "社保卡丢失后，请先挂失，再到人社局窗口或合作银行网点补办。",
            "documents": "居民身份证\n近期免冠照片",
            "location": "钟祥市政务服务中心一楼",
            "hours": "工作日 8:30-12:00，14:00-17:30",
            "phone": "0724-4222222",
            "unit": city.housing,
        },
    )
    firm: Enterprise = make_enterprise(
        city, 7, "钟祥市莫愁农产品加工有限公司", liaison=None, mobile="13772400107"
    )
    token = enterprise_services.issue_access_link(firm.contacts.get(), actor=city.users["dispatcher"])

    for n, walk in enumerate(walks):
        page = walk.page
        mobile = f"137123400{n:02d}"
        answered = replied_case(city, citizen_phone=f"139000000{n:02d}")

        page.goto("/m/")
        if walk.mode == "elder":
            # The one switch, at the top: pressed once, remembered by the next page.
            page.locator("#elder-switch").click()
            expect(page.locator("html")).to_have_class("elder")
            expect(page.locator("#elder-switch")).to_have_text("返回标准版")
            assert any(c["name"] == "mochou_elder" and c["value"] == "1" for c in walk.context.cookies())
            page.reload()
        walk.check("我要反映")

        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.locator("#page-error")).to_be_visible()
        expect(page.locator("#id_kind")).to_be_focused()  # the first field in error
        expect(page.locator("#id_content")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_content")).to_have_attribute(
            "aria-describedby", re.compile("id_content_error")
        )
        walk.check("我要反映, with mistakes")

        page.locator("#id_kind").select_option(label="投诉")
        page.locator("#id_content").fill(TEXT)
        page.locator("#id_township").select_option(label="郢中街道")
        page.locator("#id_address").fill("郢中街道莫愁湖路12号")
        page.locator("#id_name").fill("刘先生")
        page.locator("#id_mobile").fill(mobile)
        page.locator("#id_consent").check()
        page.get_by_role("button", name="提交", exact=True).click()
        page.wait_for_url(re.compile(r"/m/done/$"))
        walk.check("提交成功")

        page.locator("#progress-link").click()
        page.wait_for_url(re.compile(r"/m/case/\d+/$"))
        walk.check("办理进度")

        page.goto("/m/track/")
        walk.check("查询进度")
        page.locator("#id_number").fill(answered.number)
        page.locator("#id_mobile").fill("13700000000")
        page.get_by_role("button", name="查询", exact=True).click()
        expect(page.locator("#page-error")).to_be_visible()
        walk.check("查询进度, refused")

        page.goto("/m/privacy/")
        walk.check("个人信息保护告知")

        # The SMS link: the answer and the rating form; sent empty first, then rated.
        page.goto(rating_path(answered))
        page.wait_for_url(re.compile(rf"/m/case/{answered.number}/$"))
        expect(page.locator("#rating-form")).to_be_visible()
        walk.check("答复与评价")
        page.get_by_role("button", name="提交评价", exact=True).click()
        walk.check("答复与评价, with mistakes")
        page.get_by_label("是", exact=True).check()
        page.get_by_label("满意", exact=True).check()
        page.get_by_role("button", name="提交评价", exact=True).click()
        expect(page.locator("#rated")).to_be_visible()
        walk.check("评价之后")

        page.goto("/m/r/not-a-token/")
        walk.check("链接失效")

        page.goto("/knowledge/public/")
        walk.check("办事指南")
        page.get_by_role("searchbox", name="搜索办事指南").fill("社保卡丢了")
        page.get_by_role("button", name="搜索", exact=True).click()
        expect(page.locator("#public-hits")).to_be_visible()
        walk.check("办事指南, search")
        page.locator(f'#public-hits .kb-hit[data-guide="{guide.pk}"] a').click()
        expect(page.locator("#guide-title")).to_have_text("社保卡丢失补办")
        walk.check("办事指南, a guide")

        page.goto(f"/enterprises/e/{token}/")
        walk.check("企业诉求")
        page.locator("#id_title").fill("园区道路夜间照明不足")
        page.locator("#id_content").fill("路灯坏了")
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.locator("#form-error")).to_be_visible()
        walk.check("企业诉求, with mistakes")
        page.goto("/enterprises/e/AAAAAAAAAAAAAAAAAAAAAAAA/")
        walk.check("企业链接不可用")

    walks[0].audit.assert_clean()
    assert len(walks[0].audit.pages) == 4 * 17


STAFF_PAGES = (
    # (who, what, path) — the pages the staff journeys go through.
    ("agent", "登录", "/accounts/login/"),
    ("agent", "话务台", "/console/"),
    ("dispatcher", "待派单", "/cases/queue/to_dispatch/"),
    ("dispatcher", "工单 (派单员)", "/cases/{number}/"),
    ("clerk", "待签收", "/cases/queue/to_accept/"),
    ("clerk", "工单 (承办人)", "/cases/{number}/"),
    ("unit_leader", "待审核", "/cases/queue/to_approve/"),
    ("agent", "待回访", "/cases/queue/to_callback/"),
    ("agent", "莫愁指南", "/knowledge/"),
    ("agent", "通知", "/notifications/"),
)


def test_the_staff_pages_the_journeys_visit_pass_axe(
    journey_city: Any, browser: Browser, live_server: Any
) -> None:
    from tests.browser.desks import Desk

    city = journey_city
    case = make_case(city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    audit = Audit()
    for size in SIZES:
        desks: dict[str, Desk] = {}
        for who, what, path in STAFF_PAGES:
            if path == "/accounts/login/":
                context = new_context(browser, live_server, size)
                page = context.new_page()
                page.goto(path)
                audit.check(page, f"{size} {what}")
                close_settled(context)
                continue
            if who not in desks:
                desks[who] = Desk(new_context(browser, live_server, size), who).login()
            page = desks[who].page
            page.goto(path.format(number=case.number))
            audit.check(page, f"{size} {what} ({who})")
        for each in desks.values():
            close_settled(each.context)
    audit.assert_clean()


@pytest.mark.skipif(
    not os.environ.get("MOCHOU_SCREENSHOTS"), reason="MOCHOU_SCREENSHOTS=docs/images to take them"
)
def test_screenshots_of_the_phone_page(journey_city: Any, browser: Browser, live_server: Any) -> None:
    """Not a check: `MOCHOU_SCREENSHOTS=docs/images pytest -m browser -k screenshots` writes the
    phone page in both modes (docs/portal.md shows them)."""
    folder = Path(os.environ["MOCHOU_SCREENSHOTS"])
    for mode in MODES:
        context = new_context(browser, live_server, "phone")
        if mode == "elder":
            context.add_cookies([{"name": "mochou_elder", "value": "1", "url": live_server.url}])
        page = context.new_page()
        page.goto("/m/")
        page.screenshot(path=str(folder / f"portal-{mode}.png"), full_page=True)
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.locator("#page-error")).to_be_visible()
        page.screenshot(path=str(folder / f"portal-{mode}-errors.png"))
        close_settled(context)

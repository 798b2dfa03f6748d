"""Registering a duplicate in a real browser (issue 10): the warning appears while the request is
typed, and the dispatcher merges the new case into the open one with one click. Also the
dispatch form's pickers, by keyboard: the category tree searched and the co-unit chips."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.desks import Desk
from tests.factories import City, make_case
from triage import dupindex

pytestmark = pytest.mark.browser

OpenDesk = Callable[[str], Desk]
DRAIN = "小区门口的下水道堵塞了，污水漫到路面上，已经三天没人来处理"


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    dupindex.reset()
    yield
    dupindex.reset()


def test_registering_a_duplicate_shows_the_warning_and_it_is_merged(
    journey_city: City, desk: OpenDesk
) -> None:
    earlier = make_case(journey_city, title="小区门口下水道堵塞", content=DRAIN)
    dispatcher = desk("dispatcher")
    page = dispatcher.page
    page.goto("/cases/new/")
    expect(page.locator("#duplicates-found")).to_have_count(0)
    page.locator("#id_title").fill("下水道堵塞")
    page.locator("#id_content").fill("小区门口下水道堵了，污水漫到路上三天了没人处理")
    warning = page.locator("#duplicates-found")
    expect(warning).to_be_visible()
    row = warning.locator(f'tr.duplicate[data-number="{earlier.number}"]')
    expect(row).to_contain_text("小区门口下水道堵塞")
    expect(row).to_contain_text(earlier.get_state_display())
    row.get_by_role("button", name="登记并合并到此工单").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator("#case-state")).to_have_text("已合并")
    expect(page.locator("#parent-case")).to_contain_text(earlier.number)
    expect(page.locator(".messages")).to_contain_text(f"已合并到工单 {earlier.number}")


def test_dispatching_with_the_category_tree_and_co_unit_chips_by_keyboard(
    journey_city: City, desk: OpenDesk
) -> None:
    case = make_case(journey_city, category=None)
    dispatcher = desk("dispatcher")
    page = dispatcher.page
    page.goto(f"/cases/{case.number}/")
    form = dispatcher.form("dispatch")
    # The tree: search, then choose the leaf by keyboard (a radio: Space).
    form.locator("#id_dispatch_category").fill("市政")
    leaf = form.get_by_label("城乡建设 › 城市建设和市政管理 › 市政设施")
    expect(leaf).to_be_visible()
    leaf.focus()
    page.keyboard.press("Space")
    expect(form.locator(".category-chosen-label")).to_have_text("城乡建设 › 城市建设和市政管理 › 市政设施")
    # Opening a branch loads its children once.
    form.locator("#id_dispatch_category").fill("")
    expect(form.locator("summary", has_text="城乡建设")).to_be_visible()
    # Chips: add two co-units from the drop-down, remove one with its button.
    adder = form.locator("#id_dispatch_co_units")
    adder.select_option(label="钟祥市教育局")
    adder.select_option(label="郢中街道")
    chips = form.locator(".chip")
    expect(chips).to_have_count(2)
    form.get_by_role("button", name="移除协办单位郢中街道").press("Enter")
    expect(chips).to_have_count(1)
    expect(adder).to_be_focused()
    form.locator("#id_dispatch_lead_unit").select_option(label="钟祥市住房和城乡建设局")
    dispatcher.act("dispatch", "派单")
    dispatcher.expect_state("待签收")
    expect(page.locator("#case-handling")).to_contain_text("钟祥市教育局")
    expect(page.locator("#case-request")).to_contain_text("城乡建设/城市建设和市政管理/市政设施")

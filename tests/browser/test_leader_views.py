"""A 市领导 and a unit's leader at their homes and the dashboard: the figures, the filters
(numbers and summaries follow the URL), a chart switched to its table, and both exports
downloaded and opened with openpyxl."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from cases import services
from org.models import Unit, UnitKind
from stats.export import LEDGER_HEADERS
from tests.factories import make_case

pytestmark = pytest.mark.browser


def world(city: Any) -> dict[str, Any]:
    """Today: three cases in 郢中街道 (two dispatched to 市住建局, one of them accepted), one in 胡集镇."""
    huji = Unit.objects.create(
        code="420881104", name="胡集镇", kind=UnitKind.TOWNSHIP, division_code="420881104000"
    )
    dispatcher, clerk = city.users["dispatcher"], city.users["clerk"]
    accepted = services.dispatch(make_case(city), actor=dispatcher, lead_unit=city.housing)
    services.accept(accepted, actor=clerk)
    services.dispatch(make_case(city, title="路灯不亮"), actor=dispatcher, lead_unit=city.housing)
    make_case(city, title="噪音扰民")
    make_case(city, title="垃圾未清运", township=huji)
    return {"huji": huji, "accepted": accepted}


def download(page: Page, link: str) -> Any:
    with page.expect_download() as info:
        page.locator(link).click()
    path = info.value.path()
    with open(path, "rb") as f:
        return load_workbook(io.BytesIO(f.read()))


def check_ledger(book: Any, number: str) -> None:
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "受理编号")
    assert tuple(rows[header][: len(LEDGER_HEADERS)]) == LEDGER_HEADERS
    numbers = [r[0] for r in rows[header + 1 :]]
    assert number in numbers
    row = rows[header + 1 + numbers.index(number)]
    assert row[LEDGER_HEADERS.index("签收情况")] == "按时签收"


def check_report(book: Any) -> None:
    assert book.sheetnames[:2] == ["三率及各项指标", "评分排名"]
    sheet = book["三率及各项指标"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("钟祥市12345热线")
    assert rows[1][:3] == ["单位", "单位类别", "响应率"]
    assert "市住建局" in {r[0] for r in rows[2:]} or "钟祥市住房和城乡建设局" in {r[0] for r in rows[2:]}


def test_a_city_leader_at_home_and_on_the_dashboard(journey_city: Any, desk: Any) -> None:
    city = journey_city
    known = world(city)
    leader = desk("leader")
    page = leader.page
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator(".volume-count").first).to_have_text("4")  # today
    expect(page.locator("#home-overdue")).to_be_visible()
    expect(page.locator("#best-worst")).to_contain_text("单位考核")

    page.locator("#dashboard-link").click()
    page.wait_for_url(re.compile(r"/dashboard/charts/"))
    summary = page.locator("#summary-volume")
    expect(summary).to_contain_text("受理 4 件")
    expect(page.locator("#chart-volume svg")).to_have_count(1)  # ECharts drew it (CSP: no inline code)
    expect(page.locator("#grid-townships .tile")).to_have_count(2)
    expect(page.locator("#chart-volume")).to_have_attribute("aria-label", re.compile("受理 4 件"))

    # A filter narrows every chart: the URL says so, the numbers and the sentence follow.
    page.locator("#f-township").select_option(label="胡集镇")
    page.locator("#dashboard-filter-button").click()
    page.wait_for_url(re.compile(rf"township={known['huji'].pk}"))
    expect(page.locator("#summary-volume")).to_contain_text("受理 1 件")
    expect(page.locator("#summary-townships")).to_contain_text("最多的是胡集镇（1 件）")

    # The table view of a chart.
    table = page.locator("#table-categories")
    expect(table).to_be_hidden()
    page.locator("#toggle-categories").click()
    expect(table).to_be_visible()
    expect(table).to_contain_text("城乡建设")
    expect(page.locator("#toggle-categories")).to_have_attribute("aria-expanded", "true")

    # Projector mode keeps the filter.
    page.locator("#projector-link").click()
    expect(page.locator("main.projector")).to_have_count(1)
    expect(page.locator("#summary-volume")).to_contain_text("受理 1 件")

    page.goto("/dashboard/")
    check_ledger(download(page, "#ledger-xlsx-link"), known["accepted"].number)
    check_report(download(page, "#report-xlsx-link"))


def test_a_unit_leader_at_the_units_overview_and_on_the_dashboard(journey_city: Any, desk: Any) -> None:
    city = journey_city
    known = world(city)
    unit_leader = desk("unit_leader")
    page = unit_leader.page
    page.locator("#leader-home-link").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h1")).to_contain_text("本单位概览")
    expect(page.locator(".volume-count").first).to_have_text("2")  # the unit's two cases today
    expect(page.locator("#against-city")).to_contain_text("全市")

    page.locator("#dashboard-link").click()
    page.wait_for_url(re.compile(r"/dashboard/charts/"))
    expect(page.locator("#summary-volume")).to_contain_text("受理 2 件")
    # Held to its own unit: the unit picker offers nothing else.
    expect(page.locator("#f-unit option")).to_have_count(1)
    page.locator("#f-bucket").select_option("week")
    page.locator("#dashboard-filter-button").click()
    page.wait_for_url(re.compile(r"bucket=week"))
    expect(page.locator("#table-volume thead")).to_contain_text("周")
    page.locator("#toggle-volume").click()
    expect(page.locator("#table-volume")).to_be_visible()

    check_ledger(download(page, "#ledger-xlsx-link"), known["accepted"].number)
    check_report(download(page, "#report-xlsx-link"))

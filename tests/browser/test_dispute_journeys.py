"""退单 and 派单异议审核 in a real browser (issue 10): the upheld ruling. (The rejected one is part of
test_case_journeys.py: the case goes back to 住建局 with the ruling shown to its clerk.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desks import Desk
from tests.factories import City, dispatched_case

pytestmark = pytest.mark.browser

HOUSING = "钟祥市住房和城乡建设局"
TOWNSHIP = "郢中街道"

OpenDesk = Callable[[str], Desk]


def test_an_upheld_return_is_dispatched_elsewhere_without_the_returning_unit(
    journey_city: City, desk: OpenDesk
) -> None:
    case = dispatched_case(journey_city)
    number = case.number

    # 承办人 returns it: the road is the township's, and says so.
    clerk = desk("clerk")
    clerk.open_case_from_queue("to_accept", number)
    form = clerk.form("return")
    form.locator("#id_return_reason_kind").select_option(label="不在本单位管辖区域")
    form.locator("#id_return_reason").fill("该小区道路排水由郢中街道负责管护")
    form.locator("#id_return_suggested_unit").select_option(label=TOWNSHIP)
    with clerk.page.expect_response(lambda r: r.url.endswith("/act/return/")) as answer:
        form.get_by_role("button", name="退单", exact=True).click()
    assert answer.value.status == 204
    clerk.page.wait_for_url(re.compile(r"/cases/queue/\w+/$"))

    # 派单员: the return waits in 派单异议审核 (not in 待派单), with who, why and whom they named.
    dispatcher = desk("dispatcher")
    dispatcher.open_queue("to_dispatch")
    expect(dispatcher.row(number)).to_have_count(0)
    dispatcher.open_queue("disputes")
    row = dispatcher.row(number)
    expect(row).to_contain_text("不在本单位管辖区域")
    expect(row).to_contain_text(f"建议由{TOWNSHIP}承办")
    dispatcher.open_case_from_queue("disputes", number)
    expect(dispatcher.page.locator("#case-disputes")).to_contain_text("等待审核")
    expect(dispatcher.form("dispatch")).to_have_count(0)  # no dispatch before the ruling

    ruling = dispatcher.form("rule_dispute")
    ruling.get_by_label("异议成立，另行派单").check()
    dispatcher.act("rule_dispute", "派单异议审核", decided_unit=TOWNSHIP, note="经核实属郢中街道管护")
    dispatcher.expect_state("待派单")
    expect(dispatcher.page.locator("#case-disputes .dispute-ruling")).to_contain_text("异议成立")

    # The dispatch form neither lists nor pre-fills the returning unit; the ruled unit comes first.
    lead = dispatcher.form("dispatch").locator("#id_dispatch_lead_unit")
    expect(lead.locator("option", has_text=HOUSING)).to_have_count(0)
    expect(lead.locator("option:checked")).to_have_text(TOWNSHIP)
    expect(dispatcher.form("dispatch")).to_contain_text(f"不再派给：{HOUSING}")
    dispatcher.act("dispatch", "派单", note="请郢中街道办理")
    dispatcher.expect_state("待签收")
    expect(dispatcher.page.locator("#lead-unit")).to_have_text(TOWNSHIP)

    # 住建局 no longer has the case at all.
    clerk.open_queue("to_accept")
    expect(clerk.row(number)).to_have_count(0)

"""The dispatcher's queue in a real browser: sort by waiting time, save the filter and come back
to it, select a page of cases and dispatch twenty at once, a result line for each; the unit
then accepts them all at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseEvent
from cases.workflow import Action, State
from tests.browser.desks import Desk
from tests.factories import City, make_case

pytestmark = pytest.mark.browser
OpenDesk = Callable[[str], Desk]


def test_a_dispatcher_sorts_saves_a_filter_and_bulk_dispatches_twenty_cases(
    journey_city: City, desk: OpenDesk
) -> None:
    start = timezone.now() - timedelta(hours=30)
    numbers = []
    for i in range(20):  # the oldest first, a quarter of an hour apart
        with time_machine.travel(start + timedelta(minutes=15 * i), tick=False):
            numbers.append(make_case(journey_city, title=f"小区门口下水道堵塞（第{i + 1}件）").number)

    dispatcher = desk("dispatcher")
    page = dispatcher.open_queue("to_dispatch")
    rows = page.locator("#queue-table tr.case-row")
    expect(rows).to_have_count(20)
    assert rows.first.get_attribute("data-number") == numbers[-1]  # the queue's own order: newest first

    # Sort by waiting time: the longest wait first, and the other way round on a second click.
    page.locator("#sort-waiting").click()
    expect(page.locator("th[aria-sort=ascending] #sort-waiting")).to_be_visible()
    expect(rows.first).to_have_attribute("data-number", numbers[0])
    expect(page).to_have_url(re.compile(r"sort=waiting"))
    page.locator("#sort-waiting").click()
    expect(rows.first).to_have_attribute("data-number", numbers[-1])
    page.locator("#sort-waiting").click()
    expect(rows.first).to_have_attribute("data-number", numbers[0])
    expect(rows.first.locator("td.waiting")).to_contain_text("1天")

    # Narrow to the township, keep it as a saved filter, leave, and come back through it.
    page.locator("#id_township").select_option(label=journey_city.township.name)
    expect(page).to_have_url(re.compile(r"township=\d+"))  # the sort links already sent an empty one
    expect(rows.first).to_have_attribute("data-number", numbers[0])  # the order survives the filter
    page.reload()  # the saved form carries the filter in force, as a bookmark would
    page.locator("#save-filter-name").fill("郢中街道·久等")
    page.locator("#save-filter-button").click()
    expect(page.locator(".messages")).to_contain_text("已保存常用筛选“郢中街道·久等”")
    dispatcher.open_queue("all")
    page.get_by_role("link", name="郢中街道·久等", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cases/queue/to_dispatch/\?.*township=\d+.*sort=waiting"))
    expect(rows).to_have_count(20)
    expect(rows.first).to_have_attribute("data-number", numbers[0])
    expect(page.locator("#id_township")).to_have_value(str(journey_city.township.pk))

    # Select the whole page and dispatch it to one unit.
    page.locator("#bulk-all").check()
    expect(page.locator("#bulk-count")).to_have_text("已选 20 件")
    page.locator("#bulk-dispatch summary").click()
    page.locator("#bulk_lead_unit").select_option(label=journey_city.housing.name)
    with page.expect_response(lambda r: r.url.endswith("/cases/bulk/dispatch/")) as answer:
        page.locator("#bulk-dispatch-button").click()
    assert answer.value.status == 200
    results = page.locator("#bulk-results tr.bulk-row")
    expect(results).to_have_count(20)
    expect(page.locator("#bulk-results tr.bulk-row.done")).to_have_count(20)
    expect(page.locator("#bulk-done")).to_have_text("20")
    expect(results.first.locator(".bulk-message")).to_have_text("已派单：市住建局")
    expect(page.locator("#queue-table tr.case-row")).to_have_count(0)  # the queue reloaded, empty
    expect(page.locator("#queue-to_dispatch .count")).to_have_text("0")  # and so did the nav's counts
    page.screenshot(path="/tmp/bulk-dispatch.png", full_page=True)  # noqa: S108  (for a person to look at)

    cases = Case.objects.filter(number__in=numbers)
    assert {c.state for c in cases} == {State.DISPATCHED}
    assert CaseEvent.objects.filter(case__in=cases, action=Action.DISPATCH).count() == 20

    # The unit accepts them all at once.
    clerk = desk("clerk")
    clerk_page = clerk.open_queue("to_accept")
    expect(clerk_page.locator("#queue-table tr.case-row")).to_have_count(20)
    clerk_page.locator("#bulk-all").check()
    clerk_page.locator("#bulk-accept-button").click()
    expect(clerk_page.locator("#bulk-results tr.bulk-row.done")).to_have_count(20)
    assert {c.state for c in Case.objects.filter(number__in=numbers)} == {State.IN_PROGRESS}

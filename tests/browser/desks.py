"""A staff member at their browser: the few gestures the journeys repeat, in the pages' own terms."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import inflight
from tests.factories import PASSWORD


def close_settled(context: BrowserContext) -> None:
    """Close a context once its pages have no request in flight. A page closed while an htmx load
    (the queue counts a home fetches on load) is still at the live server leaves that request
    running into the test's teardown, whose flush then locks the in-memory SQLite table it reads
    ("database table is locked": a 500 logged in teardown, which fails the test)."""
    for page in context.pages:
        # A page that never settles (one polling every 2 s) is closed all the same.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_load_state("networkidle", timeout=10_000)
            # networkidle returns at once on a page that has been idle once: a later htmx request
            # (a poll, a click's swap) is seen by the class htmx puts on its element meanwhile.
            page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10_000)
    context.close()
    # A request the browser gave up on may still be running at the server: the test ends after it.
    inflight.wait_until_idle()


class Desk:
    def __init__(self, context: BrowserContext, username: str) -> None:
        self.context = context
        self.username = username
        self.page: Page = context.new_page()

    def __repr__(self) -> str:
        return f"<Desk {self.username} at {self.page.url}>"

    # ------------------------------------------------------------ login and queues

    def login(self) -> Desk:
        page = self.page
        answer = page.goto("/accounts/login/")
        # A session still alive would be sent on to its home, an error would show its own page:
        # say which, rather than time out on a missing field.
        status = answer.status if answer else None
        expect(page.locator("#id_username"), f"{self.username}: {page.url} (HTTP {status})").to_be_visible()
        page.locator("#id_username").fill(self.username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        # Every role lands on its home queue; a 市领导 on the leaders' home (dashboard.apps).
        page.wait_for_url(re.compile(r"/(cases/queue/\w+|dashboard)/$"))
        return self

    def settle(self) -> Desk:
        """Wait until the page has no request in flight: one that straddles a jump of the travelled
        clock would be answered in the new time and renew a session that should have ended."""
        self.page.wait_for_load_state("networkidle")
        return self

    def open_queue(self, slug: str) -> Page:
        """From the work bench, through the queue nav (so the nav itself is exercised)."""
        page = self.page
        page.goto("/")
        if page.locator("#queue-nav").count() == 0:
            # A unit leader's home is the unit's overview (dashboard.homes), led by a link to
            # their 待审核 queue: from there the nav is one click on.
            page.locator("#my-queue-link").click()
            page.wait_for_url(re.compile(r"/cases/queue/\w+/$"))
        page.locator(f"#queue-{slug}").click()
        page.wait_for_url(re.compile(rf"/cases/queue/{slug}/$"))
        expect(page.locator(f"#queue-{slug}")).to_have_attribute("aria-current", "page")
        return page

    def row(self, number: str) -> Locator:
        return self.page.locator(f'#queue-table tr.case-row[data-number="{number}"]')

    def open_case_from_queue(self, slug: str, number: str) -> Page:
        self.open_queue(slug)
        row = self.row(number)
        expect(row).to_be_visible()
        row.get_by_role("link", name=number, exact=True).click()
        self.page.wait_for_url(re.compile(rf"/cases/{number}/$"))
        return self.page

    # ------------------------------------------------------------ the case page

    def form(self, action: str) -> Locator:
        return self.page.locator(f"#action-{action}")

    def act(self, action: str, label: str, **fields: Any) -> None:
        """Fill the action's form (text → fill, select → by visible label) and press its button.

        Waits for the htmx POST and checks that the case body came back with "已<label>。".
        Radio buttons are left to the caller (check them by label before calling).
        """
        form = self.form(action)
        expect(form).to_be_visible()
        for name, value in fields.items():
            field = form.locator(f"#id_{action}_{name}")
            tag = field.evaluate("el => el.tagName.toLowerCase()")
            if tag == "select":
                field.select_option(label=value)
            else:
                field.fill(str(value))
        with self.page.expect_response(lambda r: r.url.endswith(f"/act/{action}/")) as answer:
            form.get_by_role("button", name=label, exact=True).click()
        response = answer.value
        assert response.status == 200, (action, response.status)
        expect(self.page.locator("#case-notice")).to_have_text(f"已{label}。")  # the swap is done
        expect(self.page.locator("#case-error")).to_have_count(0)

    def expect_state(self, label: str) -> None:
        expect(self.page.locator("#case-state")).to_have_text(label)

    def timeline(self) -> list[tuple[str, str]]:
        """(action label, note) of each step on the case page, in order."""
        events = self.page.locator("#case-timeline li.event")
        return [(event.locator(".what").inner_text().strip(), _note(event)) for event in events.all()]


def _note(event: Locator) -> str:
    note = event.locator(".note")
    return note.inner_text().strip() if note.count() else ""

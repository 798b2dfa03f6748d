"""Browser journeys: Debian's chromium, driven by Playwright's sync API, against pytest-django's
live_server (a real threaded WSGI server in this process, over the transactional test database).

Three things here are less obvious than they look:

* The sync API keeps an asyncio event loop "running" in the main thread from
  `sync_playwright().start()` until `stop()` (it lives in a greenlet, but asyncio's running-loop
  marker is per thread). Django then refuses every ORM call from that thread with
  SynchronousOnlyOperation — the test's own data setup and pytest-django's flush between tests.
  The calls are in fact synchronous, so the `browser` fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for
  exactly as long as Playwright runs and restores it afterwards.
* The browser is session-scoped, so once it is up the loop keeps "running" and the override stays
  set until the session ends. Browser tests are therefore moved to the end of the session
  (pytest_collection_modifyitems below): otherwise a unit test collected after them would run
  with Django's async-safety check switched off (hiding real mistakes) and beside a running loop
  (asyncio.run() would refuse to start).
* The browser is one per session; each user gets a fresh context (own cookies), see `desk`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import inflight
from tests.browser.desks import Desk, close_settled

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.factories import City

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last (stable order otherwise): see the module docstring."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser(live_server: object) -> Iterator[object]:
    """One headless chromium for the session. Depends on live_server so that the server (and its
    database connections) outlive the browser: teardown runs after Playwright's loop has stopped."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); never download a browser")
    from playwright.sync_api import sync_playwright

    inflight.install()  # close_settled waits for the live server's requests to end
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def desk(browser: object, live_server: object) -> Iterator[Callable[[str], Desk]]:
    """desk("clerk") → that user logged in, in a browser context of their own (one per user and test)."""
    desks: dict[str, Desk] = {}

    def open_desk(username: str) -> Desk:
        if username not in desks:
            context = browser.new_context(  # type: ignore[attr-defined]
                base_url=live_server.url,  # type: ignore[attr-defined]
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(5_000)
            desks[username] = Desk(context, username).login()
        return desks[username]

    yield open_desk
    for each in desks.values():
        close_settled(each.context)


@pytest.fixture
def journey_city(transactional_db: None) -> City:
    """The test city plus the working-day calendar of 2025, 2026 and the real current year (the
    live server computes deadlines in real time unless a test travels). Built through services."""
    from django.utils import timezone

    from tests.factories import make_city
    from worktime.seeding import add_weekend_year, known_years, seed_year

    this_year = timezone.localdate().year
    for year in sorted({2025, 2026, this_year, this_year + 1}):
        if year in known_years():
            seed_year(year)
        else:  # a year the holiday package does not know yet: weekends only, as an admin would
            add_weekend_year(year)
    return make_city()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Callable[[], Page]]:
    """A fresh phone each call (its own cookies, nobody logged in): 390×844, touch, as a citizen holds it."""
    contexts = []

    def open_phone() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        close_settled(context)


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

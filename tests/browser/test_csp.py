"""The main pages under the Content-Security-Policy (mochou.security) in a real browser: they load,
and the browser reports no refused script, style, image or frame.

With MOCHOU_SCREENSHOTS=<dir> the login page and the case page are also saved as PNG files there,
for a person to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mochou.images import clean_photo
from portal.photos import Photo, save_photo
from portal.tests import samples
from tests.browser.desks import Desk, close_settled
from tests.factories import City, dispatched_case

pytestmark = pytest.mark.browser


def watch(page: Page) -> list[str]:
    """Every console error and every CSP violation the page reports from now on."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("MOCHOU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _fresh_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_pages_work_under_the_policy(
    journey_city: City, desk: Callable[[str], Desk], browser: Any, live_server: Any
) -> None:
    city = journey_city
    case = dispatched_case(city)
    save_photo(case, Photo(image=clean_photo(samples.png(48, 36))))

    # The login page, before anybody logs in.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    anonymous = context.new_page()
    problems = watch(anonymous)
    response = anonymous.goto("/accounts/login/")
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(anonymous.get_by_role("heading", name="登录莫愁 12345")).to_be_visible()
    screenshot(anonymous, "login")
    close_settled(context)

    dispatcher = desk("dispatcher")
    page = dispatcher.page
    problems += watch(page)
    dispatcher.open_queue("to_accept")
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#case-number")).to_have_text(case.number)
    expect(page.locator("img[alt^='照片1']")).to_be_visible()
    screenshot(page, "case")
    for path in ["/knowledge/", "/templates/", "/notifications/", "/api/docs"]:
        page.goto(path)
        # Swagger UI lays out ~150 operations after fetching the document: seconds on a loaded
        # machine (CI timed out at the desks' 5 s default).
        page.wait_for_load_state("networkidle", timeout=20_000)
    expect(page.locator(".swagger-ui")).to_be_visible()

    admin = desk("admin").page
    problems += watch(admin)
    for path in ["/admin/", f"/admin/accounts/user/{city.users['clerk'].pk}/change/", "/admin/cases/case/"]:
        admin.goto(path)
        admin.wait_for_load_state("networkidle")
    expect(admin.locator("#content")).to_be_visible()

    agent = desk("agent").page
    problems += watch(agent)
    agent.goto("/console/")
    agent.wait_for_load_state("networkidle")

    assert problems == []


def test_the_citizen_page_works_under_the_policy(journey_city: City, phone: Callable[[], Page]) -> None:
    page = phone()
    problems = watch(page)
    page.goto("/m/")
    expect(page.get_by_role("heading", name="我要反映")).to_be_visible()
    page.goto("/m/track/")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/m/", page.url)
    assert problems == []

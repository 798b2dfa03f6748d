"""Accessibility of the offices' pages — the leaders' view, 督查督办, 应急值班, 城乡控违, 一网通办,
招商引资, the hall, 莫愁超市 — checked with axe-core (WCAG 2.1 A/AA) on the seeded demo city.

test_accessibility.py walks the hotline's journeys page by page; the apps built on the loop core
are walked here instead, from what each user is shown: every top-bar link of those apps that a
demo user sees, and from each such page the first link of each kind into the same app (a task, a
violation, a project…), as a person clicking through would. New apps are covered as they register
their top-bar link (mochou.nav), without editing this file.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import demo_logins
from accounts.models import User
from mochou import nav
from tests.browser.axe import Audit
from tests.browser.desks import close_settled

pytestmark = pytest.mark.browser

# The top-bar links of the read side and of 督办单, which base.html writes itself; every other
# app's link comes from mochou.nav's registry.
CORE_OFFICE_LINKS = (
    "leader-home-link",
    "dashboard-nav-link",
    "stats-link",
    "hotspots-link",
    "proactive-link",
    "supervision-link",
)
# A link into a file, a print view or another site is not a page to audit.
NOT_A_PAGE = re.compile(r"\.(xlsx|docx|csv|pdf|json)$|/(print|export|download)|^https?:|^#|^mailto:|^tel:")
# Outside demo mode the published demo password must be changed first (every page would be the
# change-password page): the walkers get a password of their own.
PASSWORD = "Walk-the-offices-2026"
PAGES_PER_LINK = 4  # the landing page and the first link of up to three kinds below it


def _shape(path: str) -> str:
    """A path with its numbers and codes replaced, so 'one link of each kind' means one per route."""
    return re.sub(r"/[^/]*\d[^/]*", "/N", path.split("?", 1)[0])


def _login(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#current-user")).to_be_visible()


def _settled(page: Page) -> None:
    # htmx fills some panels after load (the dashboard's charts one after another): audit them too.
    page.wait_for_load_state("networkidle")


def _walkers() -> dict[str, list[str]]:
    """For each demo user worth walking, the element ids of the office links to follow: the first
    user (in the demo's order) who sees each registered link, plus the leaders and the 督查室.
    Each is given the walk's own password."""
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in demo_logins()])}
    walkers: dict[str, list[str]] = {"leader1": [], "zjj_leader": [], "supervisor1": [], "yzjd_clerk": []}
    claimed: set[str] = set()
    for login in demo_logins():
        user = users.get(login.username)
        if user is None:
            continue
        for link in nav.links_for(user):
            if link["id"] not in claimed:
                claimed.add(link["id"])
                walkers.setdefault(login.username, []).append(link["id"])
    for user in User.objects.filter(username__in=walkers):
        user.set_password(PASSWORD)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    return walkers


def _open(page: Page, path: str, who: str) -> None:
    answer = page.goto(path)
    assert answer is not None, f"{who}: {path} gave no answer"
    assert answer.ok, f"{who}: {path} answered {answer.status}"
    _settled(page)


def _walk(page: Page, start: str, audit: Audit, who: str) -> None:
    """The page the link opens, then the first link of each further kind under the same app."""
    _open(page, start, who)
    audit.check(page, f"{who} {start}")
    prefix = "/" + start.strip("/").split("/", 1)[0] + "/"
    seen = {_shape(start)}
    hrefs: list[str] = page.locator("main a[href]").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    for href in hrefs:
        if len(seen) >= PAGES_PER_LINK:
            break
        if not href.startswith(prefix) or NOT_A_PAGE.search(href.split("?", 1)[0]) or _shape(href) in seen:
            continue
        seen.add(_shape(href))
        _open(page, href, f"{who} (from {start})")
        audit.check(page, f"{who} {href}")


def test_the_offices_pages_pass_axe(transactional_db: None, browser: Any, live_server: Any) -> None:
    """Every office page a demo user reaches from the top bar, and one page of each kind below it,
    has no WCAG 2.1 A/AA violation axe can find, at desktop size."""
    call_command("seed_demo", cases=20, seed=7, stdout=io.StringIO())
    audit = Audit()
    walked: list[str] = []
    followed: set[str] = set()
    walkers = _walkers()
    for username, extra_ids in walkers.items():
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(20_000)  # the first visit of a page on a loaded machine
        try:
            page = context.new_page()
            _login(page, username)
            for element_id in (*CORE_OFFICE_LINKS, *extra_ids):
                link = page.locator(f".topnav #{element_id}")
                if link.count() == 0:
                    continue  # not this user's link
                start = link.get_attribute("href") or ""
                followed.add(element_id)
                if start in walked:
                    continue  # another user walked this page already
                walked.append(start)
                _walk(page, start, audit, username)
                _open(page, "/", username)  # settled: its queue counts load before the next step
        finally:
            close_settled(context)
    registered = {element_id for ids in walkers.values() for element_id in ids}
    assert registered <= followed, f"top-bar links not found on the page: {sorted(registered - followed)}"
    assert {"leader-home-link", "dashboard-nav-link", "hotspots-link", "supervision-link"} <= followed
    # Each office's landing page and at least one page below most of them: the walk went deep.
    assert len(audit.pages) >= len(walked) + len(walked) // 2, audit.pages
    audit.assert_clean()

"""axe-core in the browser journeys: WCAG 2.1 A and AA, every violation is a failure.

axe-core's script comes from the `axe-playwright-python` wheel (a pinned development dependency,
docs/dependencies.md); nothing is fetched at run time. Only the script is used: it is evaluated in
the page (Playwright's evaluate is not subject to the page's Content-Security-Policy) and `axe.run`
is called with the WCAG 2.1 A/AA tags. A navigation drops it, so each check injects it again.

`Audit` collects the violations of a whole journey, so that one failure reports every page at once.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_A_AA}, "resultTypes": ["violations"]}


@cache
def axe_script() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")  # found, not imported: only its script is used
    if spec is None or not spec.origin:
        raise RuntimeError("axe-playwright-python is not installed: pip install -e '.[dev]'")
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (after any script on it has run)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", OPTIONS)
    return list(result["violations"])


def describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {violation['help']} — "
        f"{targets}{f' … and {more} more' if more > 0 else ''}"
    )


@dataclass
class Audit:
    """audit.check(page, "phone/elder /m/") for each page; audit.assert_clean() at the end."""

    found: dict[str, list[str]] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)

    def check(self, page: Page, where: str) -> None:
        self.pages.append(where)
        found = violations(page)
        if found:
            self.found[where] = [describe(v) for v in found]

    def assert_clean(self) -> None:
        report = "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in self.found.items())
        assert not self.found, f"axe (WCAG 2.1 A/AA) found violations on {len(self.found)} page(s):\n{report}"

"""`./dev test` runs `--dist loadgroup` so that a module seeding data once for its tests
(tests/module_data.py) runs on one worker. A pytest release broke that without a failure
(pytest-xdist#1386: the group is kept in the node id, which pytest 9.2 no longer lets it change):
the demo city was seeded on both workers. This runs a grouped pair of files on two workers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

GROUPED = """
import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("n", range(6))
def test_one(n):
    pass
"""


def test_a_group_runs_on_one_worker(tmp_path: Path) -> None:
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text(GROUPED)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-n", "2",
         "--dist", "loadgroup", "-v", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    workers = set(re.findall(r"\[(gw\d+)\][^\n]*PASSED", done.stdout))
    assert done.stdout.count("PASSED") == 12, done.stdout
    assert len(workers) == 1, done.stdout


def test_no_browser_journey_is_in_a_group() -> None:
    """A group goes to its worker as one unit, where its first test stands; a browser test in one
    would run before that worker's later unit tests (tests/browser/conftest.py wants it last)."""
    browser = Path(__file__).resolve().parent / "browser"
    grouped = [p.name for p in browser.glob("*.py") if "mark.xdist_group" in p.read_text(encoding="utf-8")]
    assert grouped == []

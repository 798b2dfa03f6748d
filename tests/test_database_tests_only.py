"""CI's PostgreSQL phase runs `--database-tests-only` (conftest.uses_the_database): a test that
reaches the database must never be left out of it, or PostgreSQL would stop checking it unseen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "mochou/tests/test_seed_demo.py",  # seeds once per module through tests.module_data
    "worktime/tests/test_seeding.py",  # `db` through the module's own fixtures
    "accounts/tests/test_phones.py",  # the phone parser: no database
)


def collected(*extra: str) -> set[str]:
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra, *FILES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}


def test_the_database_phase_keeps_every_test_that_reaches_the_database_and_only_those() -> None:
    assert collected() == set(FILES)
    assert collected("--database-tests-only") == {FILES[0], FILES[1]}

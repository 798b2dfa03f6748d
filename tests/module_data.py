"""Data that a whole test module reads, built once instead of once per test.

Seeding the demo city takes half a minute; nine tests that only read it need not seed it nine
times. `module_data` opens a transaction for the module and rolls it back at the module's end;
each test's own `db` transaction is then a savepoint inside it (pytest-django's TestCase atomics
nest), so what a test writes is still undone after it, and the next module finds an empty
database. Put such a module in one xdist group (`pytest.mark.xdist_group`): `./dev test` runs
`--dist loadgroup`, so the group's tests share one worker and so one seeding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def run_on_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits, so on_commit work (notifications, SMS)
    would never happen: run it at once instead, as the root conftest does for every plain test."""
    from django.db import transaction

    def run_now(func: Callable[[], object], using: str | None = None, robust: bool = False) -> None:
        try:
            func()
        except Exception:
            if not robust:  # as Django does: a robust callback's failure is logged, not raised
                raise

    monkeypatch.setattr(transaction, "on_commit", run_now)


@contextmanager
def module_data(django_db_blocker: Any) -> Iterator[None]:
    """Database access for a module-scoped fixture, at the suite's frozen working morning, inside
    a transaction undone when the fixture ends."""
    import time_machine
    from django.db import transaction

    from conftest import WORKING_MORNING

    with (
        django_db_blocker.unblock(),
        time_machine.travel(WORKING_MORNING, tick=False),
        pytest.MonkeyPatch.context() as monkeypatch,
        transaction.atomic(),
    ):
        run_on_commit_at_once(monkeypatch)
        try:
            yield
        finally:
            transaction.set_rollback(True)

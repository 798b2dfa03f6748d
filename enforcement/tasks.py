"""Huey tasks of 城乡控违: two-line wrappers around domain functions."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from enforcement.sweeps import sweep_deadlines


# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def deadline_sweep() -> dict[str, int]:
    """核查 and 自拆 reminders that are due (idempotent: each rung once per deadline)."""
    return sweep_deadlines()


@db_periodic_task(crontab(minute="17", hour="3"))  # type: ignore[untyped-decorator]
def orphan_file_sweep() -> int:
    """Photo and appeal files that no row names (an outer transaction rolled back), a day on."""
    from enforcement.photos import sweep_orphans

    return sweep_orphans()

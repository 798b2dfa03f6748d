"""Huey tasks for the case loop: two-line wrappers around domain functions."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cases.sweeps import sweep_deadlines


# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def deadline_sweep() -> dict[str, int]:
    return sweep_deadlines()

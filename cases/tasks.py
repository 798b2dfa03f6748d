"""Huey tasks for the case loop: two-line wrappers around domain functions."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cases.services.escalation import sweep_escalations
from cases.sweeps import sweep_deadlines


# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def deadline_sweep() -> dict[str, int]:
    return sweep_deadlines()


@db_periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]
def escalation_sweep() -> int:
    """提级办理 for cases whose after-commit check was lost (a crash between commit and check)."""
    return sweep_escalations()

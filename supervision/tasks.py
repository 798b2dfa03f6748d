"""Huey tasks of the 督办单: two-line wrappers around domain functions."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supervision.sweeps import sweep_notices


# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def notice_sweep() -> dict[str, int]:
    """Reminders and escalations of the 督办单 that are due (idempotent: each rung once)."""
    return sweep_notices()


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def task_sweep() -> dict[str, int]:
    """三色督办单 on decision tasks that are due (idempotent: each reason once per deadline)."""
    from django.utils import timezone

    from supervision.task_sweeps import sweep_tasks

    return sweep_tasks(timezone.now())

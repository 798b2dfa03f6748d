"""Huey tasks of the duty system: two-line wrappers around the sweeps."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from duty.sweeps import chase_daily, sweep_incidents, warn_coverage


# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def incident_sweep() -> dict[str, int]:
    """Reports owed on incidents, by the minute: their deadlines are minutes."""
    return sweep_incidents()


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def daily_chase() -> dict[str, int]:
    """The missing 平安报 of the day: notice, then SMS to the 带班领导 (each once)."""
    return chase_daily()


@db_periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]
def coverage_warning() -> int:
    """Hours of the coming days that no shift covers (each gap warned once)."""
    return warn_coverage()

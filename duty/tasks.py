"""Huey tasks of the duty system: two-line wrappers around the sweeps."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from duty.sweeps import (
    chase_daily,
    sweep_incidents,
    warn_coverage,
    warn_drills,
    warn_key_checks,
    warn_reserves,
)


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


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def key_check_warning() -> int:
    """Key persons whose check is overdue (each deadline warned once)."""
    return warn_key_checks()


@db_periodic_task(crontab(minute="27", hour="*/6"))  # type: ignore[untyped-decorator]
def reserve_warning() -> dict[str, int]:
    """Stocks short or expiring, sites not 达标 (each shortfall warned once until it is gone)."""
    return warn_reserves()


@db_periodic_task(crontab(minute="37"))  # type: ignore[untyped-decorator]
def drill_warning() -> int:
    """Drills past their date and neither held nor cancelled (each warned once)."""
    return warn_drills()

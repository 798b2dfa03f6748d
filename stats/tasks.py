"""Huey tasks of the statistics: the sweep that keeps the fact tables in step with the log."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from stats.build import sweep


@db_periodic_task(crontab(minute="*/10"))
def facts_sweep() -> int:
    """New events folded, and today's and yesterday's cases folded again (late commits)."""
    return sweep()

"""Huey tasks of 高频事: a wrapper around the domain function."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hotspots.services import recompute


@db_periodic_task(crontab(minute="20"))
def hotspot_recompute() -> dict[str, int]:
    """The hotspots of the last window, hourly (idempotent: recomputed from the cases)."""
    return recompute()

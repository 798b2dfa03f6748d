"""Huey tasks of the triage: two-line wrappers around triage.services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from triage.services import sweep_untriaged


# Triage normally runs in the web process right after a registration commits; a process killed in
# between leaves the case untriaged, so the worker looks every minute (huey's finest period).
# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def triage_sweep() -> int:
    return sweep_untriaged()

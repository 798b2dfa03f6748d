"""Huey tasks of the triage: two-line wrappers around triage.services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from triage.services import sweep_untriaged, triage_new_case


# A registration commits and returns; its triage (model, duplicate lookup, the suggestion, the
# automatic dispatch) runs here, in the worker. No retries: triage_new_case never raises (a
# failure is recorded on the case), and a task lost with its worker is the sweep's to redo.
# huey ships no type information: its decorator (a TaskWrapper factory) is untyped.
@db_task()  # type: ignore[untyped-decorator]
def triage_case_task(case_id: int) -> None:
    triage_new_case(case_id)


# A task can be lost (the web process died between its commit and the enqueue, the queue was
# wiped): the worker looks every minute (huey's finest period) for registered cases with no triage.
@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def triage_sweep() -> int:
    return sweep_untriaged()

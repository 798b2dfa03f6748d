"""The decision tasks' sweep: the 三色督办单 the system issues, and the ladder.

Idempotent: each reason is issued once per task and deadline (the notice's `reason` carries the
deadline it was about), and an open notice on a task blocks a new one (the ladder escalates it).
Run by the periodic task (supervision.tasks) and by the demo, with an explicit `now`.
"""

from __future__ import annotations

from datetime import datetime

from supervision.indicators import elapsed_share
from supervision.services.task_notices import escalate_task_notice, issue_task_notice
from supervision.task_config import light_thresholds, near_days
from supervision.task_models import Task, TaskNotice
from supervision.task_workflow import TASK_UNIT_STATES
from supervision.workflow import Colour, State
from worktime.calendar import add_working_days


def _already(task: Task, reason: str) -> bool:
    return TaskNotice.objects.filter(task=task, reason=reason).exists()


def behind_schedule(task: Task, now: datetime) -> float | None:
    """序时进度差 of a task: its reported % minus the % of its time gone (None without dates)."""
    if task.assigned_at is None or task.deadline is None:
        return None
    return task.rolled_progress() - 100 * elapsed_share(task.assigned_at, task.deadline, now)


def sweep_tasks(now: datetime) -> dict[str, int]:
    counts = {"escalated": 0, "issued": 0}
    # A 红 is the ladder's top: it stays open for its answer (nothing follows it), as a case's does.
    unanswered = TaskNotice.objects.filter(state__in=[State.ISSUED, State.SIGNED], respond_by__lte=now)
    for notice in unanswered.exclude(colour=Colour.RED):
        escalate_task_notice(notice, now=now)
        counts["escalated"] += 1
    _, red_gap = light_thresholds()
    near_limit = add_working_days(now, near_days())
    tasks = Task.objects.filter(state__in=TASK_UNIT_STATES, deadline__isnull=False).select_related(
        "lead_unit"
    )
    for task in tasks:
        if TaskNotice.objects.filter(
            task=task, state__in=[State.ISSUED, State.SIGNED, State.PENDING_APPROVAL]
        ).exists():
            continue
        stamp = task.deadline.date().isoformat() if task.deadline else ""
        if task.deadline and task.deadline <= now:
            reason, colour, body = (
                f"overdue:{stamp}",
                Colour.RED,  # issue 12: 蓝 near the deadline, 黄 behind 序时, 红 overdue
                "该事项已超过办结时限，请立即办结并说明逾期原因。",
            )
        elif (gap := behind_schedule(task, now)) is not None and gap <= -red_gap and task.state != "assigned":
            reason, colour, body = (
                f"behind:{stamp}",
                Colour.YELLOW,
                f"该事项进度滞后序时进度{-gap:.0f}个百分点，请加快推进。",
            )
        elif task.deadline and task.deadline <= near_limit:
            reason, colour, body = f"near:{stamp}", Colour.BLUE, "该事项临近办结时限，请按期办结。"
        else:
            continue
        if _already(task, reason):
            continue
        issue_task_notice(task, actor=None, colour=colour, reason=reason, body=body, now=now)
        counts["issued"] += 1
    return counts

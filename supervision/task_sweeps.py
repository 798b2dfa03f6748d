"""The decision tasks' sweep: the 三色督办单 the system issues, and the ladder.

Idempotent: each reason is issued once per task and deadline (the notice's `reason` carries the
deadline it was about), and an open notice on a task blocks a new one (the ladder escalates it).
Run by the periodic task (supervision.tasks) and by the demo, with an explicit `now`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from notifications.services import notify_unit
from supervision.indicators import elapsed_share
from supervision.links import task_path, with_link
from supervision.services.task_notices import escalate_task_notice, issue_task_notice
from supervision.task_config import light_thresholds, near_days
from supervision.task_models import Task, TaskNotice, TaskReportReminder
from supervision.task_workflow import TASK_UNIT_STATES, TaskState
from supervision.workflow import Colour, State
from worktime.calendar import add_working_days


def _already(task: Task, reason: str) -> bool:
    return TaskNotice.objects.filter(task=task, reason=reason).exists()


def behind_schedule(task: Task, now: datetime) -> float | None:
    """序时进度差 of a task: its reported % minus the % of its time gone (None without dates)."""
    if task.assigned_at is None or task.deadline is None:
        return None
    return task.rolled_progress() - 100 * elapsed_share(task.assigned_at, task.deadline, now)


def remind_missed_reports(now: datetime) -> int:
    """A task 办理中 whose reporting period passed without a report (its `next_report_by` is
    behind `now`; a report moves it one period on) is reminded to its lead unit, once per period.

    The claim (TaskReportReminder, unique per task and 报送期限) and the unit's notifications are
    written in one transaction: a crash between them leaves neither, and the next sweep reminds
    it; a second run, or two workers at once, find the claim and remind no one again. Not a
    督办单: a late report is a reminder, not an escalation (减负); the deadline's own ladder is
    the sweep's 督办单."""
    reminded = 0
    due = Task.objects.filter(
        state=TaskState.IN_PROGRESS, next_report_by__isnull=False, next_report_by__lte=now
    ).select_related("lead_unit")
    for task in due.exclude(report_reminders__due=models.F("next_report_by")):
        if task.lead_unit is None or task.next_report_by is None:
            continue
        if task.deadline is not None and task.next_report_by >= task.deadline:
            continue  # the last period ends at the deadline: the 红色督办单 speaks for it
        try:
            with transaction.atomic():
                TaskReportReminder.objects.create(task=task, due=task.next_report_by, created_at=now)
                notify_unit(
                    task.lead_unit,
                    kind="supervision_task",
                    message=with_link(
                        f"督办事项 {task.number} 应于{timezone.localtime(task.next_report_by):%m月%d日}"
                        f"报送进展，尚未报送，请及时报送：{task.title[:40]}",
                        task_path(task.number),
                    ),
                )
        except IntegrityError:  # another worker claimed this period first
            continue
        reminded += 1
    return reminded


def sweep_tasks(now: datetime) -> dict[str, int]:
    counts = {"escalated": 0, "issued": 0, "report_reminders": remind_missed_reports(now)}
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

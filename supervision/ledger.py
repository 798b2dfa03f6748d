"""The 督办台账 and the monthly 通报: a task's light and days left, and the per-unit counts.

A task's light: 红 overdue; 黄 behind 序时进度 by the second threshold, or an open 督办单 after a
review return; 蓝 near its deadline; 绿 otherwise; a closed task has none (办结 on time or late).
Counts come first in the 通报; a ranking is an explicit option of the page, never the default,
and nothing here counts activity (logins, time online): only deadlines, returns and extensions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from supervision.task_config import light_thresholds, near_days
from supervision.task_models import Task, TaskEvent, TaskNotice
from supervision.task_sweeps import behind_schedule
from supervision.task_workflow import TaskAction, TaskState
from supervision.workflow import OPEN_STATES
from worktime.calendar import CalendarMissing, working_days_between

LIGHT_LABELS = {
    "red": "红灯·超期",
    "yellow": "黄灯·滞后",
    "blue": "蓝灯·临期",
    "green": "绿灯·正常",
    "done": "已销号",
    "none": "未交办",
}


@dataclass
class TaskRow:
    task: Task
    light: str
    days_left: int | None
    gap: float | None
    open_notice: TaskNotice | None

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


def days_left(task: Task, now: datetime) -> int | None:
    """Working days to the deadline (negative: overdue by that many)."""
    if task.deadline is None:
        return None
    try:
        if task.deadline >= now:
            return working_days_between(now.date(), task.deadline.date())
        return -working_days_between(task.deadline.date(), now.date())
    except CalendarMissing:
        return (task.deadline - now).days


def task_row(task: Task, now: datetime) -> TaskRow:
    notices = [n for n in task.notices.all() if n.state in OPEN_STATES]
    open_notice = notices[0] if notices else None
    left = days_left(task, now)
    gap = behind_schedule(task, now) if task.is_open else None
    _, red_gap = light_thresholds()
    if task.state == TaskState.CLOSED:
        light = "done"
    elif task.state in (TaskState.DRAFT, TaskState.APPROVED):
        light = "none"
    elif task.overdue(now):
        light = "red"
    elif (gap is not None and gap <= -red_gap) or (open_notice and open_notice.reason == "review_return"):
        light = "yellow"
    elif left is not None and left <= near_days():
        light = "blue"
    else:
        light = "green"
    return TaskRow(task, light, left, gap, open_notice)


def ledger_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("plan", "lead_unit", "leader", "supervisor", "case").prefetch_related(
        "co_units", Prefetch("notices", queryset=TaskNotice.objects.order_by("-created_at")), "children"
    )


# ------------------------------------------------------------------ 通报


@dataclass
class UnitTally:
    unit: str
    total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0
    returns: int = 0
    extensions: int = 0
    notices: dict[str, int] = field(default_factory=lambda: {"blue": 0, "yellow": 0, "red": 0})

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def monthly_tally(tasks: list[Task], *, start: date, end: date, now: datetime) -> list[UnitTally]:
    """Per lead unit: tasks open or closed in [start, end), closed on time, overdue now, and the
    returns, extensions and notices of the month. Units in name order (counts, not a ranking)."""
    tallies: dict[str, UnitTally] = {}
    ids = [t.pk for t in tasks]
    month_events = TaskEvent.objects.filter(
        task_id__in=ids, created_at__date__gte=start, created_at__date__lt=end
    )
    returns: dict[int, int] = defaultdict(int)
    extensions: dict[int, int] = defaultdict(int)
    for task_id, action in month_events.values_list("task_id", "action"):
        if action in (TaskAction.RETURN, TaskAction.LEADER_RETURN):
            returns[task_id] += 1
        elif action == TaskAction.APPROVE_EXTENSION:
            extensions[task_id] += 1
    notices = TaskNotice.objects.filter(
        task_id__in=ids, created_at__date__gte=start, created_at__date__lt=end
    )
    colours: dict[int, list[str]] = defaultdict(list)
    for task_id, colour in notices.values_list("task_id", "colour"):
        colours[task_id].append(colour)
    for task in tasks:
        if task.lead_unit is None or task.assigned_at is None or task.assigned_at.date() >= end:
            continue
        if task.closed_at is not None and task.closed_at.date() < start:
            continue
        tally = tallies.setdefault(task.lead_unit.display_name, UnitTally(task.lead_unit.display_name))
        tally.total += 1
        if task.closed_at is not None and task.closed_at.date() < end:
            tally.closed += 1
            tally.closed_on_time += bool(task.deadline and task.closed_at <= task.deadline)
        else:
            tally.open += 1
            tally.overdue += task.overdue(now)
        tally.returns += returns[task.pk]
        tally.extensions += extensions[task.pk]
        for colour in colours[task.pk]:
            tally.notices[colour] += 1
    return sorted(tallies.values(), key=lambda t: t.unit)

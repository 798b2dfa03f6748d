"""处置任务: an incident's tasks to units, on the loop core — 下达, 签收, 反馈, 销号 or 退回."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from duty.guards import TASK_GUARDS, require_office
from duty.models import DutyTask, DutyTaskEvent, Incident
from duty.services.common import text
from duty.workflow import OPEN_STATES, TASK_MACHINE, TaskAction, TaskState
from loop.verbs import Loop
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_unit
from org.models import Unit

TASKS: Loop[DutyTask, TaskState, TaskAction] = Loop(
    model=DutyTask,
    event_model=DutyTaskEvent,
    item_field="task",
    machine=TASK_MACHINE,
    guards=TASK_GUARDS,
    related=("incident", "unit"),
)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def assign_task(
    incident: Incident, *, actor: User, unit: Unit, title: str, due_at: datetime, now: datetime
) -> DutyTask:
    require_office(actor, what="下达处置任务")
    if incident.state not in OPEN_STATES:
        raise Conflict("该事件已终报，不能再下达任务。", code="duty.incident_finished")
    if due_at <= now:
        raise InvalidInput("完成期限须晚于现在。", code="invalid_input.due_at", details={"field": "due_at"})
    with TASKS.start(TaskAction.ASSIGN, actor, now=now) as step:
        task = TASKS.create(
            step,
            incident=incident,
            unit=unit,
            title=text(title, "任务内容", "title", min_len=2, max_len=200),
            due_at=due_at,
            issued_by=actor,
            created_at=now,
        )
        step.record(payload={"due_at": due_at.isoformat(), "unit": unit.code})
        step.after_commit(
            notify_unit,
            unit,
            kind="duty_task",
            message=f"处置任务（{incident.number}）：{task.title}，{_when(due_at)} 前完成",
        )
    return task


def accept_task(task: DutyTask, *, actor: User, now: datetime) -> DutyTask:
    with TASKS.verb(task, TaskAction.ACCEPT, actor, now=now) as step:
        step.record()
    return step.item


def report_task(task: DutyTask, *, actor: User, result: str, now: datetime) -> DutyTask:
    with TASKS.verb(task, TaskAction.REPORT, actor, now=now) as step:
        step.item.result = text(result, "处置结果", "result", min_len=4, max_len=2000)
        step.record(note=step.item.result, payload={"late": now > step.item.due_at}, fields=["result"])
    return step.item


def verify_task(task: DutyTask, *, actor: User, now: datetime) -> DutyTask:
    with TASKS.verb(task, TaskAction.VERIFY, actor, now=now) as step:
        step.record()
    return step.item


def reject_task(task: DutyTask, *, actor: User, note: str, now: datetime) -> DutyTask:
    with TASKS.verb(task, TaskAction.REJECT, actor, now=now) as step:
        reason = text(note, "退回理由", "note", min_len=2, max_len=500)
        step.record(note=reason)
        step.after_commit(
            notify_unit,
            step.item.unit,
            kind="duty_task",
            message=f"处置任务被退回：{step.item.title}（{reason}）",
        )
    return step.item

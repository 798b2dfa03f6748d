"""领导批示: a city leader's instruction on a 12345 case or on a hotspot (高频事), as a task.

The hotline's 督办 and a leader's 批示 are the same kind of item (issue 12): the 批示 becomes a
decision task of this app (source 领导批示, 急件 or 非急件), 交办 as it is made — the leader says
what, to which unit and by when — to the case's unit or to the unit the leader chooses for a
hotspot. From there it is a task like any other: 签收, progress reports, 申请办结, 初审 by the
督查室 and 审结 by the leader who gave it; the sweep's 督办单 start one colour higher for it.

This app reads the case and hotspot models; neither `cases` nor `hotspots` imports it (they ask
through their providers, answered in supervision.providers).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_unit, notify_users
from org.models import Unit
from supervision.links import task_path, with_link
from supervision.services.task_loops import TASKS
from supervision.services.tasks import _end_of, _text, task_number
from supervision.task_config import default_days
from supervision.task_models import Task
from supervision.task_workflow import Source, TaskAction
from worktime.calendar import add_working_days

# 急件 are given 1–5 working days (the configured default is the most), 非急件 up to 60.
URGENT_MAX_DAYS = 5
MAX_DAYS = 60


def instruction_supervisor() -> User:
    """The 督查员 who follows a leader's 批示 up: `SUPERVISION_INSTRUCTION_SUPERVISOR` (a
    username) when set, else the 督查室's first active supervisor."""
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    name = getattr(settings, "SUPERVISION_INSTRUCTION_SUPERVISOR", "")
    chosen = (supervisors.filter(username=name).first() if name else None) or supervisors.order_by(
        "pk"
    ).first()
    if chosen is None:
        raise Conflict("督查室尚无督查员，批示无法交办跟踪。", code="supervision.no_supervisor")
    return chosen


def _days(urgent: bool, days: int | None) -> int:
    source = Source.INSTRUCTION_URGENT if urgent else Source.INSTRUCTION
    if days is None:
        return default_days(source)
    most = URGENT_MAX_DAYS if urgent else MAX_DAYS
    if not 1 <= days <= most:
        raise InvalidInput(
            f"{'急件' if urgent else '非急件'}办理时限应为1至{most}个工作日。",
            code="invalid_input.days",
            details={"field": "days"},
        )
    return days


def instruct(
    *,
    actor: User,
    body: str,
    urgent: bool = False,
    case: Any = None,
    hotspot: Any = None,
    lead_unit: Unit | None = None,
    days: int | None = None,
    deadline: date | None = None,
    now: datetime | None = None,
) -> Task:
    """A leader's 批示 on `case` or on `hotspot` (exactly one): a task 交办 at once to the case's
    unit (or `lead_unit`, which a hotspot needs), with a deadline — `deadline`, or `days`
    working days, or the configured default for 急件/非急件 — and the leader as its 责任领导."""
    with TASKS.start(TaskAction.INSTRUCT, actor, now=now) as step:
        now = step.now
        if (case is None) == (hotspot is None):
            raise InvalidInput("批示须针对一件工单或一个高频事。", code="invalid_input.subject")
        text = _text(body, "批示内容", "body", min_len=4, max_len=2000)
        unit = lead_unit or (case.lead_unit if case is not None else None)
        if unit is None:
            raise InvalidInput(
                "请选择承办单位（该工单尚未派单）。" if case is not None else "请选择承办单位。",
                code="invalid_input.unit",
                details={"field": "lead_unit"},
            )
        if not unit.is_active:
            raise InvalidInput("该单位已停用。", code="invalid_input.unit", details={"field": "lead_unit"})
        source = Source.INSTRUCTION_URGENT if urgent else Source.INSTRUCTION
        if deadline is not None:
            due = _end_of(deadline)
            if due <= now:
                raise InvalidInput(
                    "办结时限应晚于现在。", code="invalid_input.deadline", details={"field": "deadline"}
                )
        else:
            due = add_working_days(now, _days(urgent, days))
        subject = f"工单 {case.number}" if case is not None else f"高频事“{hotspot.title}”"
        title = f"领导批示：{(case.title if case is not None else hotspot.title)}"[:200]
        supervisor = instruction_supervisor()
        task = TASKS.create(
            step,
            number=f"new-{uuid.uuid4().hex[:16]}",
            title=title,
            body=text,
            source_kind=source,
            source_text=f"{actor.name}批示（{timezone.localtime(now):%Y年%m月%d日}，关于{subject}）：{text}"[
                :4000
            ],
            case=case,
            hotspot=hotspot,
            lead_unit=unit,
            leader=actor,
            supervisor=supervisor,
            deadline=due,
            assigned_at=now,
            # A short 急件 reports once at least before its deadline; otherwise every period.
            report_every=min(10, max(1, (due - now).days or 1)),
            next_report_by=min(add_working_days(now, 10), due),
            created_at=now,
        )
        task.number = task_number(task)
        Task.objects.filter(pk=task.pk).update(number=task.number)
        step.record(
            note=text[:500],
            payload={
                "task": task.number,
                "source": source,
                "case": case.number if case is not None else None,
                "hotspot": hotspot.pk if hotspot is not None else None,
                "lead_unit": unit.code,
                "deadline": due.isoformat(),
            },
        )
        grade = "急件" if urgent else "非急件"
        message = f"领导批示 {task.number}（{grade}，{timezone.localtime(due):%m月%d日}前办结）：{text[:60]}"
        path = task_path(task.number)
        step.after_commit(notify_unit, unit, kind="supervision_task", message=with_link(message, path))
        step.after_commit(
            notify_users,
            [supervisor],
            kind="supervision_task",
            message=with_link(f"请跟踪督办{message}", path),
        )
    return task


def instructions_on_case(case: Any) -> list[Task]:
    """The 批示 given on the case itself and on the hotspots it is behind."""
    from django.db.models import Q

    from hotspots.models import HotspotMember

    hotspots = HotspotMember.objects.filter(case_id=case.pk).values("hotspot_id")
    return list(
        Task.objects.filter(Q(case_id=case.pk) | Q(hotspot_id__in=hotspots))
        .select_related("lead_unit", "leader", "hotspot")
        .order_by("-created_at", "-pk")
    )


def instructions_on_hotspot(hotspot: Any) -> list[Task]:
    return list(
        Task.objects.filter(hotspot_id=hotspot.pk)
        .select_related("lead_unit", "leader")
        .order_by("-created_at")
    )

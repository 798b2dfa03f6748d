"""督办单 on decision tasks (三色督办单): issued by the 督查员 or by the sweep, signed for and
answered by the lead unit (its leader approves the answer), escalated 蓝 → 黄 → 红 when unanswered.

Why a notice: 蓝 near the deadline; 黄 behind 序时进度 or after a review return; 红 past the
deadline, or when a 黄 went unanswered (a 红 is the top: it stays open until answered). 重大
tasks and leaders' 批示 start one colour higher.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_role, notify_unit, notify_users
from supervision.links import task_notice_path, with_link
from supervision.services.task_loops import TASK_NOTICES
from supervision.task_config import notice_respond_days
from supervision.task_models import Task, TaskNotice
from supervision.task_workflow import Source
from supervision.workflow import OPEN_STATES, Action, Colour, next_colour
from worktime.calendar import add_working_days

REASONS = {
    "manual": "督查员督办",
    "near": "临近办结时限",
    "behind": "滞后序时进度",
    "review_return": "审核退回",
    "overdue": "逾期未办结",
    "escalated": "前一级督办单逾期未反馈",
}


INSTRUCTIONS = (Source.INSTRUCTION, Source.INSTRUCTION_URGENT)


def reason_label(reason: str) -> str:
    return REASONS.get(reason.split(":", 1)[0], reason)


def _raised(colour: Colour, major: bool) -> Colour:
    if not major:
        return colour
    return next_colour(colour) or colour


def issue_task_notice(
    task: Task,
    *,
    actor: User | None,
    body: str,
    colour: str = Colour.BLUE,
    reason: str = "manual",
    respond_days: int | None = None,
    previous: TaskNotice | None = None,
    now: datetime | None = None,
) -> TaskNotice:
    """Issue a 督办单 on `task` to its lead unit. `actor=None` is the system (sweep, return)."""
    with TASK_NOTICES.start(Action.ISSUE, actor, now=now, guard=actor is not None) as step:
        if task.lead_unit_id is None or not task.is_open:
            raise Conflict("只能对已交办、未销号的事项发督办单。", code="supervision.task_not_open")
        try:
            tone = Colour(colour)
        except ValueError:
            raise InvalidInput(
                "督办单颜色应为蓝色、黄色或红色。", code="invalid_input.colour", details={"field": "colour"}
            ) from None
        if actor is not None and tone != Colour.BLUE and not (task.major or task.source_kind != "meeting"):
            raise InvalidInput(
                "黄色、红色督办单在前一级逾期未反馈或事项滞后时由系统发出；重大事项、领导批示方可直接发。",
                code="invalid_input.colour",
                details={"field": "colour"},
            )
        if previous is None and actor is None:  # 重大 items and leaders' 批示 start one colour higher
            tone = _raised(tone, task.major or task.source_kind in INSTRUCTIONS)
        demand = (body or "").strip()
        if len(demand) < 4:
            raise InvalidInput("请填写督办要求。", code="invalid_input.text", details={"field": "body"})
        pending = TaskNotice.objects.filter(task=task, state__in=OPEN_STATES)
        if previous is not None:
            pending = pending.exclude(pk=previous.pk)
        if (open_one := pending.first()) is not None and actor is not None:
            raise Conflict(
                f"该事项已有未反馈的督办单 {open_one.number}，逾期未反馈时将自动升级。",
                code="supervision.open_notice",
                details={"notice": open_one.number},
            )
        days = respond_days if respond_days is not None else notice_respond_days()
        if not 1 <= days <= 30:
            raise InvalidInput(
                "反馈期限应为1至30个工作日。", code="invalid_input.days", details={"field": "respond_days"}
            )
        supervisor = actor or (previous.supervisor if previous else task.supervisor)
        notice = TASK_NOTICES.create(
            step,
            number=f"new-{uuid.uuid4().hex[:16]}",
            task=task,
            unit_id=task.lead_unit_id,
            supervisor=supervisor,
            colour=tone,
            reason=reason[:40],
            body=demand[:2000],
            previous=previous,
            created_at=step.now,
            respond_by=add_working_days(step.now, days),
        )
        notice.number = f"DBS{timezone.localtime(step.now).year}-{notice.pk:05d}"
        TaskNotice.objects.filter(pk=notice.pk).update(number=notice.number)
        step.record(note=demand[:500], payload={"colour": tone.value, "reason": reason, "task": task.number})
        step.after_commit(_tell_issued, notice.pk)
    return notice


def _tell_issued(notice_id: int) -> None:
    notice = TaskNotice.objects.select_related("task", "unit").get(pk=notice_id)
    message = with_link(
        f"{notice.get_colour_display()}督办单 {notice.number}：{notice.task.title[:50]}",
        task_notice_path(notice.number),
    )
    notify_unit(notice.unit, kind="supervision_task_notice", message=message)
    if notice.colour == Colour.RED:
        notify_role([Role.LEADER], kind="supervision_task_notice", message=message)


def sign_task_notice(notice: TaskNotice | int, *, actor: User, now: datetime | None = None) -> TaskNotice:
    with TASK_NOTICES.verb(notice, Action.SIGN, actor, now=now) as step:
        step.item.signed_at = step.now
        step.record(fields=["signed_at"])
    return step.item


def answer_task_notice(
    notice: TaskNotice | int, *, actor: User, body: str, now: datetime | None = None
) -> TaskNotice:
    with TASK_NOTICES.verb(notice, Action.ANSWER, actor, now=now) as step:
        item = step.item
        text = (body or "").strip()
        if len(text) < 10:
            raise InvalidInput("反馈内容至少10个字。", code="invalid_input.text", details={"field": "body"})
        item.answer, item.answered_at, item.return_note = text[:5000], step.now, ""
        step.record(note=item.answer[:500], fields=["answer", "answered_at", "return_note"])
        step.after_commit(
            notify_unit,
            item.unit,
            roles=[Role.UNIT_LEADER],
            kind="supervision_task_notice",
            message=with_link(f"督办单 {item.number} 的反馈待您审核", task_notice_path(item.number)),
        )
    return item


def approve_task_notice(notice: TaskNotice | int, *, actor: User, now: datetime | None = None) -> TaskNotice:
    with TASK_NOTICES.verb(notice, Action.APPROVE, actor, now=now) as step:
        item = step.item
        item.approved_at = step.now
        step.record(payload={"late": step.now > item.respond_by}, fields=["approved_at"])
        step.after_commit(
            notify_users,
            [item.supervisor],
            kind="supervision_task_notice",
            message=with_link(
                f"督办单 {item.number} 已反馈：{item.answer[:60]}", task_notice_path(item.number)
            ),
        )
    return item


def return_task_notice(
    notice: TaskNotice | int, *, actor: User, note: str, now: datetime | None = None
) -> TaskNotice:
    with TASK_NOTICES.verb(notice, Action.RETURN, actor, now=now) as step:
        item = step.item
        item.return_note = (note or "").strip()[:500]
        if len(item.return_note) < 4:
            raise InvalidInput("请填写退回意见。", code="invalid_input.text", details={"field": "note"})
        step.record(note=item.return_note, fields=["return_note"])
    return item


def escalate_task_notice(notice: TaskNotice | int, *, now: datetime | None = None) -> TaskNotice | None:
    """The system's, at the 反馈期限 of an unsigned/unanswered notice: the next colour follows
    (none after 红 — the red notice stays open and the leaders were told when it was issued)."""
    with TASK_NOTICES.verb(notice, Action.ESCALATE, None, now=now, guard=False) as step:
        item = step.item
        tone = next_colour(item.colour)
        if tone is None:  # a 红 is not 已升级 into nothing: it stays open to be answered
            raise Conflict("红色督办单为最高一级，不再升级。", code="supervision.notice_top")
        following = None
        if tone is not None and item.task.is_open:
            following = issue_task_notice(
                item.task,
                actor=None,
                colour=tone,
                reason="escalated",
                previous=item,
                now=step.now,
                body=f"{item.get_colour_display()}督办单 {item.number} 逾期未反馈，升级督办。"
                f"原督办要求：{item.body}"[:2000],
            )
        step.record(payload={"next": following.number if following else None})
    return following

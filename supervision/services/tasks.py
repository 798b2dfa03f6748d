"""The verbs of the decision task's loop (草拟 … 销号). Pages, the API, the extraction's review
and the demo call these; nothing else writes a task's state (the model refuses it).

Each is written with the loop core's skeleton (loop.verbs): the role refused before anything is
read, the row locked, the guard (supervision.task_guards) and the table asked, exactly one
TaskEvent, people told after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_unit, notify_users
from org.models import Unit
from supervision.links import task_path, with_link
from supervision.services.task_loops import TASKS
from supervision.task_config import default_days
from supervision.task_guards import TASK_GUARDS
from supervision.task_models import Indicator, Plan, ReportKind, Task, TaskNotice, TaskReport
from supervision.task_workflow import ExtensionStep, Source, TaskAction, TaskState
from supervision.workflow import OPEN_STATES as NOTICE_OPEN_STATES
from worktime.calendar import add_working_days

A = TaskAction


def _text(value: str | None, label: str, field: str, *, min_len: int, max_len: int) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) < min_len:
        raise InvalidInput(
            f"请填写{label}（至少{min_len}个字）。", code="invalid_input.text", details={"field": field}
        )
    if len(cleaned) > max_len:
        raise InvalidInput(
            f"{label}不能超过{max_len}个字。", code="invalid_input.text", details={"field": field}
        )
    return cleaned


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 30)))


def task_number(task: Task) -> str:
    """督办事项编号: the year and the id (unique without a counter to lock)."""
    return f"DC{timezone.localtime(task.created_at).year}-{task.pk:05d}"


def _linked(task: Task, message: str) -> str:
    return with_link(message, task_path(task.number))


def _tell_unit(task: Task, message: str, *, roles: Iterable[str] = ()) -> None:
    if task.lead_unit is not None:
        message = _linked(task, message)
        notify_unit(task.lead_unit, kind="supervision_task", message=message, roles=roles)


# ------------------------------------------------------------------ 草拟 / 立项


def create_task(
    *,
    actor: User,
    title: str,
    body: str = "",
    source_kind: str = Source.MEETING,
    source_text: str = "",
    plan: Plan | None = None,
    target_text: str = "",
    lead_unit: Unit | None = None,
    co_units: Sequence[Unit] = (),
    leader: User | None = None,
    deadline: date | datetime | None = None,
    major: bool = False,
    indicators: Sequence[Indicator] = (),
    parent: Task | None = None,
    record_id: int | None = None,
    approve: bool = True,
    now: datetime | None = None,
) -> Task:
    """A task, 立项 at once (a reviewed draft, a leader's 批示 entered by the 督查室) or 草拟."""
    action = A.APPROVE if approve else A.DRAFT
    with TASKS.start(action, actor, now=now) as step:
        heading = _text(title, "事项", "title", min_len=4, max_len=200)
        if source_kind not in Source.values:
            raise InvalidInput("来源不正确。", code="invalid_input.source", details={"field": "source_kind"})
        if leader is not None and leader.role != Role.LEADER:
            raise InvalidInput(
                "责任领导须为市领导。", code="invalid_input.leader", details={"field": "leader"}
            )
        when = (
            _end_of(deadline)
            if isinstance(deadline, date) and not isinstance(deadline, datetime)
            else deadline
        )
        task = TASKS.create(
            step,
            number=f"new-{uuid.uuid4().hex[:16]}",
            title=heading,
            body=(body or heading).strip()[:4000],
            source_kind=source_kind,
            source_text=source_text.strip()[:4000],
            record_id=record_id,
            plan=plan,
            target_text=target_text.strip()[:120],
            lead_unit=lead_unit,
            leader=leader,
            supervisor=actor,
            deadline=when,
            major=major,
            parent=parent,
            created_at=step.now,
        )
        task.number = task_number(task)
        Task.objects.filter(pk=task.pk).update(number=task.number)
        task.co_units.set([u for u in co_units if lead_unit is None or u.pk != lead_unit.pk])
        task.indicators.set(indicators)
        step.record(note=heading, payload={"task": task.number, "source": source_kind})
    return task


def approve_task(task: Task | int, *, actor: User, now: datetime | None = None) -> Task:
    with TASKS.verb(task, A.APPROVE, actor, now=now) as step:
        step.record()
    return step.item


def update_task(
    task: Task | int,
    *,
    actor: User,
    title: str | None = None,
    body: str | None = None,
    plan: Plan | None = None,
    lead_unit: Unit | None = None,
    co_units: Sequence[Unit] | None = None,
    leader: User | None = None,
    deadline: date | None = None,
    target_text: str | None = None,
    indicators: Sequence[Indicator] | None = None,
) -> Task:
    """Edit a task before it is assigned (草拟/已立项): no event, the state is untouched.
    `indicators` (when given) replaces the indicators the task moves."""
    item = Task.objects.get(pk=task.pk if isinstance(task, Task) else task)
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        from mochou.errors import NotPermitted

        raise NotPermitted("只有督查员可以修改督办事项。", code="permission_denied.role")
    if item.state not in (TaskState.DRAFT, TaskState.APPROVED):
        raise Conflict("事项交办后不能直接修改；请由承办单位申请调整。", code="supervision.task_assigned")
    if title is not None:
        item.title = _text(title, "事项", "title", min_len=4, max_len=200)
    if body is not None:
        item.body = body.strip()[:4000] or item.title
    if plan is not None:
        item.plan = plan
    if lead_unit is not None:
        item.lead_unit = lead_unit
    if leader is not None:
        item.leader = leader
    if deadline is not None:
        item.deadline = _end_of(deadline)
    if target_text is not None:
        item.target_text = target_text.strip()[:120]
    item.save()
    if indicators is not None:
        item.indicators.set(indicators)
    if co_units is not None:
        item.co_units.set([u for u in co_units if u.pk != item.lead_unit_id])
    elif item.lead_unit_id is not None:
        item.co_units.remove(item.lead_unit_id)  # a new lead is no longer its own co-unit
    return item


# ------------------------------------------------------------------ 交办 / 签收 / 调整


def assign_task(
    task: Task | int,
    *,
    actor: User,
    lead_unit: Unit | None = None,
    co_units: Sequence[Unit] | None = None,
    leader: User | None = None,
    deadline: date | None = None,
    report_every: int | None = None,
    indicators: Sequence[Indicator] | None = None,
    now: datetime | None = None,
) -> Task:
    """交办: to the lead unit (co-units alongside) under a responsible leader, with a deadline
    (the source's default time limit when none is given), a reporting period, and (when given)
    the indicators it moves. The edits and the 交办 are one transaction: a refused 交办 edits nothing."""
    with transaction.atomic():
        if lead_unit is not None or leader is not None or co_units is not None or indicators is not None:
            update_task(
                task,
                actor=actor,
                lead_unit=lead_unit,
                leader=leader,
                co_units=co_units,
                indicators=indicators,
            )
        return _assign(task, actor=actor, deadline=deadline, report_every=report_every, now=now)


def _assign(
    task: Task | int,
    *,
    actor: User,
    deadline: date | None,
    report_every: int | None,
    now: datetime | None,
) -> Task:
    with TASKS.verb(task, A.ASSIGN, actor, now=now) as step:
        item, now = step.item, step.now
        if item.lead_unit_id is None or item.leader_id is None:
            # The assignment form supplies them; a task is not 交办 to nobody, under nobody.
            raise InvalidInput(
                "交办须确定牵头单位和责任领导。",
                code="invalid_input.assignee",
                details={"field": "lead_unit"},
            )
        if deadline is not None:
            item.deadline = _end_of(deadline)
        if item.deadline is None:
            item.deadline = add_working_days(now, default_days(item.source_kind))
        if item.deadline <= now:
            raise InvalidInput(
                "办结时限应晚于交办时间。", code="invalid_input.deadline", details={"field": "deadline"}
            )
        if report_every is not None:
            if not 1 <= report_every <= 60:
                raise InvalidInput(
                    "报送周期应为1至60个工作日。",
                    code="invalid_input.days",
                    details={"field": "report_every"},
                )
            item.report_every = report_every
        item.assigned_at = now
        item.next_report_by = min(add_working_days(now, item.report_every), item.deadline)
        step.record(
            payload={
                "lead_unit": item.lead_unit.code if item.lead_unit else None,
                "co_units": list(item.co_units.values_list("code", flat=True)),
                "leader": item.leader_id,
                "deadline": item.deadline.isoformat(),
            },
            fields=["deadline", "assigned_at", "next_report_by", "report_every"],
        )
        step.after_commit(_tell_unit, item, f"督办事项 {item.number} 已交办贵单位牵头办理：{item.title[:60]}")
        co = list(item.co_units.all())
        for unit in co:
            step.after_commit(
                notify_unit,
                unit,
                kind="supervision_task",
                message=with_link(
                    f"督办事项 {item.number} 请贵单位协办：{item.title[:60]}", task_path(item.number)
                ),
            )
    return item


def sign_task(task: Task | int, *, actor: User, now: datetime | None = None) -> Task:
    with TASKS.verb(task, A.SIGN, actor, now=now) as step:
        step.item.signed_at = step.now
        step.record(fields=["signed_at"])
    return step.item


def request_adjust(task: Task | int, *, actor: User, reason: str, now: datetime | None = None) -> Task:
    """申请调整: 不属于本单位职责 or 表述需调整, with the reason; the 督查室 rules on it."""
    with TASKS.verb(task, A.REQUEST_ADJUST, actor, now=now) as step:
        item = step.item
        item.adjust_reason = _text(reason, "调整理由", "reason", min_len=4, max_len=1000)
        step.record(note=item.adjust_reason, fields=["adjust_reason"])
        step.after_commit(
            notify_users,
            [item.supervisor],
            kind="supervision_task",
            message=with_link(
                f"督办事项 {item.number} 申请调整：{item.adjust_reason[:60]}", task_path(item.number)
            ),
        )
    return item


def rule_adjust(
    task: Task | int, *, actor: User, grant: bool, note: str = "", now: datetime | None = None
) -> Task:
    """同意 (back to 已立项: edit and assign again) or 不同意 (back to 已交办, to be signed)."""
    with TASKS.verb(task, A.GRANT_ADJUST if grant else A.REFUSE_ADJUST, actor, now=now) as step:
        item = step.item
        remark = note.strip()[:1000]
        if not grant and len(remark) < 2:
            raise InvalidInput(
                "请填写不同意调整的理由。", code="invalid_input.text", details={"field": "note"}
            )
        item.review_note = remark
        step.record(note=remark, fields=["review_note"])
        step.after_commit(
            _tell_unit,
            item,
            f"督办事项 {item.number} 调整申请{'已同意' if grant else '未同意'}：{remark[:60]}",
        )
    return item


# ------------------------------------------------------------------ 办理: reports, extensions


def last_report(task: Task) -> TaskReport | None:
    return task.reports.order_by("-created_at", "-pk").first()


def report_progress(
    task: Task | int,
    *,
    actor: User,
    body: str,
    progress: int,
    evidence: str = "",
    next_steps: str = "",
    stage: bool = False,
    now: datetime | None = None,
) -> TaskReport:
    """A progress report (阶段办结 when `stage`): the next report is due one period on."""
    with TASKS.verb(task, A.REPORT, actor, now=now) as step:
        item, now = step.item, step.now
        text = _text(body, "进展情况", "body", min_len=10, max_len=4000)
        if not 0 <= progress <= 100:
            raise InvalidInput(
                "完成进度应为0至100。", code="invalid_input.progress", details={"field": "progress"}
            )
        if progress < item.progress:
            raise InvalidInput(
                f"完成进度不能低于上次报送的{item.progress}%。",
                code="invalid_input.progress",
                details={"field": "progress"},
            )
        report = TaskReport.objects.create(
            task=item,
            kind=ReportKind.STAGE if stage else ReportKind.PROGRESS,
            body=text,
            progress=progress,
            evidence=evidence.strip()[:2000],
            next_steps=next_steps.strip()[:2000],
            author=actor,
            created_at=now,
        )
        item.progress = progress
        item.staged = item.staged or stage
        if item.deadline is not None:
            item.next_report_by = min(add_working_days(now, item.report_every), item.deadline)
        step.record(
            note=text[:200],
            payload={"progress": progress, "stage": stage},
            fields=["progress", "staged", "next_report_by"],
        )
    return report


def request_extension(
    task: Task | int, *, actor: User, until: date, reason: str, now: datetime | None = None
) -> Task:
    """延期 is asked before the deadline, with a reason; the 督查室 then the leader decide."""
    with TASKS.verb(task, A.REQUEST_EXTENSION, actor, now=now) as step:
        item, now = step.item, step.now
        if item.deadline is not None and item.deadline <= now:
            raise Conflict("办结时限已过，不能再申请延期；请尽快办结。", code="supervision.extension_late")
        wanted = _end_of(until)
        if item.deadline is not None and wanted <= item.deadline:
            raise InvalidInput(
                "延期后的时限应晚于现有时限。", code="invalid_input.deadline", details={"field": "until"}
            )
        item.extension_reason = _text(reason, "延期理由", "reason", min_len=4, max_len=1000)
        item.extension_until, item.extension_step = wanted, ExtensionStep.REQUESTED
        step.record(
            note=item.extension_reason,
            payload={"until": wanted.isoformat()},
            fields=["extension_reason", "extension_until", "extension_step"],
        )
        step.after_commit(
            notify_users,
            [item.supervisor],
            kind="supervision_task",
            message=with_link(
                f"督办事项 {item.number} 申请延期至{until:%Y-%m-%d}：{item.extension_reason[:50]}",
                task_path(item.number),
            ),
        )
    return item


def rule_extension(
    task: Task | int, *, actor: User, grant: bool, note: str = "", now: datetime | None = None
) -> Task:
    """The 督查室's 审核 then the leader's 审批: the deadline moves only when both agreed."""
    with TASKS.verb(task, A.APPROVE_EXTENSION if grant else A.REFUSE_EXTENSION, actor, now=now) as step:
        item = step.item
        remark = note.strip()[:1000]
        if not grant and len(remark) < 2:
            raise InvalidInput(
                "请填写不同意延期的理由。", code="invalid_input.text", details={"field": "note"}
            )
        fields = ["extension_step"]
        payload: dict[str, object] = {"step": item.extension_step}
        if not grant:
            item.extension_step = ExtensionStep.NONE
        elif item.extension_step == ExtensionStep.REQUESTED:
            item.extension_step = ExtensionStep.SUPERVISOR_OK
            if item.leader is not None:
                step.after_commit(
                    notify_users,
                    [item.leader],
                    kind="supervision_task",
                    message=_linked(item, f"督办事项 {item.number} 的延期申请待您审批"),
                )
        else:
            payload["from"] = item.deadline.isoformat() if item.deadline else None
            item.deadline, item.extension_step = item.extension_until, ExtensionStep.NONE
            item.extensions += 1
            payload["to"] = item.deadline.isoformat() if item.deadline else None
            fields += ["deadline", "extensions"]
        step.record(note=remark, payload=payload, fields=fields)
        if item.extension_step == ExtensionStep.NONE:
            step.after_commit(
                _tell_unit, item, f"督办事项 {item.number} 延期申请{'已批准' if grant else '未获批准'}"
            )
    return item


# ------------------------------------------------------------------ 办结 / 初审 / 审结


def request_close(
    task: Task | int, *, actor: User, body: str, evidence: str = "", now: datetime | None = None
) -> TaskReport:
    """申请办结 with a report and its evidence (documents described, no screenshot required)."""
    with TASKS.verb(task, A.REQUEST_CLOSE, actor, now=now) as step:
        item, now = step.item, step.now
        text = _text(body, "办结情况", "body", min_len=10, max_len=4000)
        proof = _text(evidence, "佐证材料（文件、台账、验收记录等）", "evidence", min_len=4, max_len=2000)
        report = TaskReport.objects.create(
            task=item,
            kind=ReportKind.CLOSE,
            body=text,
            progress=100,
            evidence=proof,
            author=actor,
            created_at=now,
        )
        item.progress = 100
        step.record(note=text[:200], fields=["progress"])
        step.after_commit(
            notify_users,
            [item.supervisor],
            kind="supervision_task",
            message=_linked(item, f"督办事项 {item.number} 申请办结，待初审"),
        )
    return report


def first_review(task: Task | int, *, actor: User, note: str = "", now: datetime | None = None) -> Task:
    with TASKS.verb(task, A.FIRST_REVIEW, actor, now=now) as step:
        item = step.item
        item.review_note = note.strip()[:1000]
        step.record(note=item.review_note, fields=["review_note"])
        if item.leader is not None:
            step.after_commit(
                notify_users,
                [item.leader],
                kind="supervision_task",
                message=with_link(
                    f"督办事项 {item.number} 已通过督查室初审，待您审结", task_path(item.number)
                ),
            )
    return item


def return_task(task: Task | int, *, actor: User, note: str, now: datetime | None = None) -> Task:
    """退回重办 at either review (督查室's 初审 or the leader's 审结): back to 办理中, and a 黄色督办单
    to the lead unit (a review return is one of the 黄's reasons)."""
    from supervision.services.task_notices import issue_task_notice

    current = Task.objects.only("state").get(pk=task.pk if isinstance(task, Task) else task)
    action = A.LEADER_RETURN if current.state == TaskState.LEADER_REVIEW else A.RETURN
    with TASKS.verb(task, action, actor, now=now) as step:
        item = step.item
        item.review_note = _text(note, "退回理由", "note", min_len=4, max_len=1000)
        item.returns += 1
        # The unit reported 100 % when it asked to close; a return means it was not done.
        last = item.reports.exclude(kind=ReportKind.CLOSE).order_by("-created_at", "-pk").first()
        item.progress = last.progress if last else 0
        step.record(note=item.review_note, fields=["review_note", "returns", "progress"])
        # One open notice per task: when one is still unanswered (a 蓝 about the deadline …) it
        # carries on up its own ladder, and the unit is told of the return instead of receiving a
        # second notice for the same task.
        if not TaskNotice.objects.filter(task=item, state__in=NOTICE_OPEN_STATES).exists():
            issue_task_notice(
                item,
                actor=None,
                colour="yellow",
                reason="review_return",
                body=f"督办事项 {item.number} 申请办结被退回重办：{item.review_note}",
                now=step.now,
            )
        else:
            step.after_commit(_tell_unit, item, f"督办事项 {item.number} 被退回重办：{item.review_note[:60]}")
    return item


def final_review(task: Task | int, *, actor: User, note: str = "", now: datetime | None = None) -> Task:
    """审结 by the leader who assigned it: the task is 销号."""
    with TASKS.verb(task, A.FINAL_REVIEW, actor, now=now) as step:
        item = step.item
        item.review_note, item.closed_at = note.strip()[:1000], step.now
        late = bool(item.deadline and step.now > item.deadline)
        step.record(note=item.review_note, payload={"late": late}, fields=["review_note", "closed_at"])
        step.after_commit(_tell_unit, item, f"督办事项 {item.number} 已审结销号")
    return item


# ------------------------------------------------------------------ 分解


def split_task(
    task: Task, *, actor: User, parts: Sequence[tuple[str, Unit]], now: datetime | None = None
) -> list[Task]:
    """分解: sub-tasks of `task`, one per unit, each its own loop; the parent's progress rolls up.

    All or nothing: one refused part (a short title, a unit named twice) makes none. Who may
    split is who may 立项 (the guard's APPROVE rule; create_task asks it for each sub-task)."""
    TASK_GUARDS.check_actor(actor, A.APPROVE)  # a 403 before anything about the task is said
    if not parts:
        raise InvalidInput("请至少分解出一项子任务。", code="invalid_input.parts", details={"field": "parts"})
    if task.state == TaskState.CLOSED:
        raise Conflict("已销号的事项不能再分解。", code="supervision.task_closed")
    units = [unit.pk for _, unit in parts]
    if len(set(units)) != len(units):
        raise InvalidInput(
            "同一单位只能分到一项子任务。", code="invalid_input.parts", details={"field": "parts"}
        )
    with transaction.atomic():
        return [
            create_task(
                actor=actor,
                title=title,
                body=title,
                source_kind=task.source_kind,
                source_text=task.source_text,
                plan=task.plan,
                lead_unit=unit,
                leader=task.leader,
                deadline=timezone.localtime(task.deadline).date() if task.deadline else None,
                parent=task,
                record_id=task.record_id,
                now=now,
            )
            for title, unit in parts
        ]

"""督查室's decision tasks, plans, indicators and the extraction over JSON, under /api/v1/supervision.

The same verbs as the pages; a task the user may not see is a 404; refusals are the guards'
DomainErrors mapped once in mochou/api_errors.py. Registered on supervision.api's router.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Status

from accounts.models import Role, User
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from mochou.errors import InvalidInput, NotFound
from org.models import Unit
from supervision import indicators as ind
from supervision.api import router
from supervision.extract_db import extract_from_db
from supervision.guards import GUARDS, OFFERED
from supervision.indicator_api import loaded_measurement, measurement_out
from supervision.ledger import ledger_queryset, task_row
from supervision.services import instructions
from supervision.services import task_notices as tn
from supervision.services import tasks as svc
from supervision.task_guards import task_actions
from supervision.task_models import Indicator, Plan, Task, TaskNotice
from supervision.task_schemas import (
    ExtractDraftOut,
    ExtractIn,
    IndicatorFilters,
    IndicatorOut,
    InstructionIn,
    MeasurementIn,
    MeasurementOut,
    PlanOut,
    TaskActionIn,
    TaskCreateIn,
    TaskDetailOut,
    TaskEventOut,
    TaskFilters,
    TaskNoticeActIn,
    TaskNoticeIssueIn,
    TaskNoticeOut,
    TaskOut,
    TaskPageOut,
    TaskReportOut,
    TaskSplitIn,
)
from supervision.task_workflow import TaskAction
from supervision.views.tasks import may_view_tasks
from supervision.workflow import Action

A = TaskAction
ACTIONS_DOC = "；".join(
    f"{a.value} {a.label}" for a in TaskAction if a not in (TaskAction.DRAFT, TaskAction.INSTRUCT)
)


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _tasks(user: User) -> QuerySet[Task]:
    return ledger_queryset(Task.objects.visible_to(user) if may_view_tasks(user) else Task.objects.none())


def _task(request: HttpRequest, number: str) -> Task:
    task = (
        ledger_queryset(
            Task.objects.visible_to(_actor(request))
            if may_view_tasks(_actor(request))
            else Task.objects.none()
        )
        .filter(number=number)
        .first()
    )
    if task is None:
        raise NotFound("督办事项不存在或无权查看")
    return task


def _notice_out(notice: TaskNotice, user: User) -> TaskNoticeOut:
    return TaskNoticeOut(
        number=notice.number,
        task=notice.task.number,
        unit=notice.unit.code,
        colour=notice.colour,
        reason=tn.reason_label(notice.reason),
        state=notice.state,
        body=notice.body,
        respond_by=notice.respond_by,
        answer=notice.answer if notice.state == "answered" or user.unit_id == notice.unit_id else "",
        previous=notice.previous.number if notice.previous else None,
        allowed_actions=[a.value for a in GUARDS.available(user, notice, offered=OFFERED)],
    )


def _out(task: Task, user: User) -> dict[str, object]:
    row = task_row(task, timezone.now())
    return {
        "number": task.number,
        "title": task.title,
        "state": task.state,
        "state_label": task.get_state_display(),
        "source_kind": task.source_kind,
        "plan": task.plan.number if task.plan else None,
        "lead_unit": task.lead_unit.code if task.lead_unit else None,
        "co_units": [u.code for u in task.co_units.all()],
        "leader": task.leader.name if task.leader else None,
        "deadline": task.deadline,
        "days_left": row.days_left,
        "progress": task.rolled_progress(),
        "light": row.light,
        "target_text": task.target_text,
        "extension_step": task.extension_step,
        "allowed_actions": [a.value for a in task_actions(user, task)],
        "case": task.case.number if task.case is not None else None,
        "hotspot": task.hotspot_id,
    }


def reports_out(task: Task) -> list[TaskReportOut]:
    """A task's progress reports (进展、阶段办结、办结), oldest first: the detail's and the list's."""
    return [
        TaskReportOut(
            kind=r.kind,
            body=r.body,
            progress=r.progress,
            evidence=r.evidence,
            next_steps=r.next_steps,
            author=r.author.name,
            created_at=r.created_at,
        )
        for r in task.reports.select_related("author").order_by("created_at", "pk")
    ]


def task_detail(request: HttpRequest, number: str) -> TaskDetailOut:
    user = _actor(request)
    task = _task(request, number)
    return TaskDetailOut(
        **_out(task, user),  # type: ignore[arg-type]
        body=task.body,
        source_text=task.source_text,
        indicators=sorted(task.indicators.values_list("code", flat=True)),
        reports=reports_out(task),
        notices=[_notice_out(n, user) for n in task.notices.select_related("task", "unit", "previous")],
        events=[
            TaskEventOut(
                seq=e.seq,
                action=e.action,
                action_label=e.get_action_display(),
                from_state=e.from_state,
                to_state=e.to_state,
                actor=e.actor.name if e.actor else None,
                note=e.note,
                created_at=e.created_at,
            )
            for e in task.events.select_related("actor").order_by("seq")
        ],
    )


@router.get("/tasks", response={200: TaskPageOut, **ERRORS_LIST}, summary="督办事项列表（督办台账）")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> TaskPageOut:
    user = _actor(request)
    tasks = _tasks(user)
    if filters.state:
        tasks = tasks.filter(state=filters.state)
    if filters.plan:
        tasks = tasks.filter(plan__number=filters.plan)
    if filters.unit:
        tasks = tasks.filter(lead_unit__code=filters.unit)
    if filters.source_kind:
        tasks = tasks.filter(source_kind=filters.source_kind)
    if filters.case:
        tasks = tasks.filter(case__number=filters.case)
    if filters.hotspot:
        tasks = tasks.filter(hotspot_id=filters.hotspot)
    tasks = tasks.order_by("deadline", "number")
    page = tasks[filters.offset : filters.offset + filters.limit]
    return TaskPageOut(count=tasks.count(), items=[TaskOut(**_out(t, user)) for t in page])  # type: ignore[arg-type]


@router.post("/tasks", response={201: TaskDetailOut, **ERRORS_WRITE}, summary="立项（领导批示等，督查室）")
def create(request: HttpRequest, payload: TaskCreateIn) -> Status[TaskDetailOut]:
    plan = Plan.objects.filter(number=payload.plan).first() if payload.plan else None
    if payload.plan and plan is None:
        raise InvalidInput("没有该序号的计划。", code="invalid_input.plan", details={"field": "plan"})
    task = svc.create_task(
        actor=_actor(request),
        title=payload.title,
        body=payload.body,
        source_kind=payload.source_kind,
        source_text=payload.source_text,
        plan=plan,
        target_text=payload.target_text,
        deadline=payload.deadline,
        major=payload.major,
        indicators=_indicators(payload.indicators),
    )
    return Status(201, task_detail(request, task.number))


def _indicators(codes: list[str]) -> list[Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    if missing := [c for c in codes if c not in found]:
        raise InvalidInput(
            f"没有编码为“{missing[0]}”的指标。",
            code="invalid_input.indicator",
            details={"field": "indicators"},
        )
    return [found[c] for c in dict.fromkeys(codes)]


@router.post(
    "/instructions",
    response={201: TaskDetailOut, **ERRORS_WRITE},
    summary="领导批示：对工单或高频事作出批示，即交办为督办事项（市领导）",
)
def instruct(request: HttpRequest, payload: InstructionIn) -> Status[TaskDetailOut]:
    from cases.models import Case
    from hotspots.models import Hotspot

    case = hotspot = None
    if payload.case is not None:
        case = Case.objects.select_related("lead_unit").filter(number=payload.case).first()
        if case is None:
            raise NotFound("工单不存在")
    if payload.hotspot is not None:
        hotspot = Hotspot.objects.filter(pk=payload.hotspot).first()
        if hotspot is None:
            raise NotFound("高频事不存在")
    task = instructions.instruct(
        actor=_actor(request),
        body=payload.body,
        urgent=payload.urgent,
        days=payload.days,
        deadline=payload.deadline,
        lead_unit=_unit(payload.lead_unit),
        case=case,
        hotspot=hotspot,
    )
    return Status(201, task_detail(request, task.number))


@router.get("/tasks/{number}", response={200: TaskDetailOut, **ERRORS_READ}, summary="督办事项详情")
def get_task(request: HttpRequest, number: str) -> TaskDetailOut:
    return task_detail(request, number)


@router.get(
    "/tasks/{number}/reports",
    response={200: list[TaskReportOut], **ERRORS_READ},
    summary="督办事项的进展报告（进展、阶段办结、办结，按时间）",
    description="报送进展请用 POST /tasks/{number}/actions/report；404：事项不存在或无权查看。",
)
def task_reports(request: HttpRequest, number: str) -> list[TaskReportOut]:
    return reports_out(_task(request, number))


def _unit(code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise InvalidInput(
            f"没有编码为“{code}”的单位。", code="invalid_input.unit", details={"field": "lead_unit"}
        )
    return unit


@router.post(
    "/tasks/{number}/actions/{action}",
    response={200: TaskDetailOut, **ERRORS_WRITE},
    summary="督办事项操作（action 见说明）",
    description=ACTIONS_DOC,
)
def act(request: HttpRequest, number: str, action: str, payload: TaskActionIn) -> TaskDetailOut:
    try:
        verb = TaskAction(action)
    except ValueError:
        raise NotFound(f"没有“{action}”这个操作") from None
    user, task = _actor(request), _task(request, number)
    p = payload
    if verb == A.APPROVE:
        svc.approve_task(task, actor=user)
    elif verb == A.ASSIGN:
        leader = User.objects.filter(username=p.leader, role=Role.LEADER).first() if p.leader else None
        if p.leader and leader is None:
            raise InvalidInput("没有该市领导。", code="invalid_input.leader", details={"field": "leader"})
        co = [u for u in (_unit(c) for c in p.co_units) if u] if p.co_units is not None else None
        svc.assign_task(
            task,
            actor=user,
            lead_unit=_unit(p.lead_unit),
            co_units=co,
            leader=leader,
            deadline=p.deadline,
            report_every=p.report_every,
            indicators=_indicators(p.indicators) if p.indicators is not None else None,
        )
    elif verb == A.SIGN:
        svc.sign_task(task, actor=user)
    elif verb == A.REQUEST_ADJUST:
        svc.request_adjust(task, actor=user, reason=p.reason)
    elif verb in (A.GRANT_ADJUST, A.REFUSE_ADJUST):
        svc.rule_adjust(task, actor=user, grant=verb == A.GRANT_ADJUST, note=p.note)
    elif verb == A.REPORT:
        if p.progress is None:
            raise InvalidInput(
                "请填写完成进度。", code="invalid_input.progress", details={"field": "progress"}
            )
        svc.report_progress(
            task,
            actor=user,
            body=p.body,
            progress=p.progress,
            evidence=p.evidence,
            next_steps=p.next_steps,
            stage=p.stage,
        )
    elif verb == A.REQUEST_EXTENSION:
        if p.until is None:
            raise InvalidInput(
                "请填写申请延至的日期。", code="invalid_input.deadline", details={"field": "until"}
            )
        svc.request_extension(task, actor=user, until=p.until, reason=p.reason)
    elif verb in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION):
        svc.rule_extension(task, actor=user, grant=verb == A.APPROVE_EXTENSION, note=p.note)
    elif verb == A.REQUEST_CLOSE:
        svc.request_close(task, actor=user, body=p.body, evidence=p.evidence)
    elif verb == A.FIRST_REVIEW:
        svc.first_review(task, actor=user, note=p.note)
    elif verb in (A.RETURN, A.LEADER_RETURN):
        svc.return_task(task, actor=user, note=p.note)
    elif verb == A.FINAL_REVIEW:
        svc.final_review(task, actor=user, note=p.note)
    else:
        raise NotFound(f"没有“{action}”这个操作")
    return task_detail(request, number)


@router.post(
    "/tasks/{number}/split",
    response={201: list[TaskOut], **ERRORS_WRITE},
    summary="分解：按单位分解为子任务（督查室）",
    description="每个单位一项子任务，各自交办、签收、报送；上级事项进度按子任务汇总。全部成功或全部不成立。",
)
def split(request: HttpRequest, number: str, payload: TaskSplitIn) -> Status[list[TaskOut]]:
    user = _actor(request)
    task = _task(request, number)
    # _unit refuses an unknown code (422); it returns None only for a missing one, which the schema forbids.
    parts = [(p.title.strip() or task.title, u) for p in payload.parts if (u := _unit(p.lead_unit))]
    children = svc.split_task(task, actor=user, parts=parts)
    made = ledger_queryset(Task.objects.filter(pk__in=[c.pk for c in children])).order_by("pk")
    return Status(201, [TaskOut(**_out(c, user)) for c in made])  # type: ignore[arg-type]


@router.post(
    "/tasks/{number}/notices", response={201: TaskNoticeOut, **ERRORS_WRITE}, summary="对督办事项下发督办单"
)
def issue_task_notice(request: HttpRequest, number: str, payload: TaskNoticeIssueIn) -> Status[TaskNoticeOut]:
    user = _actor(request)
    notice = tn.issue_task_notice(
        _task(request, number),
        actor=user,
        body=payload.body,
        colour=payload.colour,
        respond_days=payload.respond_days,
    )
    return Status(201, _notice_out(notice, user))


def _task_notice(request: HttpRequest, number: str) -> TaskNotice:
    user = _actor(request)
    visible = Task.objects.visible_to(user) if may_view_tasks(user) else Task.objects.none()
    notice = (
        TaskNotice.objects.select_related("task", "unit", "previous")
        .filter(number=number, task__in=visible)
        .first()
    )
    if notice is None:
        raise NotFound("督办单不存在或无权查看")
    return notice


@router.get("/task-notices/{number}", response={200: TaskNoticeOut, **ERRORS_READ}, summary="事项督办单详情")
def get_task_notice(request: HttpRequest, number: str) -> TaskNoticeOut:
    return _notice_out(_task_notice(request, number), _actor(request))


@router.post(
    "/task-notices/{number}/{action}",
    response={200: TaskNoticeOut, **ERRORS_WRITE},
    summary="事项督办单操作：sign 签收 / answer 反馈 / approve 审核通过 / return 退回修改",
)
def act_task_notice(
    request: HttpRequest, number: str, action: str, payload: TaskNoticeActIn
) -> TaskNoticeOut:
    user, notice = _actor(request), _task_notice(request, number)
    if action == Action.SIGN:
        tn.sign_task_notice(notice, actor=user)
    elif action == Action.ANSWER:
        tn.answer_task_notice(notice, actor=user, body=payload.body)
    elif action == Action.APPROVE:
        tn.approve_task_notice(notice, actor=user)
    elif action == Action.RETURN:
        tn.return_task_notice(notice, actor=user, note=payload.note)
    else:
        raise NotFound(f"没有“{action}”这个操作")
    return _notice_out(_task_notice(request, number), user)


def _indicator_out(indicator: Indicator, on: date) -> IndicatorOut:
    s = ind.status(indicator, on)
    return IndicatorOut(
        code=indicator.code,
        plan=indicator.plan.number,
        name=indicator.name,
        measure_unit=indicator.measure_unit,
        kind=indicator.kind,
        baseline=indicator.baseline,
        target=indicator.target,
        due=indicator.due,
        value=s.value,
        period=s.period,
        completion=s.completion,
        elapsed=s.elapsed,
        gap=s.gap,
        light=s.light,
        why=s.why,
    )


@router.get("/plans", response={200: list[PlanOut], **ERRORS_LIST}, summary="八大计划与指标（序时进度）")
def plans(request: HttpRequest) -> list[PlanOut]:
    user, now, today = _actor(request), timezone.now(), timezone.localdate()
    if not may_view_tasks(user):
        return []
    out = []
    for plan in Plan.objects.prefetch_related("indicators__plan"):
        rows = [task_row(t, now) for t in ledger_queryset(Task.objects.visible_to(user).filter(plan=plan))]
        out.append(
            PlanOut(
                number=plan.number,
                name=plan.name,
                tasks=len(rows),
                off_track=sum(r.light in ("red", "yellow") for r in rows),
                indicators=[_indicator_out(i, today) for i in plan.indicators.all()],
            )
        )
    return out


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], **ERRORS_LIST},
    summary="指标列表（序时进度与灯色）",
    description="按计划、编码排序；plan 只列该计划的指标。无权查看督查督办的用户得到空列表。",
)
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> list[IndicatorOut]:
    if not may_view_tasks(_actor(request)):
        return []
    rows = Indicator.objects.select_related("plan").order_by("plan__number", "code")
    if filters.plan is not None:
        rows = rows.filter(plan__number=filters.plan)
    today = timezone.localdate()
    return [_indicator_out(i, today) for i in rows]


@router.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS_READ}, summary="指标详情")
def get_indicator(request: HttpRequest, code: str) -> IndicatorOut:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None or not may_view_tasks(_actor(request)):
        raise NotFound("指标不存在")
    return _indicator_out(indicator, timezone.localdate())


@router.post(
    "/indicators/{code}/measurements",
    response={201: MeasurementOut, **ERRORS_WRITE},
    summary="报送指标数值（督查室或指标的报送单位）",
)
def push_measurement(request: HttpRequest, code: str, payload: MeasurementIn) -> Status[MeasurementOut]:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise NotFound("指标不存在")
    m = ind.record_measurement(
        indicator,
        actor=_actor(request),
        period=payload.period,
        value=payload.value,
        numerator=payload.numerator,
        denominator=payload.denominator,
        source_document=payload.source_document,
        via="api",
    )
    # A new entry is always its period's newest: the period's value until corrected.
    return Status(201, measurement_out(loaded_measurement(m.pk), _actor(request), current=True))


@router.post(
    "/extract",
    response={200: list[ExtractDraftOut], **ERRORS_WRITE},
    summary="从会议纪要识别待审事项（只返回草稿，不保存）",
)
def extract(request: HttpRequest, payload: ExtractIn) -> list[ExtractDraftOut]:
    user = _actor(request)
    if user.role not in (Role.SUPERVISOR, Role.ADMIN):
        from mochou.errors import NotPermitted

        raise NotPermitted("只有督查室可以识别会议纪要。", code="permission_denied.role")
    drafts = extract_from_db(payload.text, year=payload.held_on.year if payload.held_on else None)
    return [ExtractDraftOut(**d.as_json()) for d in drafts]  # type: ignore[arg-type]

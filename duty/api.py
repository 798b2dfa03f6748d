"""/api/v1/duty: who is on duty, 平安报, incident reports. The same services as the pages; an
incident the user may not see is a 404; refusals map once (mochou/api_errors.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from accounts.models import User
from cases.schemas import IsoDate
from duty import config
from duty.access import in_duty_chain, is_unit_staff, may_use_duty
from duty.guards import (
    available_actions,
    available_drill_actions,
    available_key_actions,
    available_task_actions,
    require_office,
)
from duty.models import (
    DailyChase,
    Drill,
    DutyTask,
    Handover,
    Incident,
    KeyPerson,
    ReserveSite,
    Shift,
    Stock,
    Swap,
)
from duty.privacy import ShownPerson, people_for, person_for
from duty.schemas import (
    DutyDailyChaseOut,
    DutyDailyIn,
    DutyDailyOut,
    DutyDayRateOut,
    DutyDrillAssessIn,
    DutyDrillHoldIn,
    DutyDrillIn,
    DutyDrillOut,
    DutyFirstReportIn,
    DutyHandoverIn,
    DutyHandoverOut,
    DutyIncidentOut,
    DutyKeyCheckIn,
    DutyKeyCheckOut,
    DutyKeyPersonIn,
    DutyKeyPersonOut,
    DutyLinkCaseIn,
    DutyOnDutyOut,
    DutyRatesOut,
    DutyReasonIn,
    DutyRegisterIn,
    DutyReportIn,
    DutyReportOut,
    DutyShiftIn,
    DutyShiftOut,
    DutyShortfallOut,
    DutySiteCheckIn,
    DutySiteIn,
    DutySiteOut,
    DutyStockIn,
    DutyStockOut,
    DutySwapDecisionIn,
    DutySwapIn,
    DutySwapOut,
    DutyTaskActionIn,
    DutyTaskIn,
    DutyTaskOut,
    DutyUnitRateOut,
)
from duty.services import daily, drills, incidents, keypersons, reserves, rosters
from duty.services import tasks as task_svc
from duty.services.incidents import Figures
from duty.services.rosters import on_duty
from duty.views.board import chase_by_unit
from duty.views.common import phones_of
from duty.workflow import DrillState, KeyState, TaskAction, TaskState
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, ErrorOut, only_known_query
from mochou.errors import InvalidInput, NotFound, NotPermitted
from org.models import Unit

router = Router()

# Every duty operation answers 403 to a user outside the duty system (_actor: neither the duty
# chain nor a reporting unit's staff), as hall/api.py's ERRORS_HALL_READ documents for the hall;
# the reads also answer 422 for a bad filter, the item reads 404 for an item not theirs.
ERRORS_DUTY_LIST = {**ERRORS_LIST, 403: ErrorOut}
ERRORS_GET = {**ERRORS_READ, 403: ErrorOut, 422: ErrorOut}


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not may_use_duty(user):
        raise NotPermitted("只有应急值班室和各单位值班人员可以使用值班系统。")
    return user


def _units(user: User) -> list[Unit]:
    units = list(config.reporting_units())
    return units if in_duty_chain(user) else [u for u in units if u.pk == user.unit_id]


@router.get("/now", response={200: list[DutyOnDutyOut], **ERRORS_DUTY_LIST}, summary="当前在岗（各单位）")
def now_on_duty(request: HttpRequest) -> list[DutyOnDutyOut]:
    user = _actor(request)
    units = _units(user)
    shifts = on_duty([u.pk for u in units], timezone.now())
    phones = phones_of(request, list(shifts.values()), purpose="接口：当前在岗", user=user)
    out = []
    for unit in units:
        s = shifts.get(unit.pk)
        if s is None:
            out.append(
                DutyOnDutyOut(
                    unit=unit.code,
                    unit_name=unit.display_name,
                    on_duty=False,
                    leader=None,
                    leader_phone=None,
                    officer=None,
                    officer_phone=None,
                    ends_at=None,
                )
            )
            continue
        leader_phone, officer_phone = phones[s.pk]
        out.append(
            DutyOnDutyOut(
                unit=unit.code,
                unit_name=unit.display_name,
                on_duty=True,
                leader=s.leader.name,
                leader_phone=leader_phone,
                officer=s.officer.name,
                officer_phone=officer_phone,
                ends_at=s.ends_at,
            )
        )
    return out


def _daily_out(row: daily.DailyRow) -> DutyDailyOut:
    r = row.report
    return DutyDailyOut(
        unit=row.unit.code,
        unit_name=row.unit.display_name,
        day=r.day if r else timezone.localdate(),
        status=row.status,
        status_label=row.label,
        kind=r.kind if r else None,
        text=r.text if r else None,
        filed_at=r.filed_at if r else None,
    )


@router.get(
    "/daily", response={200: list[DutyDailyOut], **ERRORS_DUTY_LIST}, summary="平安报报送情况（某日）"
)
def daily_status(request: HttpRequest, day: IsoDate | None = None) -> list[DutyDailyOut]:
    user = _actor(request)
    rows = daily.daily_status(day or timezone.localdate(), timezone.now(), _units(user))
    return [_daily_out(r) for r in rows]


@router.post("/daily", response={201: DutyDailyOut, **ERRORS_WRITE}, summary="报送今日平安报")
def file_daily(request: HttpRequest, payload: DutyDailyIn) -> Status[DutyDailyOut]:
    user = _actor(request)
    if user.unit is None or not is_unit_staff(user, user.unit_id):
        raise NotPermitted("只有单位值班人员可以报送平安报。")
    report = daily.file_daily(
        user.unit, actor=user, kind=payload.kind, report_text=payload.text, now=timezone.now()
    )
    row = daily.DailyRow(user.unit, report, "late" if report.late else "on_time")
    return Status(201, _daily_out(row))


def _incident_out(incident: Incident, user: User) -> DutyIncidentOut:
    return DutyIncidentOut(
        number=incident.number or "",
        title=incident.title,
        state=incident.state,
        state_label=incident.get_state_display(),
        level=incident.level,
        level_label=incident.get_level_display(),
        kind=incident.kind,
        unit=incident.unit.code,
        township=incident.township.code if incident.township else None,
        place=incident.place,
        learned_at=incident.learned_at,
        next_due=incident.due_at,
        deaths=incident.deaths,
        injuries=incident.injuries,
        missing=incident.missing,
        losses=incident.losses,
        actions=[a.value for a in available_actions(user, incident)],
        reports=[
            DutyReportOut(
                kind=r.kind,
                label=r.label,
                seq=r.seq,
                text=r.text,
                level=r.level,
                filed_at=r.filed_at,
                due_at=r.due_at,
                late=r.late,
            )
            for r in incident.reports.all()
        ],
        cases=[c.number for c in incident.cases.all()],
    )


def _visible(user: User, number: str) -> Incident:
    found = Incident.objects.visible_to(user).select_related("unit", "township").filter(number=number).first()
    if found is None:
        raise NotFound("事件不存在或无权查看")
    return found


# Declared before /incidents/{number}: that URL would otherwise take this path (and answer 405).
@router.post(
    "/incidents/register",
    response={201: DutyIncidentOut, **ERRORS_WRITE},
    summary="登记突发事件（应急值班室，可来自 12345 工单）",
)
def register(request: HttpRequest, payload: DutyRegisterIn) -> Status[DutyIncidentOut]:
    """The office registers an incident for a unit, which then owes the 初报; a 12345 case number
    links the case in the same transaction (a wrong number leaves nothing registered)."""
    user = _actor(request)
    require_office(user, what="登记突发事件")
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise NotFound("没有这个单位。", code="duty.unit_not_found")
    township = None
    if payload.township:
        township = Unit.objects.townships().filter(code=payload.township).first()
        if township is None:
            raise InvalidInput("没有这个乡镇。", code="invalid_input.township", details={"field": "township"})
    at = timezone.now()
    with transaction.atomic():
        incident = incidents.register_incident(
            actor=user,
            unit=unit,
            title=payload.title,
            level=payload.level,
            kind=payload.kind,
            place=payload.place,
            township=township,
            occurred_at=payload.occurred_at or payload.learned_at or at,
            learned_at=payload.learned_at or at,
            now=at,
        )
        if payload.case:
            incidents.link_case(incident, actor=user, case_number=payload.case, now=at)
    return Status(201, _incident_out(_visible(user, incident.number or ""), user))


@router.get("/incidents", response={200: list[DutyIncidentOut], **ERRORS_DUTY_LIST}, summary="突发事件列表")
def list_incidents(request: HttpRequest, state: str | None = None) -> list[DutyIncidentOut]:
    user = _actor(request)
    rows = (
        Incident.objects.visible_to(user)
        .select_related("unit", "township")
        .prefetch_related("reports", "cases")
    )
    if state:
        rows = rows.filter(state=state)
    return [_incident_out(i, user) for i in rows[:100]]


@router.get("/incidents/{number}", response={200: DutyIncidentOut, **ERRORS_GET}, summary="突发事件详情")
def get_incident(request: HttpRequest, number: str) -> DutyIncidentOut:
    user = _actor(request)
    return _incident_out(_visible(user, number), user)


def _figures(payload: DutyReportIn | DutyFirstReportIn) -> Figures:
    return Figures(payload.deaths, payload.injuries, payload.missing, payload.losses, payload.actions_taken)


@router.post("/incidents", response={201: DutyIncidentOut, **ERRORS_WRITE}, summary="初报（新事件）")
def first_report(request: HttpRequest, payload: DutyFirstReportIn) -> Status[DutyIncidentOut]:
    user = _actor(request)
    township = None
    if payload.township:
        township = Unit.objects.townships().filter(code=payload.township).first()
        if township is None:
            raise InvalidInput("没有这个乡镇。", code="invalid_input.township", details={"field": "township"})
    incident = incidents.file_first_report(
        None,
        actor=user,
        report_text=payload.text,
        figures=_figures(payload),
        title=payload.title,
        level=payload.level,
        kind=payload.kind,
        place=payload.place,
        township=township,
        occurred_at=payload.occurred_at,
        learned_at=payload.learned_at,
        now=timezone.now(),
    )
    return Status(201, _incident_out(incident, user))


@router.post(
    "/incidents/{number}/first",
    response={200: DutyIncidentOut, **ERRORS_WRITE},
    summary="初报（已登记的事件）",
)
def first_of_registered(request: HttpRequest, number: str, payload: DutyReportIn) -> DutyIncidentOut:
    user = _actor(request)
    incident = incidents.file_first_report(
        _visible(user, number),
        actor=user,
        report_text=payload.text,
        figures=_figures(payload),
        now=timezone.now(),
    )
    return _incident_out(_visible(user, incident.number or number), user)


@router.post("/incidents/{number}/follow", response={200: DutyIncidentOut, **ERRORS_WRITE}, summary="续报")
def follow_up(request: HttpRequest, number: str, payload: DutyReportIn) -> DutyIncidentOut:
    user = _actor(request)
    incidents.file_follow_up(
        _visible(user, number),
        actor=user,
        report_text=payload.text,
        figures=_figures(payload),
        level=payload.level,
        now=timezone.now(),
    )
    return _incident_out(_visible(user, number), user)


@router.post("/incidents/{number}/final", response={200: DutyIncidentOut, **ERRORS_WRITE}, summary="终报")
def final(request: HttpRequest, number: str, payload: DutyReportIn) -> DutyIncidentOut:
    user = _actor(request)
    incidents.file_final(
        _visible(user, number),
        actor=user,
        report_text=payload.text,
        figures=_figures(payload),
        now=timezone.now(),
    )
    return _incident_out(_visible(user, number), user)


@router.post(
    "/incidents/{number}/cases",
    response={200: DutyIncidentOut, **ERRORS_WRITE},
    summary="关联 12345 工单",
)
def link(request: HttpRequest, number: str, payload: DutyLinkCaseIn) -> DutyIncidentOut:
    user = _actor(request)
    incidents.link_case(_visible(user, number), actor=user, case_number=payload.case, now=timezone.now())
    return _incident_out(_visible(user, number), user)


# ---------------------------------------------------------------- rosters

# The longest period the rates are computed over (the rates page's limit too).
RATES_MAX_DAYS = 62


def _rate(rate: daily.Rate) -> dict[str, object]:
    return {
        "expected": rate.expected,
        "reported": rate.reported,
        "late": rate.late,
        "missing": rate.missing,
        "percent": rate.percent,
    }


@router.get("/rates", response={200: DutyRatesOut, **ERRORS_GET}, summary="平安报报送率（某时段）")
def rates(request: HttpRequest, start: IsoDate | None = None, end: IsoDate | None = None) -> DutyRatesOut:
    """报送率 per unit and per day over [start, end] (default: the last 7 days), only days whose
    deadline has passed counted; a unit's staff get their own unit's."""
    only_known_query(request, "start", "end")
    user = _actor(request)
    end = end or timezone.localdate()
    start = start or end - timedelta(days=6)
    if start > end or (end - start).days >= RATES_MAX_DAYS:
        raise InvalidInput(
            f"时段须为 1 至 {RATES_MAX_DAYS} 天，且起始日期不晚于截止日期。",
            code="invalid_input.period",
            details={"field": "start"},
        )
    per_unit, per_day = daily.reporting_rates(start, end, timezone.now(), _units(user))
    return DutyRatesOut(
        start=start,
        end=end,
        units=[
            DutyUnitRateOut(unit=u.code, unit_name=u.display_name, **_rate(r))  # type: ignore[arg-type]
            for u, r in per_unit
        ],
        days=[DutyDayRateOut(day=d, **_rate(r)) for d, r in per_day],  # type: ignore[arg-type]
    )


@router.get(
    "/daily/today",
    response={200: list[DutyDailyChaseOut], **ERRORS_GET},
    summary="今日平安报报送情况及催报",
)
def daily_today(request: HttpRequest) -> list[DutyDailyChaseOut]:
    """Today's status per unit, with the chase of a missing report: when the notice went, when
    the SMS to the 带班领导 did (or that it could not)."""
    only_known_query(request)
    user = _actor(request)
    at = timezone.now()
    day = timezone.localtime(at).date()
    chased = chase_by_unit(day)
    out = []
    for row in daily.daily_status(day, at, _units(user)):
        rungs = chased.get(row.unit.pk, {})
        notice, sms = rungs.get(DailyChase.Rung.NOTICE), rungs.get(DailyChase.Rung.SMS)
        out.append(
            DutyDailyChaseOut(
                **_daily_out(row).model_dump(),
                notice_at=notice.created_at if notice else None,
                sms_at=sms.created_at if sms else None,
                sms_sent=sms.sent if sms else None,
            )
        )
    return out


def _unit_in_reach(user: User, code: str | None) -> Unit:
    """The unit a roster call concerns: the caller's own, or any for the duty chain (another
    unit's is a 403 with the reason)."""
    if not code:
        if user.unit is None:
            raise InvalidInput("请指定单位编码。", code="invalid_input.unit", details={"field": "unit"})
        return user.unit
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound("没有这个单位。", code="duty.unit_not_found")
    if unit.pk != user.unit_id and not in_duty_chain(user):
        raise NotPermitted("只能查看本单位的值班表。", code="permission_denied.unit")
    return unit


def _shifts_out(request: HttpRequest, user: User, shifts: list[Shift], purpose: str) -> list[DutyShiftOut]:
    phones = phones_of(request, shifts, purpose=purpose, user=user)
    handed = dict(Handover.objects.filter(shift__in=shifts).values_list("shift_id", "pk"))
    return [
        DutyShiftOut(
            id=s.pk,
            unit=s.unit.code,
            day=s.day,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            leader=s.leader.name,
            leader_phone=phones[s.pk][0],
            officer=s.officer.name,
            officer_phone=phones[s.pk][1],
            is_holiday=s.is_holiday,
            handover=handed.get(s.pk),
        )
        for s in shifts
    ]


@router.get("/shifts", response={200: list[DutyShiftOut], **ERRORS_GET}, summary="值班表（某单位某时段）")
def list_shifts(
    request: HttpRequest, unit: str | None = None, start: IsoDate | None = None, end: IsoDate | None = None
) -> list[DutyShiftOut]:
    """At most 62 days; without dates, this week (Monday to Sunday)."""
    user = _actor(request)
    the_unit = _unit_in_reach(user, unit)
    first = start or (timezone.localdate() - timedelta(days=timezone.localdate().weekday()))
    last = end or first + timedelta(days=6)
    if last < first or (last - first).days > 62:
        raise InvalidInput(
            "时段须在 62 天以内，且截止日不早于起始日。",
            code="invalid_input.period",
            details={"field": "end"},
        )
    shifts = list(
        Shift.objects.filter(unit=the_unit, day__gte=first, day__lte=last)
        .select_related("unit", "leader", "officer")
        .order_by("starts_at")
    )
    return _shifts_out(request, user, shifts, "接口：值班表")


def _member_of(unit: Unit, pk: int, field: str, label: str) -> User:
    person = User.objects.filter(pk=pk, unit=unit).first()
    if person is None:
        raise InvalidInput(f"{label}须为本单位人员。", code="invalid_input.person", details={"field": field})
    return person


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.post("/shifts", response={201: DutyShiftOut, **ERRORS_WRITE}, summary="排班（单个班次）")
def add_shift(request: HttpRequest, payload: DutyShiftIn) -> Status[DutyShiftOut]:
    user = _actor(request)
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise InvalidInput("没有这个单位。", code="invalid_input.unit", details={"field": "unit"})
    shift = rosters.add_shift(
        unit,
        actor=user,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        leader=_member_of(unit, payload.leader, "leader", "带班领导"),
        officer=_member_of(unit, payload.officer, "officer", "值班员"),
        leader_phone=payload.leader_phone,
        officer_phone=payload.officer_phone,
        note=payload.note,
    )
    return Status(201, _shifts_out(request, user, [shift], "接口：排班")[0])


def _shift(user: User, pk: int) -> Shift:
    shift = Shift.objects.select_related("unit", "leader", "officer").filter(pk=pk).first()
    if shift is None or not (in_duty_chain(user) or shift.unit_id == user.unit_id):
        raise NotFound("班次不存在或无权查看。", code="duty.shift_not_found")
    return shift


def _swap_out(swap: Swap, user: User) -> DutySwapOut:
    return DutySwapOut(
        id=swap.pk,
        shift=swap.shift_id,
        slot=swap.slot,
        requested_by=swap.requested_by.name,
        replacement=swap.replacement.name,
        reason=swap.reason,
        status=swap.status,
        may_decide=swap.status == Swap.Status.PENDING and rosters.may_decide_swap(user, swap),
    )


@router.get("/swaps", response={200: list[DutySwapOut], **ERRORS_GET}, summary="换班申请（某单位）")
def list_swaps(request: HttpRequest, unit: str | None = None, status: str | None = None) -> list[DutySwapOut]:
    user = _actor(request)
    the_unit = _unit_in_reach(user, unit)
    rows = Swap.objects.filter(shift__unit=the_unit).select_related("shift", "requested_by", "replacement")
    if status:
        if status not in Swap.Status.values:
            raise InvalidInput("未知的状态。", code="invalid_input.status", details={"field": "status"})
        rows = rows.filter(status=status)
    return [_swap_out(s, user) for s in rows[:200]]


@router.post("/shifts/{pk}/swaps", response={201: DutySwapOut, **ERRORS_WRITE}, summary="申请换班")
def request_swap(request: HttpRequest, pk: int, payload: DutySwapIn) -> Status[DutySwapOut]:
    user = _actor(request)
    shift = _shift(user, pk)
    swap = rosters.request_swap(
        shift,
        actor=user,
        slot=payload.slot,
        replacement=_member_of(shift.unit, payload.replacement, "replacement", "替班人"),
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, _swap_out(swap, user))


@router.post("/swaps/{pk}/decision", response={200: DutySwapOut, **ERRORS_WRITE}, summary="审批换班")
def decide_swap(request: HttpRequest, pk: int, payload: DutySwapDecisionIn) -> DutySwapOut:
    user = _actor(request)
    swap = Swap.objects.select_related("shift", "requested_by", "replacement").filter(pk=pk).first()
    if swap is None or not (in_duty_chain(user) or swap.shift.unit_id == user.unit_id):
        raise NotFound("换班申请不存在或无权查看。", code="duty.swap_not_found")
    decided = rosters.decide_swap(swap, actor=user, approve=payload.approve, now=timezone.now())
    return _swap_out(Swap.objects.select_related("requested_by", "replacement").get(pk=decided.pk), user)


def _handover_out(handover: Handover) -> DutyHandoverOut:
    return DutyHandoverOut(
        id=handover.pk,
        shift=handover.shift_id,
        next_shift=handover.next_shift_id,
        notes=handover.notes,
        items=[i.text for i in handover.items.all()],
        written_at=handover.written_at,
        received_at=handover.received_at,
    )


@router.post("/shifts/{pk}/handover", response={201: DutyHandoverOut, **ERRORS_WRITE}, summary="交班")
def hand_over(request: HttpRequest, pk: int, payload: DutyHandoverIn) -> Status[DutyHandoverOut]:
    user = _actor(request)
    handover = rosters.hand_over(_shift(user, pk), actor=user, notes=payload.notes, now=timezone.now())
    return Status(201, _handover_out(handover))


@router.post("/handovers/{pk}/receive", response={200: DutyHandoverOut, **ERRORS_WRITE}, summary="确认接班")
def receive(request: HttpRequest, pk: int) -> DutyHandoverOut:
    user = _actor(request)
    handover = Handover.objects.select_related("shift", "next_shift").filter(pk=pk).first()
    if handover is None or not (in_duty_chain(user) or handover.shift.unit_id == user.unit_id):
        raise NotFound("交接班记录不存在或无权查看。", code="duty.handover_not_found")
    return _handover_out(rosters.receive_handover(handover, actor=user, now=timezone.now()))


# ---------------------------------------------------------------- incident tasks


def _task_out(task: DutyTask, user: User) -> DutyTaskOut:
    return DutyTaskOut(
        id=task.pk,
        incident=task.incident.number or "",
        unit=task.unit.code,
        title=task.title,
        due_at=task.due_at,
        state=task.state,
        state_label=task.get_state_display(),
        result=task.result,
        actions=[a.value for a in available_task_actions(user, task)],
    )


@router.get("/tasks", response={200: list[DutyTaskOut], **ERRORS_GET}, summary="处置任务")
def list_tasks(request: HttpRequest, state: str | None = None) -> list[DutyTaskOut]:
    user = _actor(request)
    rows = DutyTask.objects.visible_to(user).select_related("incident", "unit")
    if state:
        if state not in TaskState.values:
            raise InvalidInput("未知的任务状态。", code="invalid_input.state", details={"field": "state"})
        rows = rows.filter(state=state)
    return [_task_out(t, user) for t in rows[:200]]


@router.post("/incidents/{number}/tasks", response={201: DutyTaskOut, **ERRORS_WRITE}, summary="下达处置任务")
def assign_task(request: HttpRequest, number: str, payload: DutyTaskIn) -> Status[DutyTaskOut]:
    user = _actor(request)
    incident = _visible(user, number)
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise InvalidInput("没有这个承办单位。", code="invalid_input.unit", details={"field": "unit"})
    task = task_svc.assign_task(
        incident,
        actor=user,
        unit=unit,
        title=payload.title,
        due_at=_aware(payload.due_at),
        now=timezone.now(),
    )
    return Status(201, _task_out(task, user))


@router.post(
    "/tasks/{pk}/{action}",
    response={200: DutyTaskOut, **ERRORS_WRITE},
    summary="处置任务操作（accept 签收 / report 反馈 / verify 销号 / reject 退回）",
)
def task_action(request: HttpRequest, pk: int, action: str, payload: DutyTaskActionIn) -> DutyTaskOut:
    user = _actor(request)
    task = DutyTask.objects.visible_to(user).select_related("incident", "unit").filter(pk=pk).first()
    if task is None:
        raise NotFound("任务不存在或无权查看。", code="duty.task_not_found")
    at = timezone.now()
    if action == TaskAction.ACCEPT:
        done = task_svc.accept_task(task, actor=user, now=at)
    elif action == TaskAction.REPORT:
        done = task_svc.report_task(task, actor=user, result=payload.result, now=at)
    elif action == TaskAction.VERIFY:
        done = task_svc.verify_task(task, actor=user, now=at)
    elif action == TaskAction.REJECT:
        done = task_svc.reject_task(task, actor=user, note=payload.note, now=at)
    else:
        raise NotFound("没有这个操作（accept、report、verify、reject）。", code="duty.unknown_action")
    return _task_out(done, user)


# ---------------------------------------------------------------- key persons


def _person_out(person: KeyPerson, user: User, shown: ShownPerson) -> DutyKeyPersonOut:
    at = timezone.now()
    return DutyKeyPersonOut(
        id=person.pk,
        state=person.state,
        category=person.category,
        reason=person.reason,
        unit=person.unit.code,
        responsible=person.responsible.name,
        name=shown.name,
        id_number=shown.id_number,
        phone=shown.phone,
        address=shown.address,
        plain=shown.plain,
        check_every_days=person.check_every_days,
        next_check_by=person.next_check_by,
        overdue=person.next_check_by is not None and person.next_check_by <= at,
        checks=[
            DutyKeyCheckOut(
                result=c.result,
                note=c.note,
                checked_by=c.checked_by.name,
                checked_at=c.checked_at,
                late=c.late,
            )
            for c in person.checks.select_related("checked_by")[:50]
        ],
        close_reason=person.close_reason,
        actions=[a.value for a in available_key_actions(user, person)],
    )


def _person(user: User, pk: int) -> KeyPerson:
    person = KeyPerson.objects.visible_to(user).select_related("unit", "responsible").filter(pk=pk).first()
    if person is None:
        raise NotFound("重点人员不存在或无权查看。", code="duty.keyperson_not_found")
    return person


@router.get("/keypersons", response={200: list[DutyKeyPersonOut], **ERRORS_GET}, summary="重点人员列表")
def list_persons(request: HttpRequest, state: str | None = None) -> list[DutyKeyPersonOut]:
    """Personal data plain only for the responsible unit's staff and the duty office (audited)."""
    user = _actor(request)
    rows = KeyPerson.objects.visible_to(user).select_related("unit", "responsible")
    if state:
        if state not in KeyState.values:
            raise InvalidInput("未知的状态。", code="invalid_input.state", details={"field": "state"})
        rows = rows.filter(state=state)
    persons = list(rows[:200])
    shown = people_for(user, persons, purpose="接口：重点人员列表", request=request)
    return [_person_out(p, user, shown[p.pk]) for p in persons]


@router.get("/keypersons/{pk}", response={200: DutyKeyPersonOut, **ERRORS_GET}, summary="重点人员详情")
def get_person(request: HttpRequest, pk: int) -> DutyKeyPersonOut:
    user = _actor(request)
    person = _person(user, pk)
    return _person_out(person, user, person_for(user, person, purpose="接口：重点人员详情", request=request))


@router.post("/keypersons", response={201: DutyKeyPersonOut, **ERRORS_WRITE}, summary="登记重点人员")
def register_person(request: HttpRequest, payload: DutyKeyPersonIn) -> Status[DutyKeyPersonOut]:
    user = _actor(request)
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise InvalidInput("没有这个单位。", code="invalid_input.unit", details={"field": "unit"})
    responsible = User.objects.filter(pk=payload.responsible).first()
    if responsible is None:
        raise InvalidInput("没有这个责任人。", code="invalid_input.person", details={"field": "responsible"})
    person = keypersons.register_person(
        unit,
        actor=user,
        category=payload.category,
        reason=payload.reason,
        responsible=responsible,
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        address=payload.address,
        check_every_days=payload.check_every_days,
        now=timezone.now(),
    )
    shown = person_for(user, person, purpose="接口：登记重点人员", request=request)
    return Status(201, _person_out(person, user, shown))


@router.post("/keypersons/{pk}/checks", response={201: DutyKeyPersonOut, **ERRORS_WRITE}, summary="记录核查")
def check_person(request: HttpRequest, pk: int, payload: DutyKeyCheckIn) -> Status[DutyKeyPersonOut]:
    user = _actor(request)
    keypersons.record_check(
        _person(user, pk), actor=user, result=payload.result, note=payload.note, now=timezone.now()
    )
    person = _person(user, pk)
    return Status(
        201, _person_out(person, user, person_for(user, person, purpose="接口：核查", request=request))
    )


@router.post("/keypersons/{pk}/close", response={200: DutyKeyPersonOut, **ERRORS_WRITE}, summary="解除管控")
def close_person(request: HttpRequest, pk: int, payload: DutyReasonIn) -> DutyKeyPersonOut:
    user = _actor(request)
    keypersons.close_person(_person(user, pk), actor=user, reason=payload.reason, now=timezone.now())
    person = _person(user, pk)
    return _person_out(person, user, person_for(user, person, purpose="接口：解除管控", request=request))


# ---------------------------------------------------------------- drills


def _drill_out(drill: Drill, user: User) -> DutyDrillOut:
    return DutyDrillOut(
        id=drill.pk,
        state=drill.state,
        state_label=drill.get_state_display(),
        unit=drill.unit.code,
        title=drill.title,
        kind=drill.kind,
        scenario=drill.scenario,
        participants=[u.code for u in drill.participants.all()],
        planned_on=drill.planned_on,
        held_on=drill.held_on,
        attendance=drill.attendance,
        summary=drill.summary,
        problems=drill.problems,
        improvements=drill.improvements,
        cancel_reason=drill.cancel_reason,
        actions=[a.value for a in available_drill_actions(user, drill)],
    )


def _drill(user: User, pk: int) -> Drill:
    drill = Drill.objects.visible_to(user).select_related("unit").filter(pk=pk).first()
    if drill is None:
        raise NotFound("演练不存在或无权查看。", code="duty.drill_not_found")
    return drill


@router.get("/drills", response={200: list[DutyDrillOut], **ERRORS_GET}, summary="应急演练")
def list_drills(request: HttpRequest, state: str | None = None) -> list[DutyDrillOut]:
    only_known_query(request, "state")
    user = _actor(request)
    rows = Drill.objects.visible_to(user).select_related("unit").prefetch_related("participants")
    if state:
        if state not in DrillState.values:
            raise InvalidInput("未知的状态。", code="invalid_input.state", details={"field": "state"})
        rows = rows.filter(state=state)
    return [_drill_out(d, user) for d in rows[:200]]


@router.get("/drills/{pk}", response={200: DutyDrillOut, **ERRORS_GET}, summary="演练详情")
def get_drill(request: HttpRequest, pk: int) -> DutyDrillOut:
    user = _actor(request)
    return _drill_out(_drill(user, pk), user)


@router.post("/drills", response={201: DutyDrillOut, **ERRORS_WRITE}, summary="制定演练计划")
def plan_drill(request: HttpRequest, payload: DutyDrillIn) -> Status[DutyDrillOut]:
    user = _actor(request)
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise InvalidInput("没有这个单位。", code="invalid_input.unit", details={"field": "unit"})
    participants = list(Unit.objects.filter(code__in=payload.participants))
    unknown = set(payload.participants) - {u.code for u in participants}
    if unknown:
        raise InvalidInput(
            f"没有这些参演单位：{'、'.join(sorted(unknown))[:100]}",
            code="invalid_input.unit",
            details={"field": "participants"},
        )
    drill = drills.plan_drill(
        unit,
        actor=user,
        title=payload.title,
        kind=payload.kind,
        scenario=payload.scenario,
        planned_on=payload.planned_on,
        participants=participants,
        now=timezone.now(),
    )
    return Status(201, _drill_out(drill, user))


@router.post("/drills/{pk}/hold", response={200: DutyDrillOut, **ERRORS_WRITE}, summary="记录演练实施")
def hold_drill(request: HttpRequest, pk: int, payload: DutyDrillHoldIn) -> DutyDrillOut:
    user = _actor(request)
    drill = drills.hold_drill(
        _drill(user, pk),
        actor=user,
        held_on=payload.held_on,
        attendance=payload.attendance,
        summary=payload.summary,
        now=timezone.now(),
    )
    return _drill_out(drill, user)


@router.post("/drills/{pk}/assess", response={200: DutyDrillOut, **ERRORS_WRITE}, summary="演练评估")
def assess_drill(request: HttpRequest, pk: int, payload: DutyDrillAssessIn) -> DutyDrillOut:
    user = _actor(request)
    drill = drills.assess_drill(
        _drill(user, pk),
        actor=user,
        problems=payload.problems,
        improvements=payload.improvements,
        now=timezone.now(),
    )
    return _drill_out(drill, user)


@router.post("/drills/{pk}/cancel", response={200: DutyDrillOut, **ERRORS_WRITE}, summary="取消演练")
def cancel_drill(request: HttpRequest, pk: int, payload: DutyReasonIn) -> DutyDrillOut:
    user = _actor(request)
    drill = drills.cancel_drill(_drill(user, pk), actor=user, reason=payload.reason, now=timezone.now())
    return _drill_out(drill, user)


# ---------------------------------------------------------------- reserves


def _reserve_scope(user: User) -> list[int] | None:
    return None if in_duty_chain(user) else [user.unit_id or 0]


def _keeping_unit(user: User, code: str) -> Unit:
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise InvalidInput("没有这个单位。", code="invalid_input.unit", details={"field": "unit"})
        return unit
    if user.unit is None:
        raise InvalidInput("请指定责任单位。", code="invalid_input.unit", details={"field": "unit"})
    return user.unit


def _site_out(site: ReserveSite) -> DutySiteOut:
    return DutySiteOut(
        id=site.pk,
        unit=site.unit.code,
        kind=site.kind,
        name=site.name,
        address=site.address,
        capacity=site.capacity,
        is_ready=site.is_ready,
        checked_at=site.checked_at,
        check_passed=site.check_passed,
    )


def _stock_out(stock: Stock) -> DutyStockOut:
    return DutyStockOut(
        id=stock.pk,
        unit=stock.unit.code,
        kind=stock.kind,
        name=stock.name,
        measure=stock.measure,
        quantity=stock.quantity,
        minimum=stock.minimum,
        expires_on=stock.expires_on,
        short=stock.short,
    )


@router.get("/reserves/sites", response={200: list[DutySiteOut], **ERRORS_GET}, summary="储备场所")
def list_sites(request: HttpRequest) -> list[DutySiteOut]:
    user = _actor(request)
    scope = _reserve_scope(user)
    rows = ReserveSite.objects.select_related("unit")
    if scope is not None:
        rows = rows.filter(unit_id__in=scope)
    return [_site_out(s) for s in rows[:500]]


@router.post("/reserves/sites", response={201: DutySiteOut, **ERRORS_WRITE}, summary="登记储备场所")
def add_site(request: HttpRequest, payload: DutySiteIn) -> Status[DutySiteOut]:
    user = _actor(request)
    site = reserves.add_site(
        _keeping_unit(user, payload.unit),
        actor=user,
        kind=payload.kind,
        name=payload.name,
        address=payload.address,
        capacity=payload.capacity,
    )
    return Status(201, _site_out(site))


@router.post(
    "/reserves/sites/{pk}/checks", response={201: DutySiteOut, **ERRORS_WRITE}, summary="记录场所达标检查"
)
def check_site(request: HttpRequest, pk: int, payload: DutySiteCheckIn) -> Status[DutySiteOut]:
    user = _actor(request)
    scope = _reserve_scope(user)
    rows = ReserveSite.objects.select_related("unit")
    site = (rows.filter(unit_id__in=scope) if scope is not None else rows).filter(pk=pk).first()
    if site is None:
        raise NotFound("场所不存在或无权查看。", code="duty.site_not_found")
    reserves.check_site(
        site, actor=user, passed=payload.passed, ready=payload.ready, note=payload.note, now=timezone.now()
    )
    site.refresh_from_db()
    return Status(201, _site_out(site))


@router.get("/reserves/stocks", response={200: list[DutyStockOut], **ERRORS_GET}, summary="储备物资")
def list_stocks(request: HttpRequest) -> list[DutyStockOut]:
    user = _actor(request)
    scope = _reserve_scope(user)
    rows = Stock.objects.select_related("unit")
    if scope is not None:
        rows = rows.filter(unit_id__in=scope)
    return [_stock_out(s) for s in rows[:500]]


@router.post("/reserves/stocks", response={201: DutyStockOut, **ERRORS_WRITE}, summary="登记或盘点储备物资")
def set_stock(request: HttpRequest, payload: DutyStockIn) -> Status[DutyStockOut]:
    user = _actor(request)
    stock = reserves.set_stock(
        _keeping_unit(user, payload.unit),
        actor=user,
        kind=payload.kind,
        name=payload.name,
        quantity=payload.quantity,
        minimum=payload.minimum,
        measure=payload.measure,
        expires_on=payload.expires_on,
        now=timezone.now(),
    )
    return Status(201, _stock_out(stock))


@router.get(
    "/reserves/shortfalls", response={200: list[DutyShortfallOut], **ERRORS_GET}, summary="储备短板与预警"
)
def list_shortfalls(request: HttpRequest) -> list[DutyShortfallOut]:
    user = _actor(request)
    return [
        DutyShortfallOut(unit=s.unit.code, what=s.what, why=s.why, target=s.target, kind=s.kind)
        for s in reserves.shortfalls(timezone.now(), _reserve_scope(user))
    ]

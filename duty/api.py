"""/api/v1/duty: who is on duty, 平安报, incident reports. The same services as the pages; an
incident the user may not see is a 404; refusals map once (mochou/api_errors.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from accounts.models import User
from cases.schemas import IsoDate
from duty import config
from duty.access import in_duty_chain, is_unit_staff, may_use_duty
from duty.guards import available_actions
from duty.models import Incident
from duty.schemas import (
    DutyDailyIn,
    DutyDailyOut,
    DutyFirstReportIn,
    DutyIncidentOut,
    DutyOnDutyOut,
    DutyReportIn,
    DutyReportOut,
)
from duty.services import daily, incidents
from duty.services.incidents import Figures
from duty.services.rosters import on_duty
from duty.views.common import phones_of
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from mochou.errors import InvalidInput, NotFound, NotPermitted
from org.models import Unit

router = Router()


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not may_use_duty(user):
        raise NotPermitted("只有应急值班室和各单位值班人员可以使用值班系统。")
    return user


def _units(user: User) -> list[Unit]:
    units = list(config.reporting_units())
    return units if in_duty_chain(user) else [u for u in units if u.pk == user.unit_id]


@router.get("/now", response={200: list[DutyOnDutyOut], **ERRORS_LIST}, summary="当前在岗（各单位）")
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


@router.get("/daily", response={200: list[DutyDailyOut], **ERRORS_LIST}, summary="平安报报送情况（某日）")
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


@router.get("/incidents", response={200: list[DutyIncidentOut], **ERRORS_LIST}, summary="突发事件列表")
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


@router.get("/incidents/{number}", response={200: DutyIncidentOut, **ERRORS_READ}, summary="突发事件详情")
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

"""突发事件信息报送: 登记, 初报, numbered 续报, 终报, escalation to the city's leaders by level,
links to the 12345 cases that report the incident. Deadlines in wall-clock minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case
from duty import config
from duty.access import in_duty_chain
from duty.guards import GUARDS, require_office
from duty.models import Incident, IncidentEvent, IncidentKind, IncidentLevel, IncidentReport
from duty.services.common import count, text
from duty.workflow import MACHINE, Action, State
from loop.verbs import Loop
from mochou.errors import Conflict, InvalidInput, NotFound
from notifications.services import notify_role, notify_unit, queue_sms
from org.models import Unit, UnitKind

INCIDENTS: Loop[Incident, State, Action] = Loop(
    model=Incident,
    event_model=IncidentEvent,
    item_field="incident",
    machine=MACHINE,
    guards=GUARDS,
    related=("unit", "township"),
)


@dataclass
class Figures:
    """What each report states: casualties, losses and the actions taken so far."""

    # Typed by a person in a form (strings) or given by the API (ints): `cleaned()` decides.
    deaths: int | str = 0
    injuries: int | str = 0
    missing: int | str = 0
    losses: str = ""
    actions_taken: str = ""

    def cleaned(self) -> Figures:
        return Figures(
            deaths=count(self.deaths, "死亡人数", "deaths"),
            injuries=count(self.injuries, "受伤人数", "injuries"),
            missing=count(self.missing, "失联人数", "missing"),
            losses=(self.losses or "").strip()[:200],
            actions_taken=(self.actions_taken or "").strip()[:2000],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "deaths": self.deaths,
            "injuries": self.injuries,
            "missing": self.missing,
            "losses": self.losses,
            "actions_taken": self.actions_taken,
        }


def incident_number(incident: Incident) -> str:
    return f"YJ{timezone.localtime(incident.created_at).year}-{incident.pk:05d}"


def first_due(level: str, learned_at: datetime) -> datetime:
    return learned_at + timedelta(minutes=config.first_report_minutes(level))


def _level(value: str) -> str:
    if value not in IncidentLevel.values:
        raise InvalidInput("请选择事件等级。", code="invalid_input.level", details={"field": "level"})
    return value


def _kind(value: str) -> str:
    if value not in IncidentKind.values:
        raise InvalidInput("请选择事件类型。", code="invalid_input.kind", details={"field": "kind"})
    return value


def _township(value: Unit | None) -> Unit | None:
    if value is not None and value.kind != UnitKind.TOWNSHIP:
        raise InvalidInput(
            "所在乡镇须为乡镇（街道）。", code="invalid_input.township", details={"field": "township"}
        )
    return value


def _aware(moment: datetime | None) -> datetime | None:
    """An API client may send a time without its zone: it is local time (the forms' reading)."""
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment


def _times(occurred_at: datetime, learned_at: datetime, now: datetime) -> None:
    if learned_at > now + timedelta(minutes=5) or occurred_at > learned_at + timedelta(minutes=1):
        raise InvalidInput(
            "发生时间不能晚于知悉时间，知悉时间不能晚于现在。",
            code="invalid_input.time",
            details={"field": "learned_at"},
        )


def _describe(incident: Incident) -> str:
    where = incident.township.display_name if incident.township else ""
    return f"【{incident.get_level_display()}】{where}{incident.place} {incident.title}"


def _tell_office(incident: Incident, message: str) -> None:
    office = config.office()
    if office is not None:
        notify_unit(office, kind="duty_incident", message=message)


def _escalate(incident: Incident) -> bool:
    """Tell the city's leaders (notice and SMS) of an incident at a leader level, once per level:
    a 续报 that raises the level tells them again. Returns whether they were told now."""
    level = incident.level
    if level not in config.leader_levels():
        return False
    if incident.leaders_told_level and incident.leaders_told_level <= level:
        return False
    toll = f"死亡{incident.deaths}人、受伤{incident.injuries}人、失联{incident.missing}人"
    tell_leaders(f"突发事件报告 {incident.number}：{_describe(incident)}，{toll}。")
    incident.leaders_told_level = level
    return True


def tell_leaders(message: str) -> None:
    """A notice to every city leader and an SMS to each one's mobile (queued; the notifications
    worker sends it). Called inside the caller's transaction, with its claim or its event."""
    notify_role([Role.LEADER], kind="duty_incident", message=message)
    for phone in (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .exclude(mobile="")
        .values_list("mobile", flat=True)
    ):
        queue_sms(phone, message)


def register_incident(
    *,
    actor: User,
    unit: Unit,
    title: str,
    level: str,
    kind: str,
    place: str,
    occurred_at: datetime,
    learned_at: datetime,
    township: Unit | None = None,
    case: Case | None = None,
    now: datetime,
) -> Incident:
    """The office learns of an incident (a call, a 12345 case): the unit owes the 初报 within the
    level's minutes from the moment of knowing. At a leader level the city's leaders are told at
    once — they do not wait for the unit's 初报 (which then does not tell them again)."""
    require_office(actor, what="登记突发事件")
    level, kind = _level(level), _kind(kind)
    occurred_at, learned_at = _aware(occurred_at) or now, _aware(learned_at) or now
    _times(occurred_at, learned_at, now)
    with INCIDENTS.start(Action.REGISTER, actor, now=now) as step:
        incident = INCIDENTS.create(
            step,
            unit=unit,
            title=text(title, "事件名称", "title", min_len=2, max_len=100),
            level=level,
            kind=kind,
            township=_township(township),
            place=text(place, "地点", "place", min_len=2, max_len=200),
            occurred_at=occurred_at,
            learned_at=learned_at,
            first_report_by=first_due(level, learned_at),
            created_by=actor,
            created_at=now,
        )
        incident.number = incident_number(incident)
        payload: dict[str, Any] = {
            "first_report_by": incident.first_report_by.isoformat(),
            "leaders_told": _escalate(incident),
        }
        if case is not None:
            incident.cases.add(case)
            payload["case"] = case.number
        step.record(payload=payload, fields=["number", "leaders_told_level"])
        due = timezone.localtime(incident.first_report_by).strftime("%H:%M")
        step.after_commit(
            notify_unit, unit, kind="duty_incident", message=f"请于 {due} 前报送初报：{_describe(incident)}"
        )
    return incident


def _report(
    incident: Incident,
    kind: str,
    seq: int,
    body: str,
    figures: Figures,
    actor: User,
    now: datetime,
    due: datetime,
) -> IncidentReport:
    for name, value in figures.as_dict().items():
        setattr(incident, name, value)
    return IncidentReport.objects.create(
        incident=incident,
        kind=kind,
        seq=seq,
        text=body,
        level=incident.level,
        filed_by=actor,
        filed_at=now,
        due_at=due,
        **figures.as_dict(),
    )


FIGURE_FIELDS = ["deaths", "injuries", "missing", "losses", "actions_taken"]


def file_first_report(
    incident: Incident | None,
    *,
    actor: User,
    report_text: str,
    figures: Figures,
    now: datetime,
    title: str = "",
    level: str = "",
    kind: str = "",
    place: str = "",
    township: Unit | None = None,
    occurred_at: datetime | None = None,
    learned_at: datetime | None = None,
) -> Incident:
    """初报: on a registered incident, or bringing a new one into being (the unit knew first)."""
    body = text(report_text, "报告内容", "text", min_len=4, max_len=4000)
    figures = figures.cleaned()
    if incident is None:
        if actor.unit is None:
            raise InvalidInput("没有所属单位的用户不能报送初报。", code="invalid_input.unit")
        level, kind = _level(level), _kind(kind)
        learned = _aware(learned_at) or now
        occurred = _aware(occurred_at) or learned
        _times(occurred, learned, now)
        with INCIDENTS.start(Action.FIRST, actor, now=now) as step:
            new = INCIDENTS.create(
                step,
                unit=actor.unit,
                title=text(title, "事件名称", "title", min_len=2, max_len=100),
                level=level,
                kind=kind,
                township=_township(township),
                place=text(place, "地点", "place", min_len=2, max_len=200),
                occurred_at=occurred,
                learned_at=learned,
                first_report_by=first_due(level, learned),
                created_by=actor,
                created_at=now,
            )
            new.number = incident_number(new)
            _first(step, new, body, figures, actor, now, extra=["number"])
        return new
    with INCIDENTS.verb(incident, Action.FIRST, actor, now=now) as step:
        _first(step, step.item, body, figures, actor, now)
        return step.item


def _first(
    step: Any,
    incident: Incident,
    body: str,
    figures: Figures,
    actor: User,
    now: datetime,
    extra: list[str] | None = None,
) -> None:
    report = _report(
        incident, IncidentReport.Kind.FIRST, 0, body, figures, actor, now, incident.first_report_by
    )
    incident.first_reported_at = now
    incident.next_report_by = now + timedelta(minutes=config.follow_up_minutes(incident.level))
    told = _escalate(incident)
    step.record(
        note=body,
        payload={
            "late": report.late,
            "leaders_told": told,
            "next_report_by": incident.next_report_by.isoformat(),
        },
        fields=[*FIGURE_FIELDS, "first_reported_at", "next_report_by", "leaders_told_level", *(extra or [])],
    )
    step.after_commit(_tell_office, incident, f"初报 {incident.number}：{_describe(incident)}")


def file_follow_up(
    incident: Incident, *, actor: User, report_text: str, figures: Figures, now: datetime, level: str = ""
) -> IncidentReport:
    """续报 n: numbered; may change the level (a rise is told to the leaders); sets the next 续报期限."""
    body = text(report_text, "续报内容", "text", min_len=4, max_len=4000)
    figures = figures.cleaned()
    with INCIDENTS.verb(incident, Action.FOLLOW, actor, now=now) as step:
        item = step.item
        old_level = item.level
        if level:
            item.level = _level(level)
        due = item.next_report_by or now
        item.follow_ups += 1
        report = _report(item, IncidentReport.Kind.FOLLOW, item.follow_ups, body, figures, actor, now, due)
        item.next_report_by = now + timedelta(minutes=config.follow_up_minutes(item.level))
        told = _escalate(item)
        step.record(
            note=body,
            payload={
                "seq": item.follow_ups,
                "late": report.late,
                "level": [old_level, item.level],
                "leaders_told": told,
            },
            fields=[*FIGURE_FIELDS, "level", "follow_ups", "next_report_by", "leaders_told_level"],
        )
        step.after_commit(_tell_office, item, f"续报（{item.follow_ups}）{item.number}：{_describe(item)}")
    return report


def file_final(
    incident: Incident, *, actor: User, report_text: str, figures: Figures, now: datetime
) -> IncidentReport:
    """终报: the incident is over and every task it gave is 销号 (the guard refuses otherwise)."""
    body = text(report_text, "终报内容", "text", min_len=4, max_len=4000)
    figures = figures.cleaned()
    with INCIDENTS.verb(incident, Action.FINAL, actor, now=now) as step:
        item = step.item
        report = _report(
            item, IncidentReport.Kind.FINAL, 0, body, figures, actor, now, item.next_report_by or now
        )
        item.finished_at, item.next_report_by = now, None
        step.record(
            note=body, payload={"late": report.late}, fields=[*FIGURE_FIELDS, "finished_at", "next_report_by"]
        )
        step.after_commit(_tell_office, item, f"终报 {item.number}：{_describe(item)}")
    return report


def link_case(incident: Incident, *, actor: User, case_number: str, now: datetime) -> Case:
    """A 12345 case that reports the incident: linked, so the incident shows its cases."""
    # The duty chain links a case the centre told it of by its number (it sees the case's number,
    # title and state on the incident, nothing of the citizen); a unit only a case it can see.
    cases = Case.objects.all() if in_duty_chain(actor) else Case.objects.visible_to(actor)
    case = cases.filter(number=case_number.strip()).first()
    if case is None:
        raise NotFound("找不到该工单，或无权查看。", code="duty.case_not_found")
    with INCIDENTS.verb(incident, Action.LINK, actor, now=now) as step:
        if step.item.cases.filter(pk=case.pk).exists():
            raise Conflict("该工单已关联。", code="duty.case_linked")
        step.item.cases.add(case)
        step.record(payload={"case": case.number})
    return case

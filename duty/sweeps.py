"""The duty sweeps: a missing 平安报 chased, reports owed on incidents reminded, uncovered roster
hours warned ahead. Each warning is claimed by a unique row in the same transaction as its
notice, so two workers or a rerun never send it twice (as supervision.sweeps does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from duty import config
from duty.coverage import gaps_by_unit, hours
from duty.models import (
    CoverageWarning,
    DailyChase,
    DailyReport,
    Drill,
    DrillReminder,
    DutyTask,
    Incident,
    IncidentReminder,
    KeyPerson,
    KeyPersonReminder,
    ReserveWarning,
    Shift,
)
from duty.services.daily import due_at
from duty.services.incidents import tell_leaders
from duty.services.reserves import shortfalls
from duty.services.rosters import on_duty
from duty.workflow import DrillState, KeyState, State, TaskState
from notifications.services import notify_unit, notify_users, queue_sms
from org.models import Unit

# A report owed on an incident is reminded this many minutes before its deadline.
NEAR_MINUTES = 10


def _hm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _claim(model: type, **values: object) -> bool:
    try:
        with transaction.atomic():
            model._default_manager.create(**values)  # type: ignore[attr-defined]
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------- 平安报


def chase_daily(now: datetime | None = None) -> dict[str, int]:
    """Today's missing 平安报: at the deadline a notice to the unit; `sms_after` later an SMS to
    the 带班领导 on duty (the unit's leader when no shift runs)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    deadline = due_at(day)
    done = {"notice": 0, "sms": 0, "sms_unsent": 0}
    if now < deadline:
        return done
    filed = DailyReport.objects.filter(day=day).values("unit_id")
    missing = list(config.reporting_units().exclude(pk__in=filed))
    for unit in missing:
        with transaction.atomic():
            if _claim(DailyChase, unit=unit, day=day, rung=DailyChase.Rung.NOTICE, created_at=now):
                notify_unit(
                    unit,
                    kind="duty_daily_missing",
                    message=f"今日平安报尚未报送（期限 {_hm(deadline)}），请立即报送",
                )
                done["notice"] += 1
    if now < deadline + config.sms_after():
        return done
    shifts = on_duty([u.pk for u in missing], now)
    office = config.office()
    for unit in missing:
        phone, person = _leader_contact(unit, shifts.get(unit.pk))
        with transaction.atomic():
            if not _claim(
                DailyChase, unit=unit, day=day, rung=DailyChase.Rung.SMS, phone=phone, created_at=now
            ):
                continue
            body = (
                f"【应急值班】{unit.display_name}今日平安报逾期未报（期限 {_hm(deadline)}），"
                "请督促值班人员立即报送。"
            )
            if person is not None:
                notify_users([person], kind="duty_daily_missing", message=body)
            if phone:
                queue_sms(phone, body)
                done["sms"] += 1
                continue
            # No number to send to: the rung is recorded as not sent (the board lists it) and the
            # office is told to call the unit another way — never counted as a chase that went.
            DailyChase.objects.filter(unit=unit, day=day, rung=DailyChase.Rung.SMS).update(sent=False)
            if office is not None:
                notify_unit(
                    office,
                    kind="duty_daily_missing",
                    message=f"{unit.display_name}平安报逾期未报，带班领导无手机号码，催报短信未能发出，请电话催报",
                )
            done["sms_unsent"] += 1
    return done


def _leader_contact(unit: Unit, shift: object) -> tuple[str, User | None]:
    if shift is not None:
        leader = shift.leader  # type: ignore[attr-defined]
        return (shift.leader_phone or leader.mobile), leader  # type: ignore[attr-defined]
    fallback = User.objects.filter(unit=unit, role=Role.UNIT_LEADER, is_active=True).order_by("pk").first()
    return (fallback.mobile if fallback else ""), fallback


# ---------------------------------------------------------------- incidents


def sweep_incidents(now: datetime | None = None) -> dict[str, int]:
    """初报/续报 owed: near (NEAR_MINUTES before) the unit is reminded; overdue the unit and the
    office are told — and the city's leaders too when a late 初报 is of a leader level. Each
    (incident, kind, deadline) once."""
    now = now or timezone.now()
    near = now + timedelta(minutes=NEAR_MINUTES)
    done = {
        "first_near": 0,
        "first_overdue": 0,
        "first_overdue_leaders": 0,
        "follow_near": 0,
        "follow_overdue": 0,
    }
    rungs = [
        ("first", State.PENDING, "first_report_by"),
        ("follow", State.REPORTED, "next_report_by"),
    ]
    office = config.office()
    for what, state, field in rungs:
        owed = Incident.objects.filter(state=state, **{f"{field}__lte": near}).select_related(
            "unit", "township"
        )
        for incident in owed:
            deadline = getattr(incident, field)
            kind = f"{what}_{'overdue' if deadline <= now else 'near'}"
            label = "初报" if what == "first" else f"续报（{incident.follow_ups + 1}）"
            with transaction.atomic():
                if not _claim(IncidentReminder, incident=incident, kind=kind, deadline=deadline):
                    continue
                if kind.endswith("near"):
                    message = f"{incident.number} {incident.title}：请于 {_hm(deadline)} 前报送{label}"
                    notify_unit(incident.unit, kind="duty_incident", message=message)
                else:
                    late = f"{label}已超时（期限 {_hm(deadline)}）"
                    message = f"{incident.number} {incident.title}：{late}，请立即报送"
                    notify_unit(incident.unit, kind="duty_incident", message=message)
                    if office is not None and office.pk != incident.unit_id:
                        notify_unit(office, kind="duty_incident", message=message)
                    # A major incident whose 初报 is late: the leaders, told at registration,
                    # learn that the unit has not reported (once, with this claim).
                    if what == "first" and incident.level in config.leader_levels():
                        tell_leaders(f"突发事件 {incident.number} {incident.title}：{late}，已督促报送")
                        done["first_overdue_leaders"] += 1
                done[kind] += 1
    done["task_overdue"] = _overdue_tasks(now, office)
    return done


def _overdue_tasks(now: datetime, office: Unit | None) -> int:
    """A task past its deadline and not yet reported: its unit and the office are told, once per
    task and deadline (the claim shares the incident's reminder table, keyed by the task); still
    not reported `task_second_reminder` later, they are told again (再次催办), the unit's leader
    and the office's leader by name — also once per task and deadline."""
    told = 0
    open_states = [TaskState.ISSUED, TaskState.ACCEPTED]
    late = DutyTask.objects.filter(state__in=open_states, due_at__lte=now)
    for task in late.select_related("incident", "unit"):
        with transaction.atomic():
            if not _claim(
                IncidentReminder, incident=task.incident, kind=f"task_{task.pk}", deadline=task.due_at
            ):
                continue
            message = f"处置任务逾期未反馈（{task.incident.number}）：{task.title}，期限 {_hm(task.due_at)}"
            notify_unit(task.unit, kind="duty_task", message=message)
            if office is not None and office.pk != task.unit_id:
                notify_unit(office, kind="duty_task", message=message)
            told += 1
    again = DutyTask.objects.filter(state__in=open_states, due_at__lte=now - config.task_second_reminder())
    for task in again.select_related("incident", "unit"):
        with transaction.atomic():
            if not _claim(
                IncidentReminder, incident=task.incident, kind=f"task2_{task.pk}", deadline=task.due_at
            ):
                continue
            message = (
                f"再次催办：处置任务（{task.incident.number}）{task.title} 已超期，"
                f"期限 {_hm(task.due_at)}，请立即反馈"
            )
            notify_unit(task.unit, kind="duty_task", message=message)
            if office is not None and office.pk != task.unit_id:
                notify_unit(office, roles=[Role.UNIT_LEADER], kind="duty_task", message=message)
            told += 1
    return told


# ---------------------------------------------------------------- roster coverage


# A unit that never had a shift: its one gap is dated here, so it is warned once, not every run.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def _gap_origin(unit_id: int, start: datetime, now: datetime) -> datetime:
    """Where a gap really began: a gap already running at `now` began when the last shift ended
    (the window's start moves each run; the gap does not)."""
    if start > now:
        return start
    last = Shift.objects.filter(unit_id=unit_id, ends_at__lte=now).aggregate(m=Max("ends_at"))["m"]
    return last or NEVER


def warn_coverage(now: datetime | None = None) -> int:
    """Uncovered hours within the horizon: the unit's staff and the office are warned of every
    gap, each once (one CoverageWarning per gap start) — a second gap after a planned stretch is
    a second hole in the roster, not part of the first."""
    now = now or timezone.now()
    horizon = now + config.coverage_horizon()
    units = {u.pk: u for u in config.reporting_units()}
    gaps = gaps_by_unit(units, now, horizon)
    office = config.office()
    warned = 0
    for unit_id, spans in gaps.items():
        unit = units[unit_id]
        for start, end in spans:
            with transaction.atomic():
                if not _claim(CoverageWarning, unit=unit, gap_start=_gap_origin(unit_id, start, now)):
                    continue
                # A gap cut by the horizon may run on: its end is not known, only its length so far.
                span = f"自 {_hm(start)} 起" if end >= horizon else f"{_hm(start)} 至 {_hm(end)}"
                message = (
                    f"{unit.display_name}值班表{span}有 {hours((start, end)):.0f} 小时无人值班，请及时排班"
                )
                notify_unit(unit, kind="duty_coverage", message=message)
                if office is not None and office.pk != unit_id:
                    notify_unit(office, roles=[Role.UNIT_LEADER], kind="duty_coverage", message=message)
                warned += 1
    return warned


# ---------------------------------------------------------------- key persons


def warn_key_checks(now: datetime | None = None) -> int:
    """A key person's check past its deadline: the responsible person, the unit's staff and the
    office are told, once per (person, deadline) — a check done sets a new deadline."""
    now = now or timezone.now()
    office = config.office()
    warned = 0
    late = KeyPerson.objects.filter(state=KeyState.ACTIVE, next_check_by__lte=now).select_related("unit")
    for person in late:
        deadline = person.next_check_by
        if deadline is None:  # the filter says otherwise; for the type checker
            continue
        with transaction.atomic():
            if not _claim(KeyPersonReminder, person=person, deadline=deadline):
                continue
            # No name in a notice (the office's staff may see it, a notice is not audited): the
            # record's number and category lead to the page, where the view is audited.
            message = (
                f"重点人员核查逾期：{person.unit.display_name}{person.get_category_display()}"
                f"（编号 {person.pk}），应于 {_hm(deadline)} 前核查"
            )
            notify_unit(person.unit, kind="duty_keyperson", message=message)
            if person.responsible.unit_id != person.unit_id:
                notify_users([person.responsible], kind="duty_keyperson", message=message)
            if office is not None and office.pk != person.unit_id:
                notify_unit(office, kind="duty_keyperson", message=message)
            warned += 1
    return warned


# ---------------------------------------------------------------- reserves


def warn_reserves(now: datetime | None = None) -> dict[str, int]:
    """Each reserve shortfall (a stock below its minimum, expired or expiring within
    config.reserve_expiry_days(), a site failed, not ready or unchecked) is told to the
    responsible unit and the office once: an open ReserveWarning claims it. A shortfall gone is
    resolved, so the same one coming back is warned again. A rerun (or a second worker) after a
    lost run warns what was missed and nothing twice."""
    now = now or timezone.now()
    found = {(s.target, s.kind): s for s in shortfalls(now) if s.target}
    office = config.office()
    done = {"warned": 0, "resolved": 0}
    for warning in ReserveWarning.objects.filter(resolved_at__isnull=True):
        if (warning.target, warning.kind) not in found:
            done["resolved"] += ReserveWarning.objects.filter(pk=warning.pk, resolved_at__isnull=True).update(
                resolved_at=now
            )
    for (target, kind), shortfall in found.items():
        message = f"应急储备预警：{shortfall.unit.display_name} · {shortfall.what}：{shortfall.why}"
        with transaction.atomic():
            if not _claim(
                ReserveWarning,
                unit=shortfall.unit,
                target=target,
                kind=kind,
                message=message[:300],
                created_at=now,
            ):
                continue
            notify_unit(shortfall.unit, kind="duty_reserve", message=message)
            if office is not None and office.pk != shortfall.unit.pk:
                notify_unit(office, kind="duty_reserve", message=message)
            done["warned"] += 1
    return done


# ---------------------------------------------------------------- drills


def warn_drills(now: datetime | None = None) -> int:
    """A drill still planned after its date (neither held nor cancelled): the organising unit and
    the office are told, once per drill and planned date (DrillReminder)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    office = config.office()
    warned = 0
    late = Drill.objects.filter(state=DrillState.PLANNED, planned_on__lt=today).select_related("unit")
    for drill in late:
        with transaction.atomic():
            if not _claim(DrillReminder, drill=drill, planned_on=drill.planned_on):
                continue
            message = (
                f"应急演练逾期未实施：{drill.unit.display_name}「{drill.title}」"
                f"计划于 {drill.planned_on:%m-%d} 实施，尚未记录实施情况，请记录实施或取消"
            )
            notify_unit(drill.unit, kind="duty_drill", message=message)
            if office is not None and office.pk != drill.unit_id:
                notify_unit(office, kind="duty_drill", message=message)
            warned += 1
    return warned

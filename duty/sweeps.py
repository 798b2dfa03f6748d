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
from duty.models import CoverageWarning, DailyChase, DailyReport, DutyTask, Incident, IncidentReminder, Shift
from duty.services.daily import due_at
from duty.services.rosters import on_duty
from duty.workflow import State, TaskState
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
    done = {"notice": 0, "sms": 0}
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
            queue_sms(phone, body)
            if person is not None:
                notify_users([person], kind="duty_daily_missing", message=body)
            done["sms"] += 1
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
    office are told. Each (incident, kind, deadline) once."""
    now = now or timezone.now()
    near = now + timedelta(minutes=NEAR_MINUTES)
    done = {"first_near": 0, "first_overdue": 0, "follow_near": 0, "follow_overdue": 0}
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
                done[kind] += 1
    done["task_overdue"] = _overdue_tasks(now, office)
    return done


def _overdue_tasks(now: datetime, office: Unit | None) -> int:
    """A task past its deadline and not yet reported: its unit and the office are told, once per
    task and deadline (the claim shares the incident's reminder table, keyed by the task)."""
    told = 0
    late = DutyTask.objects.filter(state__in=[TaskState.ISSUED, TaskState.ACCEPTED], due_at__lte=now)
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
    """Uncovered hours within the horizon: the unit's staff and the office are warned, once a gap."""
    now = now or timezone.now()
    units = {u.pk: u for u in config.reporting_units()}
    gaps = gaps_by_unit(units, now, now + config.coverage_horizon())
    office = config.office()
    warned = 0
    for unit_id, spans in gaps.items():
        unit = units[unit_id]
        start, _end = spans[0]
        with transaction.atomic():
            if not _claim(CoverageWarning, unit=unit, gap_start=_gap_origin(unit_id, start, now)):
                continue
            total = sum(hours(g) for g in spans)
            message = (
                f"{unit.display_name}值班表有 {total:.0f} 小时无人值班，最早自 {_hm(start)} 起，请及时排班"
            )
            notify_unit(unit, kind="duty_coverage", message=message)
            if office is not None and office.pk != unit_id:
                notify_unit(office, roles=[Role.UNIT_LEADER], kind="duty_coverage", message=message)
            warned += 1
    return warned

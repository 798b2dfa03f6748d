"""平安报: each unit's daily report (平安 in one tap, or a situation), and the office's view of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from accounts.models import User
from duty import config
from duty.access import is_unit_staff
from duty.models import DailyReport
from duty.services.common import at_local, local_day, require, text
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_unit
from org.models import Unit


def due_at(day: date) -> datetime:
    return at_local(day, config.daily_deadline())


def file_daily(unit: Unit, *, actor: User, kind: str, report_text: str = "", now: datetime) -> DailyReport:
    """Today's report of the actor's unit: once a day; after the deadline it is kept, marked late."""
    require(is_unit_staff(actor, unit.pk), "只有本单位值班人员可以报送平安报。")
    if kind not in DailyReport.Kind.values:
        raise InvalidInput("请选择“平安”或“有情况”。", code="invalid_input.kind", details={"field": "kind"})
    kind = DailyReport.Kind(kind)
    if kind == DailyReport.Kind.SITUATION:
        body = text(report_text, "情况说明", "text", min_len=4, max_len=2000)
    else:
        body = (report_text or "").strip()[:2000]
    day = local_day(now)
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                unit=unit, day=day, kind=kind, text=body, filed_by=actor, filed_at=now, due_at=due_at(day)
            )
    except IntegrityError:
        raise Conflict("本单位今日已报送平安报。", code="duty.daily_filed") from None
    if kind == DailyReport.Kind.SITUATION:
        office = config.office()
        if office is not None:
            notify_unit(office, kind="duty_situation", message=f"{unit.display_name}报送情况：{body[:200]}")
    return report


@dataclass(frozen=True)
class DailyRow:
    unit: Unit
    report: DailyReport | None
    status: str  # "on_time", "late", "missing" (past the deadline), "waiting" (not due yet)

    @property
    def label(self) -> str:
        return {"on_time": "按时报送", "late": "迟报", "missing": "未报", "waiting": "待报"}[self.status]


def _status(report: DailyReport | None, day: date, now: datetime) -> str:
    if report is not None:
        return "late" if report.late else "on_time"
    return "missing" if now >= due_at(day) else "waiting"


def daily_status(day: date, now: datetime, units: Sequence[Unit] | None = None) -> list[DailyRow]:
    units = list(units if units is not None else config.reporting_units())
    reports = {
        r.unit_id: r for r in DailyReport.objects.filter(day=day, unit__in=units).select_related("filed_by")
    }
    return [DailyRow(u, reports.get(u.pk), _status(reports.get(u.pk), day, now)) for u in units]


@dataclass(frozen=True)
class Rate:
    expected: int
    reported: int
    late: int

    @property
    def percent(self) -> float:
        return round(100 * self.reported / self.expected, 1) if self.expected else 100.0

    @property
    def missing(self) -> int:
        return self.expected - self.reported


def _days(start: date, end: date, now: datetime) -> list[date]:
    """The days from start to end whose deadline has passed at `now` (only those are owed)."""
    out, day = [], start
    while day <= end:
        if due_at(day) <= now:
            out.append(day)
        day += timedelta(days=1)
    return out


def reporting_rates(
    start: date, end: date, now: datetime, units: Sequence[Unit] | None = None
) -> tuple[list[tuple[Unit, Rate]], list[tuple[date, Rate]]]:
    """报送率 per unit and per day over [start, end] (days not yet due are not counted)."""
    units = list(units if units is not None else config.reporting_units())
    days = _days(start, end, now)
    rows = DailyReport.objects.filter(day__in=days, unit__in=units).values_list(
        "unit_id", "day", "filed_at", "due_at"
    )
    seen: dict[tuple[int, date], bool] = {(u, d): f > due for u, d, f, due in rows}
    per_unit = []
    for unit in units:
        mine = [seen[(unit.pk, d)] for d in days if (unit.pk, d) in seen]
        per_unit.append((unit, Rate(len(days), len(mine), sum(mine))))
    per_day = []
    for day in days:
        that = [seen[(u.pk, day)] for u in units if (u.pk, day) in seen]
        per_day.append((day, Rate(len(units), len(that), sum(that))))
    return per_unit, per_day

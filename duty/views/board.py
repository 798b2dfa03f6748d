"""The office's board (who is on duty, today's 平安报, open incidents, gaps) and the rates page."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from duty import config
from duty.access import in_duty_chain
from duty.coverage import gaps_by_unit, hours
from duty.models import DailyChase, DutyTask, Incident, ReserveWarning
from duty.privacy import people_for
from duty.services.daily import daily_status, reporting_rates
from duty.services.drills import upcoming
from duty.services.keypersons import due_soon
from duty.services.reserves import shortfalls
from duty.services.rosters import on_duty
from duty.views.common import duty_page, me, now, parse_day, phones_of, today
from duty.workflow import OPEN_STATES, TASK_OPEN_STATES


def incident_rows(incidents: list[Incident], at: object) -> list[dict[str, object]]:
    rows = []
    for incident in incidents:
        due = incident.due_at
        minutes = int((due - at).total_seconds() // 60) if due else None
        rows.append(
            {
                "incident": incident,
                "due": due,
                "minutes": minutes,
                "overdue": minutes is not None and minutes < 0,
            }
        )
    return rows


def chase_by_unit(day: date) -> dict[int, dict[str, DailyChase]]:
    """Today's chase of each unit's missing 平安报, by rung (`notice`, `sms`): when each went."""
    chased: dict[int, dict[str, DailyChase]] = {}
    for row in DailyChase.objects.filter(day=day):
        chased.setdefault(row.unit_id, {})[row.rung] = row
    return chased


@duty_page
def board(request: HttpRequest) -> HttpResponse:
    if not in_duty_chain(request.user):
        return redirect("duty:unit")
    at, day = now(), today()
    units = list(config.reporting_units())
    shifts = on_duty([u.pk for u in units], at)
    phones = phones_of(request, list(shifts.values()), purpose="值班总览")
    status = daily_status(day, at, units)
    reported = sum(1 for r in status if r.report is not None)
    chased = chase_by_unit(day)
    status_rows = [(r, chased.get(r.unit.pk, {})) for r in status]
    gaps = gaps_by_unit([u.pk for u in units], at, at + config.coverage_horizon())
    names = {u.pk: u for u in units}
    incidents = list(
        Incident.objects.filter(state__in=OPEN_STATES)
        .select_related("unit", "township")
        .order_by("first_report_by")
    )
    due = due_soon(at)[:20]
    shown = people_for(me(request), due, purpose="值班总览：重点人员核查", request=request)
    key_due = [{"person": p, "shown": shown[p.pk], "overdue": p.next_check_by <= at} for p in due]  # type: ignore[operator]
    context = {
        "on_duty": [
            {
                "unit": u,
                "shift": shifts.get(u.pk),
                "phones": phones.get(shifts[u.pk].pk) if u.pk in shifts else None,
            }
            for u in units
        ],
        "status": status,
        # Each unit's row with today's chase (已催报 HH:MM, 短信已发 HH:MM), the rungs that went.
        "status_rows": status_rows,
        "reported": reported,
        "expected": len(status),
        "late": sum(1 for r in status if r.status == "late"),
        "missing": [(r, c) for r, c in status_rows if r.status == "missing"],
        "incidents": incident_rows(incidents, at),
        "gaps": [
            {"unit": names[uid], "first": spans[0][0], "hours": round(sum(hours(g) for g in spans))}
            for uid, spans in gaps.items()
        ],
        "shortfalls": shortfalls(at),
        "tasks": DutyTask.objects.filter(state__in=TASK_OPEN_STATES).select_related("incident", "unit")[:50],
        "key_due": key_due,
        "drills": upcoming(day),
        "reserve_warnings": ReserveWarning.objects.filter(resolved_at__isnull=True).select_related("unit")[
            :20
        ],
        # A chase SMS that could not go (no phone for the 带班领导): the office calls instead.
        "unsent": DailyChase.objects.filter(day=day, rung=DailyChase.Rung.SMS, sent=False).select_related(
            "unit"
        ),
        # The gap card's heading says how far the check looks (DUTY_COVERAGE_HORIZON_HOURS).
        "horizon_hours": int(config.coverage_horizon().total_seconds() // 3600),
        "now": at,
        "day": day,
    }
    return render(request, "duty/board.html", context)


@duty_page
def rates(request: HttpRequest) -> HttpResponse:
    end = parse_day(request.GET.get("end"), today())
    start = parse_day(request.GET.get("start"), end - timedelta(days=6))
    if start > end or (end - start).days > 62:
        start = end - timedelta(days=6)
    units = list(config.reporting_units())
    if not in_duty_chain(request.user):
        units = [u for u in units if u.pk == me(request).unit_id]
    per_unit, per_day = reporting_rates(start, end, now(), units)
    return render(
        request, "duty/rates.html", {"per_unit": per_unit, "per_day": per_day, "start": start, "end": end}
    )

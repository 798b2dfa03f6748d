"""The office's board (who is on duty, today's 平安报, open incidents, gaps) and the rates page."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from duty import config
from duty.access import in_duty_chain
from duty.coverage import gaps_by_unit, hours
from duty.models import DutyTask, Incident
from duty.services.daily import daily_status, reporting_rates
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
    gaps = gaps_by_unit([u.pk for u in units], at, at + config.coverage_horizon())
    names = {u.pk: u for u in units}
    incidents = list(
        Incident.objects.filter(state__in=OPEN_STATES)
        .select_related("unit", "township")
        .order_by("first_report_by")
    )
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
        "reported": reported,
        "expected": len(status),
        "late": sum(1 for r in status if r.status == "late"),
        "missing": [r for r in status if r.status == "missing"],
        "incidents": incident_rows(incidents, at),
        "gaps": [
            {"unit": names[uid], "first": spans[0][0], "hours": round(sum(hours(g) for g in spans))}
            for uid, spans in gaps.items()
        ],
        "shortfalls": shortfalls(at),
        "tasks": DutyTask.objects.filter(state__in=TASK_OPEN_STATES).select_related("incident", "unit")[:50],
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

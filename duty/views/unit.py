"""A unit's phone page: 平安报 in one tap, today's shift, open items, handover, its incidents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from duty.access import is_unit_staff
from duty.models import DailyReport, DutyTask, Handover, Incident, OpenItem, Shift
from duty.services import daily, rosters
from duty.views.board import incident_rows
from duty.views.common import duty_page, me, now, phones_of, posted, today
from duty.workflow import OPEN_STATES, TASK_OPEN_STATES
from mochou.errors import NotPermitted
from org.models import Unit


def _own_unit(request: HttpRequest) -> Unit:
    unit = me(request).unit
    if unit is None or not is_unit_staff(me(request), unit.pk):
        raise NotPermitted("只有单位值班人员有本单位值班页。")
    return unit


def unit_context(request: HttpRequest, unit: Unit) -> dict[str, object]:
    at, day = now(), today()
    shift = rosters.on_duty([unit.pk], at).get(unit.pk)
    phones = phones_of(request, [shift], purpose="本单位值班") if shift else {}
    incidents = list(Incident.objects.filter(unit=unit, state__in=OPEN_STATES).order_by("first_report_by"))
    return {
        "unit": unit,
        "report": DailyReport.objects.filter(unit=unit, day=day).first(),
        "due": daily.due_at(day),
        "shift": shift,
        "phones": phones.get(shift.pk) if shift else None,
        "handover": Handover.objects.filter(next_shift=shift, received_at__isnull=True).first()
        if shift
        else None,
        "items": OpenItem.objects.filter(unit=unit, closed_at__isnull=True),
        "incidents": incident_rows(incidents, at),
        "tasks": DutyTask.objects.filter(unit=unit, state__in=TASK_OPEN_STATES).select_related("incident"),
        "now": at,
    }


@duty_page
def unit_home(request: HttpRequest) -> HttpResponse:
    try:
        unit = _own_unit(request)
    except NotPermitted:
        return render(request, "duty/not_unit.html", status=403)
    return render(request, "duty/unit.html", unit_context(request, unit))


@duty_page
def file_daily(request: HttpRequest) -> HttpResponse:
    """The one tap: an htmx POST that answers with the report's card (or a plain redirect)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    unit = _own_unit(request)
    error = ""
    try:
        daily.file_daily(
            unit,
            actor=me(request),
            kind=request.POST.get("kind", "safe"),
            report_text=request.POST.get("text", ""),
            now=now(),
        )
    except NotPermitted:
        raise
    except Exception as exc:  # a DomainError: shown in the card
        from mochou.errors import DomainError

        if not isinstance(exc, DomainError):
            raise
        error = exc.message
    context = unit_context(request, unit) | {"error": error}
    return render(request, "duty/_daily.html", context, status=200 if not error else 422)


@posted
def open_item(request: HttpRequest) -> str:
    rosters.open_item(
        _own_unit(request), actor=me(request), item_text=request.POST.get("text", ""), now=now()
    )
    return "已登记待办事项。"


@posted
def close_item(request: HttpRequest, pk: int) -> str:
    item = get_object_or_404(OpenItem, pk=pk)
    rosters.close_item(item, actor=me(request), note=request.POST.get("note", ""), now=now())
    return "已办结。"


@posted
def hand_over(request: HttpRequest, pk: int) -> str:
    shift = get_object_or_404(Shift, pk=pk)
    handover = rosters.hand_over(shift, actor=me(request), notes=request.POST.get("notes", ""), now=now())
    return f"已交班，{handover.items.count()} 项待办事项移交下一班。"


@posted
def receive(request: HttpRequest, pk: int) -> str:
    rosters.receive_handover(get_object_or_404(Handover, pk=pk), actor=me(request), now=now())
    return "已接班。"

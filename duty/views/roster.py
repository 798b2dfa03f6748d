"""Rosters: a unit's week or month with the calendar's holidays, planning, shifts, swaps."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.models import User
from duty import config
from duty.access import in_duty_chain
from duty.models import Shift, Swap
from duty.services import rosters
from duty.services.common import at_local
from duty.views.common import duty_page, me, now, parse_day, parse_moment, phones_of, posted, today
from mochou.errors import InvalidInput
from org.models import Unit
from worktime.calendar import CalendarMissing, is_workday


def _unit_for(request: HttpRequest) -> Unit:
    user = me(request)
    code = request.GET.get("unit") or request.POST.get("unit")
    if code and in_duty_chain(user):
        return get_object_or_404(Unit, code=code)
    if user.unit is None:
        return get_object_or_404(Unit, code=config.office_code())
    return user.unit


def _holiday(day: date) -> bool:
    try:
        return not is_workday(day)
    except CalendarMissing:
        return False


@duty_page
def roster(request: HttpRequest) -> HttpResponse:
    unit = _unit_for(request)
    span = 30 if request.GET.get("view") == "month" else 7
    start = parse_day(request.GET.get("start"), today() - timedelta(days=today().weekday()))
    end = start + timedelta(days=span)
    shifts = list(
        Shift.objects.filter(
            unit=unit,
            starts_at__lt=at_local(end, config.shift_start()),
            ends_at__gt=at_local(start, config.shift_start()),
        )
        .select_related("leader", "officer")
        .order_by("starts_at")
    )
    phones = phones_of(request, shifts, purpose="值班表")
    by_day: dict[object, list[Shift]] = {}
    for s in shifts:
        by_day.setdefault(s.day, []).append(s)
    days = [
        {"day": d, "holiday": _holiday(d), "shifts": [(s, phones[s.pk]) for s in by_day.get(d, [])]}
        for d in (start + timedelta(days=n) for n in range(span))
    ]
    staff = User.objects.filter(unit=unit, is_active=True).order_by("role", "pk")
    context = {
        "unit": unit,
        "days": days,
        "start": start,
        "prev": start - timedelta(days=span),
        "next": end,
        "view": "month" if span == 30 else "week",
        "staff": staff,
        "may_edit": rosters.may_edit_roster(request.user, unit),
        "swaps": Swap.objects.filter(shift__unit=unit, status=Swap.Status.PENDING).select_related(
            "shift", "requested_by", "replacement"
        ),
        "units": list(config.reporting_units()) if in_duty_chain(request.user) else [],
        "now": now(),
    }
    context["swap_rows"] = [(s, rosters.may_decide_swap(request.user, s)) for s in context["swaps"]]  # type: ignore[attr-defined]
    return render(request, "duty/roster.html", context)


@duty_page
def roster_print(request: HttpRequest) -> HttpResponse:
    """值班表 for print (A4): a week or a calendar month of one unit, 带班领导/值班员 with the
    phones as this viewer may see them (phones_of: masked outside the chain, plain views
    audited), holidays marked from the working calendar."""
    unit = _unit_for(request)
    month = request.GET.get("view") == "month"
    first = parse_day(request.GET.get("start"), today())
    if month:
        start = first.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    else:
        start = first - timedelta(days=first.weekday())
        end = start + timedelta(days=7)
    shifts = list(
        Shift.objects.filter(unit=unit, day__gte=start, day__lt=end)
        .select_related("leader", "officer")
        .order_by("starts_at")
    )
    phones = phones_of(request, shifts, purpose="打印值班表")
    by_day: dict[date, list[Shift]] = {}
    for s in shifts:
        by_day.setdefault(s.day, []).append(s)
    days = [
        {"day": d, "holiday": _holiday(d), "shifts": [(s, phones[s.pk]) for s in by_day.get(d, [])]}
        for d in (start + timedelta(days=n) for n in range((end - start).days))
    ]
    context = {"unit": unit, "days": days, "start": start, "end": end - timedelta(days=1), "month": month}
    return render(request, "duty/roster_print.html", context)


def _person(unit: Unit, value: str | None, field: str, label: str) -> User:
    typed = value or ""
    person = User.objects.filter(pk=int(typed) if typed.isdecimal() else 0, unit=unit).first()
    if person is None:
        raise InvalidInput(f"请选择{label}。", code="invalid_input.person", details={"field": field})
    return person


@posted
def add_shift(request: HttpRequest) -> str:
    unit = _unit_for(request)
    p = request.POST
    rosters.add_shift(
        unit,
        actor=me(request),
        starts_at=parse_moment(p.get("starts_at"), "starts_at", "开始时间"),
        ends_at=parse_moment(p.get("ends_at"), "ends_at", "结束时间"),
        leader=_person(unit, p.get("leader"), "leader", "带班领导"),
        officer=_person(unit, p.get("officer"), "officer", "值班员"),
        leader_phone=p.get("leader_phone", ""),
        officer_phone=p.get("officer_phone", ""),
        note=p.get("note", ""),
    )
    return "已排班。"


@posted
def plan(request: HttpRequest) -> str:
    unit = _unit_for(request)
    p = request.POST
    start = parse_day(p.get("start"), today())
    typed = p.get("days") or "7"
    days = int(typed) if typed.isdecimal() else 7
    made = rosters.plan_rota(
        unit,
        actor=me(request),
        start=start,
        days=max(1, min(days, 62)),
        leaders=[_person(unit, v, "leaders", "带班领导") for v in p.getlist("leaders")],
        officers=[_person(unit, v, "officers", "值班员") for v in p.getlist("officers")],
        workdays_only=p.get("workdays_only") == "1",
    )
    return f"已排 {len(made)} 个班次。"


@posted
def request_swap(request: HttpRequest, pk: int) -> str:
    shift = get_object_or_404(Shift, pk=pk)
    rosters.request_swap(
        shift,
        actor=me(request),
        slot=request.POST.get("slot", "officer"),
        replacement=_person(shift.unit, request.POST.get("replacement"), "replacement", "替班人"),
        reason=request.POST.get("reason", ""),
        now=now(),
    )
    return "已提交换班申请，待本单位负责人审批。"


@posted
def decide_swap(request: HttpRequest, pk: int) -> str:
    swap = get_object_or_404(Swap, pk=pk)
    approve = request.POST.get("decision") == "approve"
    rosters.decide_swap(swap, actor=me(request), approve=approve, now=now())
    return "已同意换班。" if approve else "已不同意换班。"

"""演练: the list (next ones first), planning, one drill with its actions (实施, 评估, 取消)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from duty import config, guards
from duty.access import is_unit_staff
from duty.models import Drill, IncidentKind
from duty.services import drills as svc
from duty.views.common import duty_page, me, now, parse_optional_day, posted, today
from duty.workflow import DrillAction
from mochou.errors import DomainError, InvalidInput, NotFound
from org.models import Unit


def _visible(request: HttpRequest, pk: int) -> Drill:
    drill = Drill.objects.visible_to(request.user).select_related("unit").filter(pk=pk).first()
    if drill is None:
        raise NotFound("找不到该演练，或无权查看。")
    return drill


def _organisers(request: HttpRequest) -> list[Unit]:
    user = me(request)
    if guards.is_office(user):
        return list(config.reporting_units())
    return [user.unit] if user.unit is not None and is_unit_staff(user, user.unit_id) else []


@duty_page
def drill_list(request: HttpRequest) -> HttpResponse:
    rows = Drill.objects.visible_to(request.user).select_related("unit").prefetch_related("participants")
    context = {
        "upcoming": list(rows.filter(state="planned").order_by("planned_on")[:100]),
        "past": list(rows.exclude(state="planned").order_by("-planned_on")[:100]),
        "may_plan": bool(_organisers(request)),
    }
    return render(request, "duty/drills.html", context)


def _form_context(request: HttpRequest) -> dict[str, object]:
    return {
        "organisers": _organisers(request),
        "units": list(config.reporting_units()),
        "kinds": IncidentKind.choices,
        "post": request.POST,
        "today": today(),
    }


@duty_page
def drill_new(request: HttpRequest) -> HttpResponse:
    if not _organisers(request):
        return render(request, "duty/not_unit.html", status=403)
    if request.method == "POST":
        p = request.POST
        try:
            unit = next((u for u in _organisers(request) if u.code == p.get("unit")), None)
            if unit is None:
                raise InvalidInput("请选择组织单位。", code="invalid_input.unit", details={"field": "unit"})
            planned = parse_optional_day(p.get("planned_on"), "planned_on", "计划日期")
            if planned is None:
                raise InvalidInput(
                    "请填写计划日期。", code="invalid_input.date", details={"field": "planned_on"}
                )
            drill = svc.plan_drill(
                unit,
                actor=me(request),
                title=p.get("title", ""),
                kind=p.get("kind", ""),
                scenario=p.get("scenario", ""),
                planned_on=planned,
                participants=list(Unit.objects.filter(code__in=p.getlist("participants"))),
                now=now(),
            )
        except DomainError as error:
            context = _form_context(request) | {"error": error.message}
            return render(request, "duty/drill_new.html", context, status=422)
        return redirect("duty:drill", pk=drill.pk)
    return render(request, "duty/drill_new.html", _form_context(request))


@duty_page
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        drill = _visible(request, pk)
    except NotFound:
        return render(request, "duty/not_found.html", status=404)
    context = {
        "drill": drill,
        "actions": [a.value for a in guards.available_drill_actions(request.user, drill)],
        "events": [
            (e, DrillAction(e.action).label if e.action in DrillAction.values else e.action)
            for e in drill.events.select_related("actor")
        ],
        "today": today(),
    }
    return render(request, "duty/drill.html", context)


@posted
def drill_act(request: HttpRequest, pk: int, action: str) -> str:
    drill = _visible(request, pk)
    user, at, p = me(request), now(), request.POST
    if action == DrillAction.HOLD:
        held = parse_optional_day(p.get("held_on"), "held_on", "实施日期") or today()
        svc.hold_drill(
            drill,
            actor=user,
            held_on=held,
            attendance=p.get("attendance", ""),
            summary=p.get("summary", ""),
            now=at,
        )
        return "已记录演练实施情况。"
    if action == DrillAction.ASSESS:
        svc.assess_drill(
            drill, actor=user, problems=p.get("problems", ""), improvements=p.get("improvements", ""), now=at
        )
        return "已提交演练评估。"
    if action == DrillAction.CANCEL:
        svc.cancel_drill(drill, actor=user, reason=p.get("reason", ""), now=at)
        return "已取消演练。"
    raise NotFound("没有这个操作。")

"""重点人员: the list (due and overdue first), registering, one person with their checks, the
phone-sized check form, and closing. Personal data through duty.privacy (masked outside the
responsible chain, every plain view audited)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from duty import guards
from duty.access import in_duty_chain, is_office_staff
from duty.models import KeyPerson, KeyPersonCheck
from duty.privacy import people_for, person_for
from duty.services import keypersons as svc
from duty.views.common import duty_page, me, now, posted
from duty.workflow import KeyAction, KeyState
from mochou.errors import DomainError, InvalidInput, NotFound
from org.models import Unit

PAGE = 200


def _visible(request: HttpRequest, pk: int) -> KeyPerson:
    person = (
        KeyPerson.objects.visible_to(request.user).select_related("unit", "responsible").filter(pk=pk).first()
    )
    if person is None:
        raise NotFound("找不到该重点人员，或无权查看。")
    return person


def _status(person: KeyPerson, at: object) -> str:
    if person.state != KeyState.ACTIVE or person.next_check_by is None:
        return "closed"
    if person.next_check_by <= at:  # type: ignore[operator]
        return "overdue"
    return "due" if (person.next_check_by - at).total_seconds() <= 86400 else "ok"  # type: ignore[operator]


STATUS_LABELS = {"overdue": "核查逾期", "due": "今日应核查", "ok": "在管", "closed": "已解除"}


@duty_page
def person_list(request: HttpRequest) -> HttpResponse:
    at = now()
    state = request.GET.get("state", "active")
    rows = KeyPerson.objects.visible_to(request.user).select_related("unit", "responsible")
    if state in KeyState.values:
        rows = rows.filter(state=state)
    persons = list(rows.order_by("state", "next_check_by", "pk")[:PAGE])
    shown = people_for(me(request), persons, purpose="重点人员列表", request=request)
    items = [
        {"person": p, "shown": shown[p.pk], "status": _status(p, at), "label": STATUS_LABELS[_status(p, at)]}
        for p in persons
    ]
    context = {
        "items": items,
        "state": state,
        "may_register": _units_to_register(me(request)) != [],
    }
    return render(request, "duty/keypersons.html", context)


def _units_to_register(user: User) -> list[Unit]:
    if is_office_staff(user):
        from duty import config

        return list(config.reporting_units())
    if user.unit is not None and user.role in guards.UNIT_ROLES:
        return [user.unit]
    return []


def _form_context(request: HttpRequest) -> dict[str, object]:
    units = _units_to_register(me(request))
    return {
        "categories": KeyPerson.Category.choices,
        "units": units,
        "staff": User.objects.filter(unit__in=units, is_active=True)
        .select_related("unit")
        .order_by("unit", "pk"),
        "post": request.POST,
    }


@duty_page
def person_new(request: HttpRequest) -> HttpResponse:
    if not _units_to_register(me(request)):
        return render(request, "duty/not_unit.html", status=403)
    if request.method == "POST":
        p = request.POST
        try:
            unit = next((u for u in _units_to_register(me(request)) if u.code == p.get("unit")), None)
            if unit is None:
                raise InvalidInput("请选择责任单位。", code="invalid_input.unit", details={"field": "unit"})
            typed = p.get("responsible", "")
            responsible = User.objects.filter(pk=int(typed) if typed.isdecimal() else 0).first()
            if responsible is None:
                raise InvalidInput(
                    "请选择责任人。", code="invalid_input.person", details={"field": "responsible"}
                )
            person = svc.register_person(
                unit,
                actor=me(request),
                category=p.get("category", ""),
                reason=p.get("reason", ""),
                responsible=responsible,
                name=p.get("name", ""),
                id_number=p.get("id_number", ""),
                phone=p.get("phone", ""),
                address=p.get("address", ""),
                check_every_days=p.get("check_every_days", ""),
                now=now(),
            )
        except DomainError as error:
            context = _form_context(request) | {"error": error.message}
            return render(request, "duty/keyperson_new.html", context, status=422)
        return redirect("duty:keyperson", pk=person.pk)
    return render(request, "duty/keyperson_new.html", _form_context(request))


@duty_page
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = _visible(request, pk)
    except NotFound:
        return render(request, "duty/not_found.html", status=404)
    at = now()
    context = {
        "person": person,
        "shown": person_for(me(request), person, purpose="重点人员详情", request=request),
        "status": _status(person, at),
        "label": STATUS_LABELS[_status(person, at)],
        "checks": person.checks.select_related("checked_by"),
        "events": [
            (e, KeyAction(e.action).label if e.action in KeyAction.values else e.action)
            for e in person.events.select_related("actor")
        ],
        "actions": [a.value for a in guards.available_key_actions(request.user, person)],
        "results": KeyPersonCheck.Result.choices,
        "in_chain": in_duty_chain(request.user),
    }
    return render(request, "duty/keyperson.html", context)


@duty_page
def check_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone-sized form a township's staff fill in at the door: result and a note."""
    try:
        person = _visible(request, pk)
    except NotFound:
        return render(request, "duty/not_found.html", status=404)
    refusal = guards.KEY_GUARDS.refusal(me(request), person, KeyAction.CHECK)
    error = refusal.message if refusal else ""
    if request.method == "POST" and refusal is None:
        try:
            svc.record_check(
                person,
                actor=me(request),
                result=request.POST.get("result", ""),
                note=request.POST.get("note", ""),
                now=now(),
            )
        except DomainError as failed:
            error = failed.message
        else:
            return redirect("duty:keyperson", pk=person.pk)
    context = {
        "person": person,
        "shown": person_for(me(request), person, purpose="重点人员核查", request=request),
        "results": KeyPersonCheck.Result.choices,
        "error": error,
        "refused": refusal is not None,
    }
    status = 403 if refusal is not None else 422 if error else 200
    return render(request, "duty/keyperson_check.html", context, status=status)


@posted
def person_close(request: HttpRequest, pk: int) -> str:
    person = _visible(request, pk)
    svc.close_person(person, actor=me(request), reason=request.POST.get("reason", ""), now=now())
    return "已解除管控。"

"""Staff pages: the window's desk (叫号, 重呼, 开始办理, 过号, 办理完成 with the 办件's number),
帮办 tickets, today's board with the times per matter and window, and the appointments (phones
masked; a full view is audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit.services import record
from accounts.privacy import mask_name, mask_phone
from affairs.models import Matter
from hall import times
from hall.access import is_hall_manager, is_hall_staff, may_work
from hall.guards import GUARDS, available_actions
from hall.models import Appointment, Ticket, Window
from hall.services import tickets as svc
from hall.workflow import AT_WINDOW_STATES, Action, State
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from stats.periods import parse_period

HINTS: dict[Action, str] = {
    Action.RECALL: "再呼叫一次（屏幕再次显示）",
    Action.START: "办事群众已到窗口",
    Action.NO_SHOW: "多次呼叫未到，记为过号",
    Action.FINISH: "办理完毕；如已收件或办理办件，请填写办件编号",
    Action.RESTORE: "过号群众回到大厅，重新排队",
    Action.CANCEL: "群众不再办理",
}


def _staff(user: Any) -> None:
    if not is_hall_staff(user):
        raise PermissionDenied("只有政务大厅工作人员可以使用此页面。")


def _window(user: Any, number: str) -> Window:
    w: Window = get_object_or_404(Window, number=number)
    if not may_work(user, w):
        raise PermissionDenied(f"您不是{w.number}号窗口的工作人员。")
    return w


@login_required
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick the window one sits at (the ones one may work), and issue 帮办 tickets."""
    _staff(request.user)
    windows = [w for w in Window.objects.order_by("order", "number") if may_work(request.user, w)]
    if len(windows) == 1 and "all" not in request.GET:
        return redirect("hall:window", number=windows[0].number)
    matters = Matter.objects.live().filter(at_window=True).order_by("category", "code")
    return render(request, "hall/desk.html", {"windows": windows, "matters": matters})


def _window_context(user: Any, w: Window) -> dict[str, Any]:
    today = timezone.localdate()
    current = (
        Ticket.objects.filter(window=w, state__in=AT_WINDOW_STATES)
        .select_related("matter", "application")
        .first()
    )
    waiting = list(
        Ticket.objects.filter(day=today, state=State.WAITING)
        .filter(w.serves_q())
        .select_related("matter")
        .call_order()[:30]
    )
    missed = list(
        Ticket.objects.filter(day=today, state=State.MISSED)
        .filter(w.serves_q())
        .select_related("matter")[:20]
    )
    served = Ticket.objects.filter(window=w, day=today, state=State.DONE).count()
    actions = (
        [{"action": a, "hint": HINTS.get(a, "")} for a in available_actions(user, current)] if current else []
    )
    return {
        "w": w,
        "current": current,
        "waiting": waiting,
        "missed": missed,
        "served": served,
        "actions": actions,
    }


@login_required
def window(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    w = _window(request.user, number)
    return render(request, "hall/window.html", _window_context(request.user, w))


@login_required
@require_POST
def call(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    w = _window(request.user, number)
    try:
        ticket = svc.call_next(w, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if ticket is None:
            messages.info(request, "暂无等候的号。")
        else:
            messages.success(request, f"请 {ticket.number} 号到 {w.number} 号窗口。")
    return redirect("hall:window", number=number)


ACTIONS = {
    a.value: a
    for a in (Action.RECALL, Action.START, Action.NO_SHOW, Action.FINISH, Action.RESTORE, Action.CANCEL)
}


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("window", "matter"), pk=pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    act_ = ACTIONS[action]
    back = request.POST.get("window") or (ticket.window.number if ticket.window else "")
    refused = GUARDS.refusal(request.user, ticket, act_)
    if refused is not None:
        messages.error(request, refused.message)
    else:
        data = {"application": request.POST.get("application", ""), "note": request.POST.get("note", "")}
        try:
            svc.act(ticket, act_, actor=request.user, data=data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{ticket.number}：已{act_.label}。")
    if (
        back
        and Window.objects.filter(number=back).exists()
        and may_work(request.user, Window.objects.get(number=back))
    ):
        return redirect("hall:window", number=back)
    return redirect("hall:board" if is_hall_manager(request.user) else "hall:desk")


@login_required
@require_POST
def assist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """帮办代办: hall staff take a ticket for an elderly or disabled applicant (called before others)."""
    _staff(request.user)
    raw = request.POST.get("matter", "")
    matter = Matter.objects.live().filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if matter is None:
        messages.error(request, "请选择事项。")
    else:
        try:
            ticket = svc.take(matter, actor=request.user, assisted=True)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已发放帮办优先号 {ticket.number}（{matter.name}）。")
    return redirect(f"{_url('hall:desk')}?all=1")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hall manager's board: today's tickets by state and queue, the windows, and the
    waiting and handling times per matter and window for the chosen period (default today)."""
    if not is_hall_manager(request.user):
        raise PermissionDenied("只有政务服务办公室可以查看大厅看板。")
    today = timezone.localdate()
    try:
        period = parse_period(
            request.GET.get("start"), request.GET.get("end"), preset=request.GET.get("period")
        )
        if not any(request.GET.get(k) for k in ("start", "end", "period")):
            period = type(period)(today, today)
    except DomainError as error:
        messages.error(request, error.message)
        period = parse_period(None, None)
    todays = Ticket.objects.filter(day=today)
    by_state = {s: todays.filter(state=s).count() for s in State}
    rows = times.tickets_between(period.start, period.end)
    at = {t.window_id: t for t in todays.filter(state__in=AT_WINDOW_STATES).select_related("window")}
    context = {
        "period": period,
        "by_state": [(s.label, by_state[s]) for s in State],
        "total": sum(by_state.values()),
        "windows": [(w, at.get(w.pk)) for w in Window.objects.order_by("order", "number")],
        "overall": times.overall(rows),
        "by_matter": times.by_matter(rows),
        "by_window": times.by_window(rows),
        "missed": todays.filter(state=State.MISSED).select_related("matter").order_by("number"),
    }
    return render(request, "hall/board.html", context)


@login_required
def appointments(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request.user)
    today = timezone.localdate()
    rows = (
        Appointment.objects.filter(day__gte=today)
        .select_related("matter", "slot")
        .order_by("day", "slot__start", "pk")[:300]
    )
    shown = [{"a": a, "name": mask_name(a.name), "phone": mask_phone(a.phone)} for a in rows]
    return render(request, "hall/appointments.html", {"rows": shown, "today": today})


@login_required
@require_POST
def reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The full name and phone of one appointment (to call the applicant): audited."""
    _staff(request.user)
    a = get_object_or_404(Appointment.objects.select_related("matter", "slot"), pk=pk)
    record(
        actor=request.user, action="hall.appointment_view", target=a,
        new={"fields": ["name", "phone"], "purpose": "联系预约人"}, request=request,
    )  # fmt: skip
    return render(request, "hall/_appointment_contact.html", {"a": a})

"""Pages without sign-in: the kiosk (取号, 预约签到), the hall's screen, and 预约 on the phone.

The kiosk and the screen run on the hall's own machines; they show no personal data (the screen
shows ticket numbers and windows only). Posts are rate-limited per address (portal.ratelimit).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.privacy import mask_phone
from affairs.models import Matter
from hall.models import Appointment, Slot, Ticket, Window
from hall.services import appointments as appts
from hall.services import tickets as svc
from hall.workflow import AT_WINDOW_STATES, State
from mochou.errors import DomainError
from portal.ratelimit import Limit, exceeded, hit

KIOSK_POSTS = Limit("hall-kiosk-ip", 120, 600)
BOOKINGS = Limit("hall-book-ip", 10, 600)
CHECK_IN_FAILS = Limit("hall-checkin-fail-ip", 20, 3600)
SCREEN_ROWS = 8


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _matters() -> list[Matter]:
    return list(
        Matter.objects.live().filter(at_window=True).select_related("department").order_by("category", "code")
    )


def _ahead(ticket: Ticket) -> int:
    """Tickets of its queue waiting before this one, in the order the windows call them."""
    waiting = Ticket.objects.filter(day=ticket.day, queue=ticket.queue, state=State.WAITING).call_order()
    pks = list(waiting.values_list("pk", flat=True))
    return pks.index(ticket.pk) if ticket.pk in pks else 0


def kiosk(request: HttpRequest) -> HttpResponse:
    return render(request, "hall/kiosk.html", {"matters": _matters()})


@require_POST
def kiosk_take(request: HttpRequest) -> HttpResponse:
    if exceeded(KIOSK_POSTS, _ip(request)):
        return render(
            request,
            "hall/kiosk.html",
            {"matters": _matters(), "error": "操作过于频繁，请稍后再试。"},
            status=429,
        )
    hit(KIOSK_POSTS, _ip(request))
    raw = request.POST.get("matter", "")
    matter = Matter.objects.live().filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if matter is None:
        return render(
            request, "hall/kiosk.html", {"matters": _matters(), "error": "请选择要办理的事项。"}, status=422
        )
    try:
        ticket = svc.take(matter)
    except DomainError as error:
        return render(request, "hall/kiosk.html", {"matters": _matters(), "error": error.message}, status=422)
    return redirect("hall:kiosk_ticket", pk=ticket.pk)


@require_POST
def kiosk_check_in(request: HttpRequest) -> HttpResponse:
    ip = _ip(request)
    if exceeded(CHECK_IN_FAILS, ip):
        return render(
            request,
            "hall/kiosk.html",
            {"matters": _matters(), "error": "签到失败次数过多，请到咨询台办理。"},
            status=429,
        )
    try:
        ticket = appts.check_in(request.POST.get("code", ""), request.POST.get("last4", ""))
    except DomainError as error:
        hit(CHECK_IN_FAILS, ip)
        return render(request, "hall/kiosk.html", {"matters": _matters(), "error": error.message}, status=422)
    return redirect("hall:kiosk_ticket", pk=ticket.pk)


@never_cache
def kiosk_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The slip: number, matter, how many wait before it. Today's tickets only (no history)."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("matter", "queue"), pk=pk, day=timezone.localdate()
    )
    return render(request, "hall/kiosk_ticket.html", {"ticket": ticket, "ahead": _ahead(ticket)})


def _screen_context() -> dict[str, object]:
    today = timezone.localdate()
    called = list(
        Ticket.objects.filter(day=today, last_called_at__isnull=False, window__isnull=False)
        .select_related("window")
        .order_by("-last_called_at", "-pk")[:SCREEN_ROWS]
    )
    windows = list(Window.objects.filter(is_open=True).order_by("order", "number"))
    at = {
        t.window_id: t
        for t in Ticket.objects.filter(day=today, state__in=AT_WINDOW_STATES).select_related("window")
    }
    waiting = Ticket.objects.filter(day=today, state=State.WAITING).count()
    return {
        "latest": called[0] if called else None,
        "called": called,
        "windows": [(w, at.get(w.pk)) for w in windows],
        "waiting": waiting,
        "now": timezone.localtime(),
    }


def screen(request: HttpRequest) -> HttpResponse:
    return render(request, "hall/screen.html", _screen_context())


@never_cache
def screen_board(request: HttpRequest) -> HttpResponse:
    """htmx: the screen's content, polled every few seconds."""
    return render(request, "hall/_screen_board.html", _screen_context())


# ---------------------------------------------------------------- 预约 on the phone


def book(request: HttpRequest) -> HttpResponse:
    return render(request, "hall/book.html", {"matters": _matters()})


def _day(raw: str, days: list[date]) -> date:
    try:
        chosen = date.fromisoformat(raw)
    except ValueError:
        return days[0]
    return chosen if chosen in days else days[0]


def book_matter(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_or_404(
        Matter.objects.live().filter(at_window=True).select_related("department"), pk=pk
    )
    now = timezone.now()
    days = appts.open_days(now)
    day = _day(request.POST.get("day") or request.GET.get("day", ""), days)
    error = ""
    form = {"name": request.POST.get("name", ""), "phone": request.POST.get("phone", "")}
    if request.method == "POST":
        raw = request.POST.get("slot", "")
        slot = Slot.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
        if exceeded(BOOKINGS, _ip(request)):
            error = "预约过于频繁，请稍后再试。"
        elif slot is None:
            error = "请选择预约时段。"
        else:
            hit(BOOKINGS, _ip(request))
            try:
                appointment = appts.book(matter, slot, day, name=form["name"], phone=form["phone"], now=now)
            except DomainError as e:
                error = e.message
            else:
                messages.success(request, "预约成功。请保存本页链接，按时到大厅取号机签到。")
                return redirect("hall:my_appointment", token=appointment.token)
    try:
        offers = appts.offers(matter, day, now)
    except DomainError as e:
        offers, error = [], error or e.message
    context = {"matter": matter, "days": days, "day": day, "offers": offers, "error": error, "form": form}
    return render(request, "hall/book_matter.html", context, status=422 if error else 200)


def _appointment(token: str) -> Appointment:
    found: Appointment = get_object_or_404(
        Appointment.objects.select_related("matter", "slot__queue"), token=token
    )
    return found


@never_cache
def my_appointment(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    context = {"a": appointment, "phone": mask_phone(appointment.phone), "today": timezone.localdate()}
    return render(request, "hall/my_appointment.html", context)


@require_POST
def cancel_appointment(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    try:
        appts.cancel(appointment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "预约已取消。")
    return redirect("hall:my_appointment", token=token)

"""A ticket's verbs: each one transaction, one guard, one event (loop.verbs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from affairs.models import Application, Matter
from hall.access import is_hall_staff, may_work
from hall.guards import GUARDS
from hall.models import Appointment, Queue, Ticket, TicketEvent, Window
from hall.numbering import next_seq, ticket_number
from hall.workflow import AT_WINDOW_STATES, Action, Priority, State
from loop.verbs import Loop
from mochou.errors import Conflict, InvalidInput, NotFound, NotPermitted

LOOP: Loop[Ticket, State, Action] = Loop(
    model=Ticket,
    event_model=TicketEvent,
    item_field="ticket",
    machine=GUARDS.machine,
    guards=GUARDS,
    related=("queue", "matter", "window"),
)
A = Action


def queue_for(matter: Matter) -> Queue:
    """The queue a matter's tickets are numbered in: the one naming the matter, else the one
    naming its department, else the default queue."""
    found = (
        Queue.objects.filter(matters=matter).order_by("letter").first()
        or Queue.objects.filter(departments=matter.department_id).order_by("letter").first()
        or Queue.objects.filter(is_default=True).first()
    )
    if found is None:
        raise Conflict("大厅尚未配置排队队列，请到咨询台取号。", code="hall.no_queue")
    return found


def _live_at_window(matter: Matter) -> None:
    if matter.status != "published" or matter.draft_of_id is not None:
        raise NotFound("该事项未发布。", code="hall.matter_not_live")
    if not matter.at_window:
        raise InvalidInput("该事项不在窗口办理，请网上申报。", code="hall.not_at_window")


def take(
    matter: Matter,
    *,
    actor: Any = None,
    assisted: bool = False,
    appointment: Appointment | None = None,
    now: datetime | None = None,
) -> Ticket:
    """取号 by matter: at the kiosk (no actor), or by hall staff for a 帮办代办 applicant
    (assisted: called before the others), or from a checked-in appointment (called first)."""
    _live_at_window(matter)
    if assisted and actor is None:
        raise NotPermitted("帮办优先号由大厅工作人员发放。", code="hall.assisted_by_staff")
    if actor is not None and not is_hall_staff(actor):
        raise NotPermitted("只有政务大厅工作人员可以代取号。", code="hall.not_staff")
    priority = Priority.APPOINTMENT if appointment else Priority.ASSISTED if assisted else Priority.NORMAL
    with LOOP.start(A.TAKE, actor, now=now, guard=actor is not None) as step:
        queue = queue_for(matter)
        day = timezone.localdate(step.now)
        seq = next_seq(queue, day)
        ticket = LOOP.create(
            step, number=ticket_number(queue.letter, seq), queue=queue, day=day, seq=seq, matter=matter,
            priority=priority, appointment=appointment, issued_by=actor, taken_at=step.now,
            queued_at=step.now,
        )  # fmt: skip
        step.record(payload={"number": ticket.number, "matter": matter.code, "priority": int(priority)})
    return ticket


def _waiting_for(window: Window, day: Any) -> Any:
    return Ticket.objects.filter(day=day, state=State.WAITING).filter(window.serves_q())


def call_next(window: Window, *, actor: Any, now: datetime | None = None) -> Ticket | None:
    """叫号: the next ticket this window serves, in the call order; None when nobody waits.

    The window's row is locked, so one window never calls two tickets at once; the ticket is
    taken with SKIP LOCKED on PostgreSQL, so two windows calling at the same moment call two
    different tickets instead of waiting on (or both calling) the first in line."""
    GUARDS.check_actor(actor, A.CALL)
    if not may_work(actor, window):
        raise NotPermitted(f"您不是{window.number}号窗口的工作人员。", code="hall.not_this_window")
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Window.objects.select_for_update().get(pk=window.pk)
        if not locked.is_open:
            raise Conflict("窗口已暂停服务。", code="hall.window_closed")
        if Ticket.objects.filter(window=locked, state__in=AT_WINDOW_STATES).exists():
            raise Conflict("本窗口还有未办完的号：请先办理完成或记为过号。", code="hall.window_busy")
        rows = _waiting_for(locked, timezone.localdate(moment)).call_order()
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        pk = rows.values_list("pk", flat=True).first()
        if pk is None:
            return None
        with LOOP.verb(pk, A.CALL, actor, now=moment) as step:
            t = step.item
            t.window, t.served_by, t.calls = locked, actor, 1
            t.called_at = t.called_at or step.now
            t.last_called_at = step.now
            step.record(
                payload={"window": locked.number},
                fields=["window", "served_by", "calls", "called_at", "last_called_at"],
            )
    return step.item


def recall(ticket: Ticket, *, actor: Any, now: datetime | None = None) -> Ticket:
    """重呼: call the same ticket again (the screen shows it again)."""
    with LOOP.verb(ticket, A.RECALL, actor, now=now) as step:
        step.item.calls += 1
        step.item.last_called_at = step.now
        step.record(payload={"calls": step.item.calls}, fields=["calls", "last_called_at"])
    return step.item


def _application(number: str) -> Application | None:
    number = (number or "").strip()
    if not number:
        return None
    app = Application.objects.filter(number=number).first()
    if app is None:
        raise InvalidInput(f"办件编号 {number} 不存在。", code="hall.application_unknown")
    return app


def start(ticket: Ticket, *, actor: Any, application: str = "", now: datetime | None = None) -> Ticket:
    """开始办理: the holder came to the window."""
    app = _application(application)
    with LOOP.verb(ticket, A.START, actor, now=now) as step:
        step.item.started_at, step.item.served_by = step.now, actor
        fields = ["started_at", "served_by"]
        if app is not None:
            step.item.application = app
            fields.append("application")
        step.record(payload={"application": app.number if app else ""}, fields=fields)
    return step.item


def finish(
    ticket: Ticket, *, actor: Any, application: str = "", note: str = "", now: datetime | None = None
) -> Ticket:
    """办理完成, linked to the 办件 the window created or handled (its number), if any."""
    app = _application(application)
    with LOOP.verb(ticket, A.FINISH, actor, now=now) as step:
        step.item.finished_at = step.now
        fields = ["finished_at"]
        if app is not None:
            step.item.application = app
            fields.append("application")
        linked = step.item.application
        step.record(
            note=note.strip()[:500], payload={"application": linked.number if linked else ""}, fields=fields
        )
    return step.item


def no_show(ticket: Ticket, *, actor: Any, now: datetime | None = None) -> Ticket:
    """过号: called the configured number of times without an answer; the window is free."""
    with LOOP.verb(ticket, A.NO_SHOW, actor, now=now) as step:
        window = step.item.window.number if step.item.window else ""
        step.item.window = None
        step.record(payload={"calls": step.item.calls, "window": window}, fields=["window"])
    return step.item


def restore(ticket: Ticket, *, actor: Any, now: datetime | None = None) -> Ticket:
    """重新排队: a 过号 holder came back; queued again behind those waiting now."""
    with LOOP.verb(ticket, A.RESTORE, actor, now=now) as step:
        previous = step.item.calls
        step.item.queued_at, step.item.calls = step.now, 0
        step.record(payload={"calls_before": previous}, fields=["queued_at", "calls"])
    return step.item


def cancel(ticket: Ticket, *, actor: Any, reason: str = "", now: datetime | None = None) -> Ticket:
    """取消: the holder left, or took the wrong matter."""
    with LOOP.verb(ticket, A.CANCEL, actor, now=now) as step:
        step.record(note=reason.strip()[:500])
    return step.item


def act(
    ticket: Ticket, action: Action, *, actor: Any, data: dict[str, Any], now: datetime | None = None
) -> Ticket:
    """One action by its name, for the desk and the API (calling is `call_next`)."""
    application = str(data.get("application") or "")
    note = str(data.get("note") or "")
    if action == A.RECALL:
        return recall(ticket, actor=actor, now=now)
    if action == A.START:
        return start(ticket, actor=actor, application=application, now=now)
    if action == A.FINISH:
        return finish(ticket, actor=actor, application=application, note=note, now=now)
    if action == A.NO_SHOW:
        return no_show(ticket, actor=actor, now=now)
    if action == A.RESTORE:
        return restore(ticket, actor=actor, now=now)
    if action == A.CANCEL:
        return cancel(ticket, actor=actor, reason=note, now=now)
    raise InvalidInput(f"没有这个操作：{action}", code="hall.unknown_action")

"""/api/v1/hall: 莫愁政务大厅 for the hall's systems — windows, today's tickets, 帮办 tickets,
叫号 and the window's actions, waiting and handling times. The same verbs and guards as the
pages; refusals as DomainErrors (403 role or window, 409 state, 422 input). No personal data:
tickets carry none, and appointments (with phones) are not offered here."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from accounts.models import User
from affairs.models import Matter
from hall import times
from hall.access import is_hall_staff
from hall.guards import available_actions
from hall.models import Ticket, Window
from hall.schemas import (
    HallActionIn,
    HallTakeIn,
    HallTicketOut,
    HallTicketQuery,
    HallTimesOut,
    HallTimesQuery,
    HallTimesRowOut,
    HallWindowOut,
)
from hall.services import tickets as svc
from hall.workflow import AT_WINDOW_STATES, Action, State
from mochou.api_errors import ERRORS_LIST, ERRORS_WRITE, ErrorOut
from mochou.errors import InvalidInput, NotFound, NotPermitted

router = Router()

# Every hall operation answers 403 to a user who is not the hall's staff (_actor); the reads also
# answer 422 for a bad filter or period.
ERRORS_HALL_READ = {**ERRORS_LIST, 403: ErrorOut}


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not is_hall_staff(user):
        raise NotPermitted("只有政务大厅工作人员可以使用大厅接口。", code="hall.not_staff")
    return user


def _out(t: Ticket, user: User) -> HallTicketOut:
    return HallTicketOut(
        id=t.pk, number=t.number, day=t.day, queue=t.queue.letter, matter=t.matter.code or "",
        matter_name=t.matter.name, priority=t.priority, state=State(t.state),
        state_label=t.get_state_display(),
        window=t.window.number if t.window else None, calls=t.calls, taken_at=t.taken_at,
        called_at=t.called_at, started_at=t.started_at, finished_at=t.finished_at,
        application=t.application.number if t.application else None,
        allowed_actions=available_actions(user, t, offered=tuple(Action)),
    )  # fmt: skip


@router.get("/windows", response={200: list[HallWindowOut], **ERRORS_HALL_READ}, summary="窗口")
def list_windows(request: HttpRequest) -> list[HallWindowOut]:
    _actor(request)
    at = {
        t.window_id: t.number
        for t in Ticket.objects.filter(day=timezone.localdate(), state__in=AT_WINDOW_STATES)
    }
    return [
        HallWindowOut(
            number=w.number,
            name=w.name,
            comprehensive=w.comprehensive,
            is_open=w.is_open,
            current=at.get(w.pk),
        )
        for w in Window.objects.order_by("order", "number")
    ]


@router.get("/tickets", response={200: list[HallTicketOut], **ERRORS_HALL_READ}, summary="排队号（按日）")
def list_tickets(request: HttpRequest, filters: Query[HallTicketQuery]) -> list[HallTicketOut]:
    user = _actor(request)
    rows = Ticket.objects.select_related("queue", "matter", "window", "application").filter(
        day=filters.day or timezone.localdate()
    )
    if filters.state:
        rows = rows.filter(state=filters.state)
    return [_out(t, user) for t in rows.order_by("taken_at", "pk")[: filters.limit]]


@router.post("/tickets", response={201: HallTicketOut, **ERRORS_WRITE}, summary="代取号（帮办优先）")
def take(request: HttpRequest, body: HallTakeIn) -> Status[HallTicketOut]:
    user = _actor(request)
    matter = Matter.objects.live().filter(code=body.matter).first()
    if matter is None:
        raise NotFound("事项不存在或未发布")
    return Status(201, _out(svc.take(matter, actor=user, assisted=body.assisted), user))


@router.post(
    "/windows/{number}/call", response={200: HallTicketOut | None, **ERRORS_WRITE}, summary="叫下一号",
    description="按预约 → 帮办 → 取号先后叫本窗口可办的下一个号；无人等候时返回 null。",
)  # fmt: skip
def call(request: HttpRequest, number: str) -> HallTicketOut | None:
    user = _actor(request)
    window = Window.objects.filter(number=number).first()
    if window is None:
        raise NotFound("窗口不存在")
    ticket = svc.call_next(window, actor=user)
    return _out(ticket, user) if ticket else None


@router.post(
    "/tickets/{ticket_id}/{action}", response={200: HallTicketOut, **ERRORS_WRITE}, summary="排队号操作",
    description="action：recall 重呼、start 开始办理、finish 办理完成（application 办件编号）、no_show 过号、"
    "restore 重新排队、cancel 取消。",
)  # fmt: skip
def act(request: HttpRequest, ticket_id: int, action: Action, body: HallActionIn) -> HallTicketOut:
    user = _actor(request)
    if action in {Action.TAKE, Action.CALL}:
        raise InvalidInput("取号和叫号有各自的接口。", code="hall.unknown_action")
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("排队号不存在")
    svc.act(ticket, action, actor=user, data=body.model_dump())
    return _out(
        Ticket.objects.select_related("queue", "matter", "window", "application").get(pk=ticket_id), user
    )


@router.get("/times", response={200: HallTimesOut, **ERRORS_HALL_READ}, summary="等候与办理时长")
def waiting_times(request: HttpRequest, q: Query[HallTimesQuery]) -> HallTimesOut:
    _actor(request)
    start = q.start or timezone.localdate()
    end = q.end or start
    if end < start or (end - start).days > 366:
        raise InvalidInput("统计期应为一年以内，结束日期不早于开始日期。", code="invalid_input.period")
    rows = times.tickets_between(start, end)

    def shaped(t: times.Times) -> HallTimesRowOut:
        return HallTimesRowOut(**asdict(t))

    return HallTimesOut(
        start=start,
        end=end,
        overall=shaped(times.overall(rows)),
        by_matter=[shaped(t) for t in times.by_matter(rows)],
        by_window=[shaped(t) for t in times.by_window(rows)],
    )

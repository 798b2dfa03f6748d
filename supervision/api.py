"""督办单 over JSON: /api/v1/supervision/notices/…

The same verbs as the pages (supervision.services); a notice the user may not see is a 404 (as
a case is), refusals come from the guards as DomainErrors (403 role/unit, 409 state, 422 input),
mapped once in mochou/api_errors.py. The case loop's old route POST /api/v1/cases/{number}/supervise
still issues a 蓝色督办单 (through cases.hooks.supervise); POST /notices is the full form.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from accounts.models import User
from cases.models import Case
from cases.schemas import DeadlineOut, UnitOut
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, field_error
from mochou.errors import InvalidInput, NotFound
from supervision import services
from supervision.guards import available_actions
from supervision.models import Notice
from supervision.schemas import (
    AnswerIn,
    IssueIn,
    NoticeApproveIn,
    NoticeDetailOut,
    NoticeEventOut,
    NoticeFilters,
    NoticeOut,
    NoticePageOut,
    NoticeReturnIn,
)
from supervision.views.common import notice_row

router = Router()

NOT_FOUND = "督办单不存在或无权查看"
RELATED = ("case", "unit", "supervisor", "addressed_to", "previous")


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _visible(request: HttpRequest, number: str) -> Notice:
    notice = Notice.objects.visible_to(_actor(request)).select_related(*RELATED).filter(number=number).first()
    if notice is None:
        raise NotFound(NOT_FOUND)
    return notice


def _out_fields(notice: Notice, user: User, now: datetime) -> dict[str, object]:
    row = notice_row(notice, user, now)
    following = Notice.objects.filter(previous=notice).only("number").first()
    respond = row.respond
    return {
        "number": notice.number,
        "case": notice.case.number,
        "unit": UnitOut(code=notice.unit.code, name=notice.unit.display_name),
        "colour": notice.colour,
        "colour_label": notice.get_colour_display(),
        "state": notice.state,
        "state_label": notice.get_state_display(),
        "body": notice.body,
        "major": notice.major,
        "supervisor": notice.supervisor.name,
        "addressed_to": notice.addressed_to.name if notice.addressed_to else None,
        "previous": notice.previous.number if notice.previous else None,
        "next": following.number if following is not None else None,
        "created_at": notice.created_at,
        "sign_by": notice.sign_by,
        "respond_by": notice.respond_by,
        "signed_at": notice.signed_at,
        "answered_at": notice.answered_at,
        "approved_at": notice.approved_at,
        "answer": notice.answer if row.answer_shown else None,
        "return_note": notice.return_note,
        "late": row.late_labels,
        "deadline": DeadlineOut(
            kind=respond.kind,
            due_at=respond.due_at,
            level=respond.level,
            level_label=respond.level_label,
            label=respond.label,
            remaining_hours=round(respond.remaining_hours, 2),
        )
        if respond is not None
        else None,
        "allowed_actions": [a.value for a in available_actions(user, notice)],
    }


def _detail(request: HttpRequest, number: str) -> NoticeDetailOut:
    user, now = _actor(request), timezone.now()
    notice = _visible(request, number)
    events = [
        NoticeEventOut(
            seq=e.seq,
            action=e.action,
            action_label=e.action_label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor.name if e.actor else None,
            note=e.note,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in notice.events.select_related("actor").order_by("seq")
    ]
    return NoticeDetailOut(**_out_fields(notice, user, now), events=events)  # type: ignore[arg-type]


@router.get("/notices", response={200: NoticePageOut, **ERRORS_LIST}, summary="督办单列表")
def list_notices(request: HttpRequest, filters: Query[NoticeFilters]) -> NoticePageOut:
    unknown = sorted(set(request.GET) - set(NoticeFilters.model_fields))
    if unknown:  # a misspelt filter ("colur") is an error, not a silently unfiltered list
        message = f"未知的查询参数：{'、'.join(unknown) or '（空名）'}"
        errors = [field_error(name, message, type_="extra_forbidden", source="query") for name in unknown]
        raise InvalidInput(message, code="invalid_input", details={"errors": errors})
    user, now = _actor(request), timezone.now()
    notices = Notice.objects.visible_to(user).select_related(*RELATED).order_by("-created_at", "-pk")
    if filters.state:
        notices = notices.filter(state=filters.state)
    if filters.colour:
        notices = notices.filter(colour=filters.colour)
    if filters.unit:
        notices = notices.filter(unit__code=filters.unit)
    if filters.case:
        notices = notices.filter(case__number=filters.case)
    if filters.late is True:
        notices = notices.late(now)
    elif filters.late is False:
        notices = notices.exclude(pk__in=Notice.objects.late(now).values("pk"))
    count = notices.count()
    page = notices[filters.offset : filters.offset + filters.limit]
    return NoticePageOut(count=count, items=[NoticeOut(**_out_fields(n, user, now)) for n in page])  # type: ignore[arg-type]


@router.post("/notices", response={201: NoticeDetailOut, **ERRORS_WRITE}, summary="下发督办单")
def issue(request: HttpRequest, payload: IssueIn) -> Status[NoticeDetailOut]:
    user = _actor(request)
    case = Case.objects.visible_to(user).filter(number=payload.case.strip()).first()
    if case is None:
        raise NotFound("工单不存在或无权查看", details={"field": "case"})
    notice = services.issue_notice(
        case,
        actor=user,
        body=payload.body,
        respond_days=payload.respond_days,
        colour=payload.colour,
        major=payload.major,
    )
    return Status(201, _detail(request, notice.number))


@router.get("/notices/{number}", response={200: NoticeDetailOut, **ERRORS_READ}, summary="督办单详情")
def get_notice(request: HttpRequest, number: str) -> NoticeDetailOut:
    return _detail(request, number)


@router.post("/notices/{number}/sign", response={200: NoticeDetailOut, **ERRORS_WRITE}, summary="签收督办单")
def sign(request: HttpRequest, number: str) -> NoticeDetailOut:
    services.sign_notice(_visible(request, number), actor=_actor(request))
    return _detail(request, number)


@router.post("/notices/{number}/answer", response={200: NoticeDetailOut, **ERRORS_WRITE}, summary="提交反馈")
def answer(request: HttpRequest, number: str, payload: AnswerIn) -> NoticeDetailOut:
    services.answer_notice(_visible(request, number), actor=_actor(request), body=payload.body)
    return _detail(request, number)


@router.post(
    "/notices/{number}/approve", response={200: NoticeDetailOut, **ERRORS_WRITE}, summary="审核通过反馈"
)
def approve(request: HttpRequest, number: str, payload: NoticeApproveIn) -> NoticeDetailOut:
    services.approve_answer(_visible(request, number), actor=_actor(request), note=payload.note)
    return _detail(request, number)


@router.post(
    "/notices/{number}/return", response={200: NoticeDetailOut, **ERRORS_WRITE}, summary="退回修改反馈"
)
def return_(request: HttpRequest, number: str, payload: NoticeReturnIn) -> NoticeDetailOut:
    services.return_answer(_visible(request, number), actor=_actor(request), note=payload.note)
    return _detail(request, number)


# The 督查室's decision tasks, plans, the extraction, the indicators' figures and the meeting
# records register their routes on this router.
from supervision import indicator_api, record_api, task_api  # noqa: E402, F401

"""/api/v1/enterprises/squad: 莫愁小分队 over JSON for staff — the same verbs as the pages.

The enterprise's own actions (申请 by its link, 取消, 评价) are on its link page only: the API is
for staff bearer tokens. A visit the user may not see is a 404; refusals are the guards'
DomainErrors (403 role, 409 state or cap, 422 input), mapped once in mochou/api_errors.py.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt, StrictStr

from accounts.models import User
from cases.schemas import IsoDate, StrictIn
from enterprises.models import Enterprise, SquadVisit
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, ErrorOut, only_known_query
from mochou.errors import InvalidInput, NotFound

from . import guards, services
from .workflow import Action

router = Router()


class SquadProblemIn(StrictIn):
    title: StrictStr = Field(..., max_length=60, description="问题标题")
    content: StrictStr = Field(..., max_length=4000, description="问题详情（转为企业诉求）")


class SquadBookIn(StrictIn):
    enterprise: StrictInt = Field(..., ge=1, description="企业 id")
    topics: StrictStr = Field(..., max_length=1000, description="帮办事项")
    wished_date: IsoDate = Field(..., description="希望日期 YYYY-MM-DD")


class SquadScheduleIn(StrictIn):
    date: IsoDate = Field(..., description="走访日期 YYYY-MM-DD")
    members: list[StrictStr] = Field(..., min_length=1, max_length=20, description="走访人员用户名")


class SquadRecordIn(StrictIn):
    visited_on: IsoDate = Field(..., description="走访日期 YYYY-MM-DD")
    attendees: list[StrictStr] = Field(..., min_length=1, max_length=20, description="实际走访人员用户名")
    discussed: StrictStr = Field(..., max_length=4000, description="交流内容")
    problems: list[SquadProblemIn] = Field([], max_length=services.MAX_PROBLEMS, description="发现的问题")


class SquadReasonIn(StrictIn):
    reason: StrictStr = Field(..., max_length=500, description="原因")


class SquadVisitOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    origin: str
    topics: str
    wished_date: dt.date
    state: str
    state_label: str
    scheduled_date: dt.date | None
    members: list[str]
    visited_on: dt.date | None
    attendees: list[str]
    discussed: str
    problems: list[str] = Field(description="发现的问题转成的企业诉求受理编号")
    rating: int | None
    reason: str
    allowed_actions: list[str]


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken


def _visit(request: HttpRequest, pk: int) -> SquadVisit:
    visit = services.visible_visits(_actor(request)).filter(pk=pk).first()
    if visit is None:
        raise NotFound("上门帮办不存在或无权查看")
    return visit


def _out(visit: SquadVisit, user: User) -> SquadVisitOut:
    return SquadVisitOut(
        id=visit.pk,
        enterprise=visit.enterprise_id,
        enterprise_name=visit.enterprise.name,
        origin=visit.origin,
        topics=visit.topics,
        wished_date=visit.wished_date,
        state=visit.state,
        state_label=visit.get_state_display(),
        scheduled_date=visit.scheduled_date,
        members=[u.username for u in visit.members.all()],
        visited_on=visit.visited_on,
        attendees=[u.username for u in visit.attendees.all()],
        discussed=visit.discussed,
        problems=[p.appeal.case.number for p in visit.problems.select_related("appeal__case")],
        rating=visit.rating,
        reason=visit.reason,
        allowed_actions=[a.value for a in guards.GUARDS.available(user, visit)],
    )


def _people(usernames: list[str], field: str) -> list[User]:
    found = {u.username: u for u in services.squad_users().filter(username__in=usernames)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise InvalidInput(
            f"不是在队的小分队成员：{'、'.join(missing[:5])}",
            code="squad.not_member",
            details={"field": field},
        )
    return [found[name] for name in dict.fromkeys(usernames)]


@router.get("/squad/visits", response={200: list[SquadVisitOut], **ERRORS_LIST}, summary="上门帮办列表")
def list_visits(
    request: HttpRequest, state: str = "", limit: int = 50, offset: int = 0
) -> list[SquadVisitOut]:
    only_known_query(request, "state", "limit", "offset")
    if not 1 <= limit <= 200 or not 0 <= offset <= 100000:
        raise InvalidInput("limit 为 1–200，offset 为 0–100000。", code="invalid_input.page")
    user = _actor(request)
    rows = services.visible_visits(user).prefetch_related("members", "attendees")
    if state:
        rows = rows.filter(state=state)
    return [_out(v, user) for v in rows.order_by("-created_at", "-pk")[offset : offset + limit]]


@router.get(
    "/squad/visits/{pk}", response={200: SquadVisitOut, **ERRORS_READ, 422: ErrorOut}, summary="上门帮办详情"
)
def get_visit(request: HttpRequest, pk: int) -> SquadVisitOut:
    return _out(_visit(request, pk), _actor(request))


@router.post(
    "/squad/visits", response={201: SquadVisitOut, **ERRORS_WRITE}, summary="店小二代企业申请上门帮办"
)
def book(request: HttpRequest, payload: SquadBookIn) -> Status[SquadVisitOut]:
    user = _actor(request)
    enterprise = Enterprise.objects.visible_to(user).filter(pk=payload.enterprise).first()
    if enterprise is None:
        raise NotFound("企业不存在或无权查看")
    visit = services.book(enterprise, actor=user, topics=payload.topics, wished_date=payload.wished_date)
    return Status(201, _out(visit, user))


@router.post("/squad/visits/{pk}/schedule", response={200: SquadVisitOut, **ERRORS_WRITE}, summary="安排走访")
def schedule(request: HttpRequest, pk: int, payload: SquadScheduleIn) -> SquadVisitOut:
    user = _actor(request)
    visit = _visit(request, pk)
    guards.GUARDS.check(user, visit, Action.SCHEDULE)  # who may, before the names are read
    people = _people(payload.members, "members")
    return _out(services.schedule(visit, actor=user, day=payload.date, members=people), user)


@router.post("/squad/visits/{pk}/record", response={200: SquadVisitOut, **ERRORS_WRITE}, summary="记录走访")
def record(request: HttpRequest, pk: int, payload: SquadRecordIn) -> SquadVisitOut:
    user = _actor(request)
    visit = _visit(request, pk)
    guards.GUARDS.check(user, visit, Action.RECORD)
    people = _people(payload.attendees, "attendees")
    done = services.record(
        visit, actor=user, visited_on=payload.visited_on, attendees=people, discussed=payload.discussed,
        problems=[p.model_dump() for p in payload.problems],
    )  # fmt: skip
    return _out(done, user)


@router.post("/squad/visits/{pk}/return", response={200: SquadVisitOut, **ERRORS_WRITE}, summary="退回申请")
def return_(request: HttpRequest, pk: int, payload: SquadReasonIn) -> SquadVisitOut:
    user = _actor(request)
    return _out(services.return_visit(_visit(request, pk), actor=user, reason=payload.reason), user)


@router.post(
    "/squad/visits/{pk}/cancel", response={200: SquadVisitOut, **ERRORS_WRITE}, summary="取消上门帮办"
)
def cancel(request: HttpRequest, pk: int, payload: SquadReasonIn) -> SquadVisitOut:
    user = _actor(request)
    return _out(services.cancel(_visit(request, pk), actor=user, reason=payload.reason), user)

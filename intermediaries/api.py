"""/api/v1/intermediaries: 莫愁超市 over JSON for staff — the same services as the pages.

Agencies respond through their personal link page (the API is for staff bearer tokens). A need
the user may not see is a 404; refusals are the guards' DomainErrors (403 role/unit, 409 state,
422 input), mapped once in mochou/api_errors.py. Projects appear by number and code name only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt, StrictStr

from accounts.models import User
from cases.schemas import IsoDate, StrictIn
from investment.models import Project
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, ErrorOut, only_known_query
from mochou.errors import InvalidInput, NotFound, NotPermitted

from . import access, ranking, services
from .models import Need
from .workflow import ServiceType

router = Router()


class MarketNeedIn(StrictIn):
    project: StrictStr = Field(..., max_length=16, description="项目编号")
    service_type: StrictStr = Field(
        ..., description="服务类型：" + "、".join(f"{v} {lab}" for v, lab in ServiceType.choices)
    )
    scope: StrictStr = Field(..., max_length=2000, description="服务内容")
    budget_min: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, description="预算下限（万元）")
    budget_max: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, description="预算上限（万元）")
    time_limit_days: StrictInt = Field(..., ge=1, le=250, description="服务时限（工作日）")
    respond_by: IsoDate = Field(..., description="响应截止日期 YYYY-MM-DD")


class MarketSelectIn(StrictIn):
    response: StrictInt = Field(..., ge=1, description="响应 id")
    reason: StrictStr = Field("", max_length=500, description="选定理由（非最低价时必填）")


class MarketStartIn(StrictIn):
    started_on: IsoDate = Field(..., description="服务开始日期 YYYY-MM-DD")


class MarketDeliverIn(StrictIn):
    delivered_on: IsoDate = Field(..., description="交付日期 YYYY-MM-DD")


class MarketRateIn(StrictIn):
    rating: StrictInt = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    note: StrictStr = Field("", max_length=500, description="意见（1、2 时必填）")


class MarketReasonIn(StrictIn):
    reason: StrictStr = Field(..., max_length=500, description="原因")


class MarketResponseOut(Schema):
    id: int
    agency: int
    agency_name: str
    price: Decimal
    days: int
    note: str


class MarketNeedOut(Schema):
    id: int
    project: str
    project_code_name: str
    service_type: str
    scope: str
    budget_min: Decimal
    budget_max: Decimal
    time_limit_days: int
    respond_by: dt.date
    state: str
    state_label: str
    responses: list[MarketResponseOut]
    selected: int | None
    select_reason: str
    started_on: dt.date | None
    due_on: dt.date | None
    delivered_on: dt.date | None
    on_time: bool | None
    rating: int | None
    reason: str
    allowed_actions: list[str]


class MarketAgencyOut(Schema):
    id: int
    name: str
    credit_code: str
    service_types: list[str]
    responses: int
    selected: int
    delivered: int
    on_time: int
    on_time_rate: float | None = Field(description="按时交付数 ÷ 交付数；无交付为空")
    on_time_low: float | None = Field(description="按时率 95% Wilson 区间下限")
    on_time_high: float | None
    rated: int
    rating_mean: Decimal | None
    qualified: bool


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _need(request: HttpRequest, pk: int) -> Need:
    need: Need | None = services.visible_needs(_actor(request)).filter(pk=pk).first()
    if need is None:
        raise NotFound("需求不存在或无权查看")
    return need


def _out(need: Need, user: User) -> MarketNeedOut:
    return MarketNeedOut(
        id=need.pk,
        project=need.project.number,
        project_code_name=need.project.code_name,
        service_type=need.service_type,
        scope=need.scope,
        budget_min=need.budget_min,
        budget_max=need.budget_max,
        time_limit_days=need.time_limit_days,
        respond_by=need.respond_by,
        state=need.state,
        state_label=need.get_state_display(),
        responses=[
            MarketResponseOut(
                id=r.pk,
                agency=r.agency_id,
                agency_name=r.agency.name,
                price=r.price,
                days=r.days,
                note=r.note,
            )
            for r in need.responses.select_related("agency")
        ],
        selected=need.selected_id,
        select_reason=need.select_reason,
        started_on=need.started_on,
        due_on=need.due_on,
        delivered_on=need.delivered_on,
        on_time=need.on_time,
        rating=need.rating,
        reason=need.reason,
        allowed_actions=[a.value for a in access.GUARDS.available(user, need)],
    )


def _require_use(request: HttpRequest) -> User:
    user = _actor(request)
    if not access.may_use(user):
        raise NotPermitted("您没有使用中介超市的权限。", code="intermediaries.not_permitted")
    return user


@router.get(
    "/agencies", response={200: list[MarketAgencyOut], **ERRORS_LIST}, summary="入驻机构及按时率、评价"
)
def agencies(request: HttpRequest, service_type: str = "") -> list[MarketAgencyOut]:
    only_known_query(request, "service_type")
    _require_use(request)
    if service_type and service_type not in ServiceType.values:
        raise InvalidInput("未知的服务类型。", code="intermediaries.service_type")
    out = []
    for r in ranking.records(today=timezone.localdate(), service_type=service_type):
        low, high = r.on_time_interval or (None, None)
        out.append(
            MarketAgencyOut(
                id=r.agency.pk,
                name=r.agency.name,
                credit_code=r.agency.credit_code,
                service_types=r.service_types,
                responses=r.responses,
                selected=r.selected,
                delivered=r.delivered,
                on_time=r.on_time,
                on_time_rate=r.on_time_rate,
                on_time_low=low,
                on_time_high=high,
                rated=r.rated,
                rating_mean=r.rating_mean,
                qualified=r.qualified,
            )
        )
    return out


@router.get("/needs", response={200: list[MarketNeedOut], **ERRORS_LIST}, summary="中介服务需求列表")
def list_needs(
    request: HttpRequest, state: str = "", limit: int = 50, offset: int = 0
) -> list[MarketNeedOut]:
    user = _require_use(request)
    if not 1 <= limit <= 200 or not 0 <= offset <= 100000:
        raise InvalidInput("limit 为 1–200，offset 为 0–100000。", code="invalid_input.page")
    rows = services.visible_needs(user)
    if state:
        rows = rows.filter(state=state)
    return [_out(n, user) for n in rows[offset : offset + limit]]


@router.get(
    "/needs/{pk}", response={200: MarketNeedOut, **ERRORS_READ, 422: ErrorOut}, summary="中介服务需求详情"
)
def get_need(request: HttpRequest, pk: int) -> MarketNeedOut:
    user = _require_use(request)
    return _out(_need(request, pk), user)


@router.post("/needs", response={201: MarketNeedOut, **ERRORS_WRITE}, summary="发布中介服务需求")
def publish(request: HttpRequest, payload: MarketNeedIn) -> Status[MarketNeedOut]:
    user = _require_use(request)
    project = Project.objects.visible_to(user).filter(number=payload.project).first()
    if project is None:
        raise NotFound("项目不存在或无权查看")
    need = services.publish(project, actor=user, data=payload.model_dump(exclude={"project"}))
    return Status(201, _out(need, user))


@router.post("/needs/{pk}/select", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="选定中介")
def select(request: HttpRequest, pk: int, payload: MarketSelectIn) -> MarketNeedOut:
    user = _require_use(request)
    need = _need(request, pk)
    response = need.responses.filter(pk=payload.response).first()
    if response is None:
        raise InvalidInput(
            "所选响应不属于该需求。", code="intermediaries.invalid", details={"field": "response"}
        )
    return _out(services.select(need, actor=user, response=response, reason=payload.reason), user)


@router.post("/needs/{pk}/start", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="开始服务")
def start(request: HttpRequest, pk: int, payload: MarketStartIn) -> MarketNeedOut:
    user = _require_use(request)
    return _out(services.start(_need(request, pk), actor=user, started_on=payload.started_on), user)


@router.post("/needs/{pk}/deliver", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="交付")
def deliver(request: HttpRequest, pk: int, payload: MarketDeliverIn) -> MarketNeedOut:
    user = _require_use(request)
    return _out(services.deliver(_need(request, pk), actor=user, delivered_on=payload.delivered_on), user)


@router.post("/needs/{pk}/rate", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="验收评价")
def rate(request: HttpRequest, pk: int, payload: MarketRateIn) -> MarketNeedOut:
    user = _require_use(request)
    return _out(services.rate(_need(request, pk), actor=user, rating=payload.rating, note=payload.note), user)


@router.post("/needs/{pk}/withdraw", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="撤回需求")
def withdraw(request: HttpRequest, pk: int, payload: MarketReasonIn) -> MarketNeedOut:
    user = _require_use(request)
    return _out(services.withdraw(_need(request, pk), actor=user, reason=payload.reason), user)


@router.post("/needs/{pk}/fail", response={200: MarketNeedOut, **ERRORS_WRITE}, summary="流标")
def fail(request: HttpRequest, pk: int, payload: MarketReasonIn) -> MarketNeedOut:
    user = _require_use(request)
    return _out(services.fail(_need(request, pk), actor=user, reason=payload.reason), user)

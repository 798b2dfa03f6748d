"""Shapes of the case API: what a client may send (…In) and what it gets back (…Out).

Input schemas check shape only (types, required fields, lengths, ranges) so that every field
error comes back at once with its name. The rules of the loop (who may act, in which state,
how long a reply must be) stay in cases.services, which runs the same checks for the pages.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from accounts.phones import normalize_phone
from cases.bulk import MAX_BULK
from cases.models import Channel, ContactWay, Kind, ReturnReason, Satisfaction, SuspensionReason, Urgency
from cases.queues import QUEUE_BY_SLUG, SORTS, parse_sort
from cases.workflow import State
from mochou.errors import InvalidInput

MAX_PAGE = 200
# Far beyond any real page (1M cases / 200 per page), far below PostgreSQL's bigint: an OFFSET of
# 2**63 was a 500 there.
MAX_OFFSET = 10_000_000
# The largest row id a client may send. The columns are bigint (BigAutoField), but 2**31 − 1 ids
# are twenty times the events of 10 million cases, so a larger number names no row today and is
# refused as such (cases.forms, stats.api and dashboard.filters bound ids the same way).
MAX_ID = 2**31 - 1
UNIT_CODE_MAX = 32  # org.Unit.code
CATEGORY_PATH_MAX = 200  # cases.Category.path
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_Row = TypeVar("_Row", bound=Model)


def row_by_id(rows: QuerySet[_Row], pk: int) -> _Row | None:
    """The row of `rows` with this id, or None: an id a client sends in a path may lie outside the
    integer column, where it names no row (and PostgreSQL would refuse to compare it)."""
    return rows.filter(pk=pk).first() if 1 <= pk <= MAX_ID else None


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic alone also reads numbers as Unix times ("-1.2e-200" → 1970-01-01)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("日期格式应为 YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# Strict types in bodies: JSON true is not the id 1, 1 is not the string "1", "yes" is not true.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
UnitCode = Annotated[StrictStr, Field(min_length=1, max_length=UNIT_CODE_MAX)]


def _category_ref(value: object) -> str | int:
    # One validator for "path or id", so an error is reported on `category` itself rather than
    # once per member of a union (category.str, category.constrained-int).
    if isinstance(value, str) and len(value) <= CATEGORY_PATH_MAX:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    raise ValueError(f"应为事项分类的完整路径（不超过{CATEGORY_PATH_MAX}字）或编号（1至{MAX_ID}的整数）")


CategoryRef = Annotated[
    str | int,
    PlainValidator(_category_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": CATEGORY_PATH_MAX},
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            ]
        }
    ),
]


class StrictIn(Schema):
    # A misspelt field ("reson") is an error, not a silently missing value.
    model_config = ConfigDict(extra="forbid")


def _required(field: str) -> dict[str, Any]:
    return {"field": field, "loc": ["body", "payload", field], "type": "missing", "message": "此项为必填项"}


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


# ---------------------------------------------------------------- input


# Minimum lengths are the services' own (cases/services: `text(..., min_len=N)`), repeated here so
# the OpenAPI document states them; the services still check the stripped text.


class RegisterIn(StrictIn):
    channel: Channel = Field(Channel.API, description="受理渠道")
    kind: Kind = Field(..., description="诉求类型")
    title: StrictStr = Field("", max_length=120, description="标题；为空时取诉求内容的前30字")
    content: StrictStr = Field(..., min_length=5, max_length=5000, description="诉求内容（至少5个字）")
    citizen_name: StrictStr = Field("", max_length=40)
    citizen_phone: StrictStr = Field("", max_length=30, description="手机号或固定电话")
    address: StrictStr = Field("", max_length=200)
    township: UnitCode | None = Field(None, description="所属乡镇的单位编码")
    category: CategoryRef | None = Field(None, description="事项分类：完整路径或编号")
    urgency: Urgency = Urgency.NORMAL

    @field_validator("citizen_phone")
    @classmethod
    def check_phone(cls, value: str) -> str:
        return _phone(value)


class DispatchIn(StrictIn):
    lead_unit: UnitCode = Field(..., description="主办单位编码")
    co_units: list[UnitCode] = Field(default_factory=list, max_length=20, description="协办单位编码")
    category: CategoryRef | None = Field(None, description="事项分类：完整路径或编号（改派时可修正）")
    urgency: Urgency | None = None
    note: StrictStr = Field("", max_length=500)


class ReturnIn(StrictIn):
    reason_kind: ReturnReason = Field(..., description="退单理由（封闭清单）")
    reason: StrictStr = Field(..., min_length=4, max_length=500, description="退单说明（至少4个字）")
    suggested_unit: UnitCode | None = Field(None, description="退单单位认为应承办的单位编码（可不填）")


class RuleDisputeIn(StrictIn):
    upheld: StrictBool = Field(..., description="true：异议成立，另行派单；false：异议不成立，退回原单位")
    note: StrictStr = Field("", max_length=500, description="审核意见；异议不成立时必填（至少4个字）")
    decided_unit: UnitCode | None = Field(None, description="异议成立时认定的承办单位编码（可不填）")
    amend_catalogue: StrictBool = Field(False, description="是否据此修订派单目录")


class ExtendIn(StrictIn):
    days: StrictInt = Field(..., ge=1, le=30, description="延期工作日数")
    reason: StrictStr = Field(..., min_length=4, max_length=1000, description="延期理由（至少4个字）")


class DecideExtensionIn(StrictIn):
    approve: StrictBool
    note: StrictStr = Field("", max_length=500, description="审批意见；不同意时必填")


class ContactIn(StrictIn):
    way: ContactWay = Field(..., description="联系方式")
    reached: StrictBool = Field(..., description="是否联系上诉求人（联系上的才计入响应率）")
    note: StrictStr = Field(
        ...,
        min_length=4,
        max_length=1000,
        description="联系情况：沟通内容与约定，未联系上的原因（至少4个字）",
    )


class SuspensionIn(StrictIn):
    reason: SuspensionReason = Field(..., description="挂起事由（封闭清单）")
    explanation: StrictStr = Field(..., min_length=4, max_length=1000, description="情况说明（至少4个字）")
    document: StrictStr = Field(
        ..., min_length=4, max_length=200, description="依据文书：名称及文号（至少4个字）"
    )
    days: StrictInt = Field(..., ge=1, le=60, description="申请挂起的工作日数")


class DecideSuspensionIn(StrictIn):
    approve: StrictBool
    note: StrictStr = Field("", max_length=500, description="审批意见；不同意时必填")


class RepinIn(StrictIn):
    reason: StrictStr = Field(..., min_length=4, max_length=500, description="重算理由（至少4个字）")


class ResumeIn(StrictIn):
    note: StrictStr = Field("", max_length=500, description="恢复说明")


class ReplyIn(StrictIn):
    body: StrictStr = Field(..., min_length=10, max_length=5000, description="答复内容（至少10个字）")
    result: StrictStr = Field("", max_length=200, description="办理结果")
    template: Id | None = Field(None, description="起草所用的常用答复模板编号（可选）")


class ApproveIn(StrictIn):
    note: StrictStr = Field("", max_length=500)


class RejectReplyIn(StrictIn):
    note: StrictStr = Field(..., min_length=2, max_length=500, description="退回意见（至少2个字）")


class CallbackIn(StrictIn):
    reached: StrictBool = Field(..., description="是否联系上诉求人")
    resolved: StrictBool | None = Field(None, description="是否已解决；联系上时必填")
    satisfaction: Satisfaction | None = Field(None, description="满意度；联系上时必填")
    comment: StrictStr = Field("", max_length=1000)

    @model_validator(mode="after")
    def outcome_when_reached(self) -> CallbackIn:
        # A shape rule, checked here so the 422 names its fields (the service would only say so).
        missing = [
            name for name in ("satisfaction", "resolved") if self.reached and getattr(self, name) is None
        ]
        if missing:
            raise InvalidInput(
                "联系上诉求人时，请填写满意度和是否已解决。",
                code="invalid_input.required",
                details={"errors": [_required(name) for name in missing]},
            )
        return self


class CloseIn(StrictIn):
    note: StrictStr = Field(
        "", max_length=500, description="结案说明；差评（不满意、非常不满意）件必填（至少4个字）"
    )


class ReportRectificationIn(StrictIn):
    report: StrictStr = Field(..., min_length=10, max_length=2000, description="整改情况（至少10个字）")


class VerifyRectificationIn(StrictIn):
    accepted: StrictBool = Field(..., description="整改是否到位：是则转回访，否则退回承办单位")
    note: StrictStr = Field("", max_length=500, description="核实意见；退回时必填（至少4个字）")


class ReopenIn(StrictIn):
    reason: StrictStr = Field(..., min_length=4, max_length=500, description="重办理由（至少4个字）")


class MergeIn(StrictIn):
    parent: StrictStr = Field(..., min_length=1, max_length=20, description="主工单的受理编号")
    note: StrictStr = Field("", max_length=500)


class TransferIn(StrictIn):
    target: StrictStr = Field(
        ..., min_length=2, max_length=100, description="转办去向（外地平台名称，至少2个字）"
    )
    note: StrictStr = Field("", max_length=500)


class SuperviseIn(StrictIn):
    body: StrictStr = Field(..., min_length=4, max_length=2000, description="督办要求（至少4个字）")
    respond_days: StrictInt = Field(2, ge=1, le=30, description="反馈期限（工作日）")


class AnswerAtIntakeIn(StrictIn):
    answer: StrictStr = Field(..., min_length=5, max_length=5000, description="答复内容（至少5个字）")


class ContributeIn(StrictIn):
    body: StrictStr = Field(..., min_length=4, max_length=5000, description="协办意见（至少4个字）")


class CaseFilters(Schema):
    # Query parameters arrive as text, so these stay lax ("50" is 50); each one is bounded.
    state: State | None = None
    queue: str | None = Field(None, description="工作队列：" + "、".join(QUEUE_BY_SLUG))
    q: str | None = Field(None, max_length=100, description="受理编号、电话或文字")
    unit: str | None = Field(None, max_length=UNIT_CODE_MAX, description="主办单位编码")
    category: str | None = Field(None, max_length=CATEGORY_PATH_MAX, description="事项分类路径（含下级）")
    township: str | None = Field(None, max_length=UNIT_CODE_MAX, description="乡镇单位编码")
    created_from: IsoDate | None = Field(None, description="起始日期 YYYY-MM-DD（含）")
    created_to: IsoDate | None = Field(None, description="截止日期 YYYY-MM-DD（含）")
    sort: str | None = Field(
        None, max_length=20, description="排序：" + "、".join(SORTS) + "（前加 - 为倒序）；不填按队列默认顺序"
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("sort")
    @classmethod
    def check_sort(cls, value: str | None) -> str | None:
        if value and parse_sort(value) is None:
            raise ValueError("未知的排序，可选：" + "、".join(SORTS))
        return value or None

    @field_validator("queue")
    @classmethod
    def check_queue(cls, value: str | None) -> str | None:
        if value is not None and value not in QUEUE_BY_SLUG:
            raise ValueError("未知的工作队列，可选：" + "、".join(QUEUE_BY_SLUG))
        return value


# ---------------------------------------------------------------- output


class UnitOut(Schema):
    code: str
    name: str


class DeadlineOut(Schema):
    kind: str = Field(..., description="accept 签收 / handle 办理")
    due_at: datetime
    level: str = Field(..., description="ok / near / overdue")
    level_label: str
    label: str
    remaining_hours: float


class CaseOut(Schema):
    number: str
    title: str
    state: str
    state_label: str
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    urgency: str
    urgency_label: str
    category: str | None
    township: UnitOut | None
    lead_unit: UnitOut | None
    citizen_name: str
    citizen_phone: str = Field(..., description="按权限脱敏")
    created_at: datetime
    accept_due_at: datetime | None
    due_at: datetime | None
    deadline: DeadlineOut | None


class CoUnitOut(UnitOut):
    status: str
    status_label: str


class ReplyCheckOut(Schema):
    """One reason an answer may not answer the request (cases.hooks.reply_checks)."""

    code: str = Field(
        ..., description="forwarded / boilerplate / irrelevant / incomplete / no_action / no_date"
    )
    label: str
    detail: str
    text: str


class ReplyOut(Schema):
    id: int
    status: str
    status_label: str
    unit: UnitOut | None
    author: str
    body: str
    result: str
    submitted_at: datetime
    approved_at: datetime | None
    review_note: str
    checks: list[ReplyCheckOut] | None = Field(
        None, description="待审核答复的自动检查（答复可能存在的问题；空列表 = 未发现）；其他为 null"
    )


class ExtensionOut(Schema):
    id: int
    status: str
    status_label: str
    days: int
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class RectificationOut(Schema):
    id: int
    status: str
    status_label: str
    satisfaction: str
    unit: UnitOut
    opened_at: datetime
    due_at: datetime
    report: str
    reported_at: datetime | None
    late: bool
    returns: int
    verified_at: datetime | None
    verify_note: str


class CallbackClaimOut(Schema):
    agent: str = Field(..., description="认领回访的话务员")
    until: datetime


class ActionOut(Schema):
    action: str
    label: str
    path: str = Field(..., description="POST /api/v1/cases/{number}/{path}")


class DisputeOut(Schema):
    id: int
    unit: UnitOut
    reason: str
    reason_label: str
    explanation: str
    suggested_unit: UnitOut | None
    returned_at: datetime
    status: str
    status_label: str
    ruling: str
    decided_unit: UnitOut | None
    ruled_at: datetime | None


class CaseDetailOut(CaseOut):
    content: str
    address: str
    phone_unmasked: bool
    co_units: list[CoUnitOut]
    dispatched_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    callback_attempts: int
    resolved: bool | None
    satisfaction: str
    parent: str | None
    transferred_to: str
    replies: list[ReplyOut]
    extensions: list[ExtensionOut]
    rectify_due_at: datetime | None = Field(None, description="差评整改期限（整改中时）")
    rectifications: list[RectificationOut] = []
    callback_claim: CallbackClaimOut | None = Field(None, description="回访池中的认领（待回访时）")
    disputes: list[DisputeOut] = Field(default_factory=list, description="退单及派单异议审核")
    escalated_at: datetime | None = Field(None, description="转为问题工单（提级办理）的时间")
    actions: list[ActionOut]


class CasePageOut(Schema):
    count: int
    items: list[CaseOut]
    # Why a full phone number in `q` matched no caller's cases: the role may not search by phone.
    notice: str | None = None


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None
    actor_unit: UnitOut | None
    note: str
    payload: dict[str, Any]
    created_at: datetime


# ---------------------------------------------------------------- bulk actions (cases.bulk)

CaseNumber = Annotated[StrictStr, Field(min_length=1, max_length=20)]


class BulkDispatchIn(StrictIn):
    numbers: list[CaseNumber] = Field(..., min_length=1, max_length=MAX_BULK, description="受理编号")
    lead_unit: UnitCode | None = Field(None, description="主办单位编码；不填则每件按其分拣建议派单")
    co_units: list[UnitCode] = Field(
        default_factory=list, max_length=20, description="协办单位编码（须同时指定主办单位）"
    )
    note: StrictStr = Field("", max_length=500)


class BulkAcceptIn(StrictIn):
    numbers: list[CaseNumber] = Field(..., min_length=1, max_length=MAX_BULK, description="受理编号")


class BulkItemOut(Schema):
    number: str
    done: bool
    code: str = Field(description="未完成时的错误代码（与单件操作相同），完成时为空")
    message: str = Field(description="完成情况或未完成的原因")
    state: State | None = Field(None, description="操作后的状态；找不到的工单为空")


class BulkOut(Schema):
    done: int
    refused: int
    results: list[BulkItemOut]

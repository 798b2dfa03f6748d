"""Shapes of the case API: what a client may send (…In) and what it gets back (…Out).

Input schemas check shape only (types, required fields, lengths, ranges) so that every field
error comes back at once with its name. The rules of the loop (who may act, in which state,
how long a reply must be) stay in cases.services, which runs the same checks for the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from accounts.phones import normalize_phone
from cases.models import Channel, Kind, Satisfaction, SuspensionReason, Urgency
from cases.queues import QUEUE_BY_SLUG
from cases.workflow import State
from mochou.errors import InvalidInput

MAX_PAGE = 200


class StrictIn(Schema):
    # A misspelt field ("reson") is an error, not a silently missing value.
    model_config = ConfigDict(extra="forbid")


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


# ---------------------------------------------------------------- input


class RegisterIn(StrictIn):
    channel: Channel = Field(Channel.API, description="受理渠道")
    kind: Kind = Field(..., description="诉求类型")
    title: str = Field("", max_length=120, description="标题；为空时取诉求内容的前30字")
    content: str = Field(..., min_length=1, max_length=5000, description="诉求内容")
    citizen_name: str = Field("", max_length=40)
    citizen_phone: str = Field("", max_length=30, description="手机号或固定电话")
    address: str = Field("", max_length=200)
    township: str | None = Field(None, description="所属乡镇的单位编码")
    category: str | int | None = Field(None, description="事项分类：完整路径或编号")
    urgency: Urgency = Urgency.NORMAL

    @field_validator("citizen_phone")
    @classmethod
    def check_phone(cls, value: str) -> str:
        return _phone(value)


class DispatchIn(StrictIn):
    lead_unit: str = Field(..., min_length=1, description="主办单位编码")
    co_units: list[str] = Field(default_factory=list, max_length=20, description="协办单位编码")
    category: str | int | None = Field(None, description="事项分类：完整路径或编号（改派时可修正）")
    urgency: Urgency | None = None
    note: str = Field("", max_length=500)


class ReturnIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500, description="退单理由")


class ExtendIn(StrictIn):
    days: int = Field(..., ge=1, le=30, description="延期工作日数")
    reason: str = Field(..., min_length=1, max_length=1000)


class DecideExtensionIn(StrictIn):
    approve: bool
    note: str = Field("", max_length=500, description="审批意见；不同意时必填")


class SuspensionIn(StrictIn):
    reason: SuspensionReason = Field(..., description="挂起事由（封闭清单）")
    explanation: str = Field(..., min_length=1, max_length=1000, description="情况说明")
    document: str = Field(..., min_length=1, max_length=200, description="依据文书：名称及文号")
    days: int = Field(..., ge=1, le=60, description="申请挂起的工作日数")


class DecideSuspensionIn(StrictIn):
    approve: bool
    note: str = Field("", max_length=500, description="审批意见；不同意时必填")


class RepinIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500, description="重算理由")


class ResumeIn(StrictIn):
    note: str = Field("", max_length=500, description="恢复说明")


class ReplyIn(StrictIn):
    body: str = Field(..., min_length=1, max_length=5000, description="答复内容")
    result: str = Field("", max_length=200, description="办理结果")
    template: int | None = Field(None, ge=1, le=2**31 - 1, description="起草所用的常用答复模板编号（可选）")


class ApproveIn(StrictIn):
    note: str = Field("", max_length=500)


class RejectReplyIn(StrictIn):
    note: str = Field(..., min_length=1, max_length=500, description="退回意见")


class CallbackIn(StrictIn):
    reached: bool = Field(..., description="是否联系上诉求人")
    resolved: bool | None = None
    satisfaction: Satisfaction | None = None
    comment: str = Field("", max_length=1000)


class CloseIn(StrictIn):
    note: str = Field("", max_length=500, description="结案说明；不满意件必填")


class ReopenIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class MergeIn(StrictIn):
    parent: str = Field(..., min_length=1, description="主工单的受理编号")
    note: str = Field("", max_length=500)


class TransferIn(StrictIn):
    target: str = Field(..., min_length=1, max_length=100, description="转办去向（外地平台名称）")
    note: str = Field("", max_length=500)


class SuperviseIn(StrictIn):
    body: str = Field(..., min_length=1, max_length=2000, description="督办要求")
    respond_days: int = Field(2, ge=1, le=30, description="反馈期限（工作日）")


class AnswerAtIntakeIn(StrictIn):
    answer: str = Field(..., min_length=1, max_length=5000)


class ContributeIn(StrictIn):
    body: str = Field(..., min_length=1, max_length=5000, description="协办意见")


class CaseFilters(Schema):
    state: State | None = None
    queue: str | None = Field(None, description="工作队列：" + "、".join(QUEUE_BY_SLUG))
    q: str | None = Field(None, max_length=100, description="受理编号、电话或文字")
    unit: str | None = Field(None, description="主办单位编码")
    category: str | None = Field(None, description="事项分类路径（含下级）")
    township: str | None = Field(None, description="乡镇单位编码")
    created_from: date | None = None
    created_to: date | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)

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


class ExtensionOut(Schema):
    id: int
    status: str
    status_label: str
    days: int
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class ActionOut(Schema):
    action: str
    label: str
    path: str = Field(..., description="POST /api/v1/cases/{number}/{path}")


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
    actions: list[ActionOut]


class CasePageOut(Schema):
    count: int
    items: list[CaseOut]


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

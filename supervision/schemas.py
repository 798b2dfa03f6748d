"""The 督办单 over JSON: inputs (strict: a misspelt field is an error) and outputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from cases.schemas import DeadlineOut, StrictIn, UnitOut
from supervision.workflow import Colour, State


class IssueIn(StrictIn):
    case: StrictStr = Field(..., min_length=1, max_length=20, description="工单受理编号")
    body: StrictStr = Field(..., min_length=4, max_length=2000, description="督办要求（至少4个字）")
    respond_days: StrictInt | None = Field(
        None, ge=1, le=30, description="反馈期限（工作日）；不填按颜色默认（蓝、黄2日，红1日）"
    )
    colour: Colour = Field(
        Colour.BLUE, description="blue 蓝 / yellow 黄 / red 红；黄、红仅限重大或紧急事项直接发出"
    )
    major: StrictBool = Field(False, description="重大事项（可直接发黄色或红色督办单）")


class AnswerIn(StrictIn):
    body: StrictStr = Field(..., min_length=10, max_length=5000, description="反馈内容（至少10个字）")


class NoticeApproveIn(StrictIn):
    note: StrictStr = Field("", max_length=500, description="审核意见")


class NoticeReturnIn(StrictIn):
    note: StrictStr = Field(..., min_length=4, max_length=500, description="退回意见（至少4个字）")


class NoticeFilters(Schema):
    state: State | None = None
    colour: Colour | None = None
    unit: str | None = Field(None, max_length=40, description="被督办单位编码")
    case: str | None = Field(None, max_length=20, description="工单受理编号")
    late: bool | None = Field(None, description="true：逾期未签收、逾期未反馈、逾期反馈或已升级的")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class NoticeOut(Schema):
    number: str
    case: str = Field(..., description="工单受理编号")
    unit: UnitOut
    colour: str
    colour_label: str
    state: str
    state_label: str
    body: str
    major: bool
    supervisor: str
    addressed_to: str | None
    previous: str | None = Field(..., description="所升级自的督办单编号")
    next: str | None = Field(..., description="升级后的督办单编号")
    created_at: datetime
    sign_by: datetime | None
    respond_by: datetime | None
    signed_at: datetime | None
    answered_at: datetime | None
    approved_at: datetime | None
    answer: str | None = Field(..., description="反馈内容（审核通过后；草稿仅本单位可见）")
    return_note: str
    late: list[str] = Field(..., description="逾期未签收 / 逾期签收 / 逾期未反馈 / 逾期反馈 / 已升级")
    deadline: DeadlineOut | None = Field(..., description="正在计时的反馈期限")
    allowed_actions: list[str]


class NoticePageOut(Schema):
    count: int
    items: list[NoticeOut]


class NoticeEventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None
    note: str
    payload: dict[str, Any]
    created_at: datetime


class NoticeDetailOut(NoticeOut):
    events: list[NoticeEventOut]

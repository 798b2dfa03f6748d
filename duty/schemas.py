"""The duty API's shapes (every name begins with Duty: the OpenAPI document keys schemas by name)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class DutyStrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class DutyOnDutyOut(Schema):
    unit: str = Field(description="单位编码")
    unit_name: str = Field(description="单位名称")
    on_duty: bool = Field(description="此刻是否有人值班")
    leader: str | None = Field(None, description="带班领导")
    leader_phone: str | None = Field(None, description="带班领导电话（值班链以外的用户看到的是打码的号码）")
    officer: str | None = Field(None, description="值班员")
    officer_phone: str | None = Field(None, description="值班员电话（同上）")
    ends_at: datetime | None = Field(None, description="本班次结束时间")


class DutyDailyIn(DutyStrictIn):
    kind: Literal["safe", "situation"] = Field("safe", description="safe=平安；situation=有情况（须填 text）")
    text: str = Field("", max_length=2000, description="情况说明")


class DutyDailyOut(Schema):
    unit: str = Field(description="单位编码")
    unit_name: str = Field(description="单位名称")
    day: date = Field(description="日期")
    status: str = Field(description="on_time 按时 / late 迟报 / missing 未报 / waiting 未到期限")
    status_label: str = Field(description="状态（中文）")
    kind: str | None = Field(None, description="safe 平安 / situation 有情况")
    text: str | None = Field(None, description="情况说明")
    filed_at: datetime | None = Field(None, description="报送时间")


class DutyFiguresIn(DutyStrictIn):
    deaths: int = Field(0, ge=0, description="死亡人数")
    injuries: int = Field(0, ge=0, description="受伤人数")
    missing: int = Field(0, ge=0, description="失联人数")
    losses: str = Field("", max_length=200, description="财产损失")
    actions_taken: str = Field("", max_length=2000, description="已采取措施")


class DutyReportIn(DutyFiguresIn):
    text: str = Field(min_length=4, max_length=4000, description="报告内容")
    level: str = Field("", description="续报时可调整等级：1 特别重大 … 4 一般；空为不变")


class DutyFirstReportIn(DutyFiguresIn):
    text: str = Field(min_length=4, max_length=4000, description="初报内容")
    title: str = Field(min_length=2, max_length=100, description="事件名称")
    level: str = Field(description="等级：1 特别重大、2 重大、3 较大、4 一般")
    kind: str = Field(
        description="类型：flood、geological、fire、traffic、production、weather、health、social、other"
    )
    place: str = Field(min_length=2, max_length=200, description="地点")
    township: str | None = Field(None, description="所在乡镇编码")
    occurred_at: datetime | None = Field(None, description="发生时间（空为知悉时间）")
    learned_at: datetime | None = Field(None, description="知悉时间（空为现在）")


class DutyReportOut(Schema):
    kind: str = Field(description="first 初报 / follow 续报 / final 终报")
    label: str = Field(description="如：续报（2）")
    seq: int = Field(description="续报序号")
    text: str = Field(description="报告内容")
    level: str = Field(description="报告时的等级")
    filed_at: datetime = Field(description="报送时间")
    due_at: datetime = Field(description="应报时间")
    late: bool = Field(description="是否超时")


class DutyIncidentOut(Schema):
    number: str = Field(description="事件编号")
    title: str = Field(description="事件名称")
    state: str = Field(description="pending 待初报 / reported 处置中 / finished 已终报")
    state_label: str = Field(description="状态（中文）")
    level: str = Field(description="等级")
    level_label: str = Field(description="等级（中文）")
    kind: str = Field(description="类型")
    unit: str = Field(description="报送单位编码")
    township: str | None = Field(None, description="所在乡镇编码")
    place: str = Field(description="地点")
    learned_at: datetime = Field(description="知悉时间")
    next_due: datetime | None = Field(None, description="下一份报告的期限（初报或续报）")
    deaths: int = Field(description="死亡")
    injuries: int = Field(description="受伤")
    missing: int = Field(description="失联")
    losses: str = Field(description="财产损失")
    actions: list[str] = Field(description="当前用户可执行的操作")
    reports: list[DutyReportOut] = Field(description="已报送的报告")
    cases: list[str] = Field(description="关联的 12345 工单受理编号")

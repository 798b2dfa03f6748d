"""The decision tasks, plans and extraction over JSON: inputs (strict) and outputs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from cases.schemas import IsoDate, StrictIn
from supervision.task_workflow import Source, TaskState


class TaskCreateIn(StrictIn):
    title: StrictStr = Field(..., min_length=4, max_length=200, description="事项（至少4个字）")
    body: StrictStr = Field("", max_length=4000, description="工作要求")
    source_kind: Source = Field(
        Source.INSTRUCTION,
        description="来源：meeting 会议纪要 / instruction_urgent 批示急件 / instruction 批示 / other",
    )
    source_text: StrictStr = Field("", max_length=4000, description="原文（纪要句子或批示原文）")
    plan: StrictInt | None = Field(None, description="所属计划序号（1–8）")
    target_text: StrictStr = Field("", max_length=120, description="目标，如“≥80%”")
    deadline: IsoDate | None = Field(None, description="办结时限；不填则交办时按来源默认")
    major: StrictBool = Field(False, description="重大事项（督办单起点提高一级）")
    indicators: list[StrictStr] = Field(
        [], max_length=50, description="关联指标编码（该事项推动的指标，见 /plans）"
    )


class InstructionIn(StrictIn):
    """领导批示 on one case or one hotspot (exactly one of `case` and `hotspot`)."""

    case: StrictStr | None = Field(None, max_length=32, description="工单受理编号")
    hotspot: StrictInt | None = Field(None, ge=1, description="高频事编号")
    body: StrictStr = Field(..., min_length=4, max_length=2000, description="批示内容")
    urgent: StrictBool = Field(False, description="急件（1–5个工作日）；否则非急件")
    days: StrictInt | None = Field(None, ge=1, le=60, description="办理时限（工作日）；不填按默认")
    deadline: IsoDate | None = Field(None, description="办结时限（日期），代替 days")
    lead_unit: StrictStr | None = Field(
        None, max_length=32, description="承办单位编码；工单不填则交主办单位，高频事必填"
    )


class TaskActionIn(StrictIn):
    """The input of one action; each action reads the fields it needs (see the action's summary)."""

    note: StrictStr = Field("", max_length=1000, description="意见/理由（退回、不同意时必填）")
    reason: StrictStr = Field("", max_length=1000, description="申请调整或延期的理由")
    body: StrictStr = Field("", max_length=4000, description="进展或办结情况")
    progress: StrictInt | None = Field(None, ge=0, le=100, description="完成进度（%）")
    evidence: StrictStr = Field("", max_length=2000, description="佐证材料（文件名称、文号、台账；无需截图）")
    next_steps: StrictStr = Field("", max_length=2000, description="下步计划")
    stage: StrictBool = Field(False, description="阶段办结")
    until: IsoDate | None = Field(None, description="申请延至（日期）")
    lead_unit: StrictStr | None = Field(None, max_length=32, description="交办：牵头单位编码")
    co_units: list[StrictStr] | None = Field(None, description="交办：协办单位编码")
    leader: StrictStr | None = Field(None, max_length=150, description="交办：责任领导用户名")
    deadline: IsoDate | None = Field(None, description="交办：办结时限")
    report_every: StrictInt | None = Field(None, ge=1, le=60, description="交办：报送周期（工作日）")
    indicators: list[StrictStr] | None = Field(
        None, max_length=50, description="交办：关联指标编码（给出则替换原有关联；不给则不变）"
    )


class TaskSplitPartIn(StrictIn):
    title: StrictStr = Field("", max_length=200, description="子任务事项；不填则同上级事项")
    lead_unit: StrictStr = Field(..., max_length=32, description="子任务牵头单位编码")


class TaskSplitIn(StrictIn):
    """分解: one sub-task per unit (a unit at most once)."""

    parts: list[TaskSplitPartIn] = Field(..., min_length=1, max_length=50, description="子任务")


class TaskReportOut(Schema):
    kind: str = Field(..., description="progress 进展 / stage 阶段办结 / close 办结")
    body: str
    progress: int
    evidence: str
    next_steps: str
    author: str
    created_at: datetime


class TaskEventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None = Field(None, description="操作人；系统操作为空")
    note: str
    created_at: datetime


class TaskNoticeOut(Schema):
    number: str
    task: str = Field(..., description="督办事项编号")
    unit: str = Field(..., description="被督办单位编码")
    colour: str = Field(..., description="blue 蓝 / yellow 黄 / red 红")
    reason: str = Field(..., description="督办原因")
    state: str
    body: str
    respond_by: datetime
    answer: str
    previous: str | None
    allowed_actions: list[str]


class TaskOut(Schema):
    number: str
    title: str
    state: TaskState
    state_label: str
    source_kind: str
    plan: int | None = Field(None, description="计划序号")
    lead_unit: str | None = Field(None, description="牵头单位编码")
    co_units: list[str]
    leader: str | None = Field(None, description="责任领导")
    deadline: datetime | None
    days_left: int | None = Field(None, description="剩余工作日；负数为超期天数")
    progress: int = Field(..., description="完成进度（%；分解任务按子任务汇总）")
    light: str = Field(
        ..., description="red 超期 / yellow 滞后 / blue 临期 / green 正常 / done 已销号 / none 未交办"
    )
    target_text: str
    extension_step: str
    allowed_actions: list[str]
    case: str | None = Field(None, description="领导批示所针对的工单受理编号")
    hotspot: int | None = Field(None, description="领导批示所针对的高频事编号")


class TaskDetailOut(TaskOut):
    body: str
    source_text: str
    indicators: list[str] = Field(..., description="关联指标编码")
    reports: list[TaskReportOut]
    notices: list[TaskNoticeOut]
    events: list[TaskEventOut]


class TaskPageOut(Schema):
    count: int
    items: list[TaskOut]


class TaskFilters(Schema):
    state: TaskState | None = None
    plan: int | None = Field(None, description="计划序号")
    unit: str | None = Field(None, description="牵头单位编码")
    source_kind: Source | None = Field(None, description="来源")
    case: str | None = Field(None, max_length=32, description="针对该工单的领导批示")
    hotspot: int | None = Field(None, ge=1, description="针对该高频事的领导批示")
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class TaskNoticeIssueIn(StrictIn):
    body: StrictStr = Field(..., min_length=4, max_length=2000, description="督办要求")
    colour: StrictStr = Field("blue", description="blue / yellow / red（黄、红限重大事项、领导批示）")
    respond_days: StrictInt | None = Field(None, ge=1, le=30, description="反馈期限（工作日）")


class TaskNoticeActIn(StrictIn):
    body: StrictStr = Field("", max_length=5000, description="反馈内容（answer）")
    note: StrictStr = Field("", max_length=500, description="退回意见（return）")


class IndicatorOut(Schema):
    code: str
    plan: int = Field(..., description="所属计划的序号（八大计划 1–8）")
    name: str
    measure_unit: str
    kind: str
    baseline: Decimal
    target: Decimal
    due: date
    value: Decimal | None = Field(None, description="当前值")
    period: date | None
    completion: float | None = Field(None, description="完成率（%）")
    elapsed: float = Field(..., description="时间进度（%）")
    gap: float | None = Field(None, description="序时进度差（百分点）")
    light: str = Field(..., description="green 正常 / yellow 滞后 / red 严重滞后 / grey 无数据")
    why: str


class PlanOut(Schema):
    number: int
    name: str
    tasks: int
    off_track: int = Field(..., description="红灯、黄灯事项数")
    indicators: list[IndicatorOut]


class MeasurementIn(StrictIn):
    period: IsoDate = Field(..., description="统计期（期末日）")
    value: Decimal | None = Field(None, description="数值（比率指标不填）")
    numerator: Decimal | None = Field(None, description="分子（比率指标）")
    denominator: Decimal | None = Field(None, description="分母（比率指标）")
    source_document: StrictStr = Field("", max_length=200, description="依据材料")


class MeasurementOut(Schema):
    id: int = Field(..., description="数据编号（核实时用）")
    indicator: str
    period: date
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    source_document: str = Field(..., description="依据材料")
    via: str = Field(..., description="form 页面录入 / csv / xlsx 导入 / api 接口报送")
    reported_by: str | None = Field(None, description="录入人")
    verified_by: str | None = Field(None, description="核实人；未核实为空")
    current: bool = Field(..., description="是否为该期的现行数据（更正后旧数据为 false）")
    allowed_actions: list[str] = Field(..., description="当前用户可做的操作：verify 核实")
    created_at: datetime


class IndicatorFilters(Schema):
    plan: int | None = Field(None, ge=1, le=99, description="只看该计划（序号）的指标")


class MeasurementFilters(Schema):
    period: IsoDate | None = Field(None, description="只看该统计期")
    unverified: bool | None = Field(None, description="true 只看未核实的现行数据")
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(100, ge=1, le=500)


class MeasurementImportIn(StrictIn):
    csv: StrictStr = Field(
        ...,
        min_length=1,
        max_length=2_000_000,
        description="CSV 全文，表头：指标编码,统计期,数值,分子,分母,依据材料；全部成功或全部不导入",
    )


class ExtractIn(StrictIn):
    text: StrictStr = Field(..., min_length=20, max_length=200_000, description="会议纪要全文")
    held_on: IsoDate | None = Field(None, description="会议日期（识别“年底前”等）")


class ExtractDraftOut(Schema):
    text: str = Field(..., description="原文句子")
    title: str
    plan: str | None = Field(None, description="所属计划")
    plan_number: int | None
    lead_unit: str | None = Field(None, description="建议牵头单位编码")
    co_units: list[str]
    all_townships: bool = Field(..., description="原文涉及各乡镇场库")
    deadline: date | None
    target: str | None


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value)

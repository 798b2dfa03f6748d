"""招商引资 over JSON: inputs (strict) and outputs. Names are prefixed: the OpenAPI document keys
schemas by class name across every app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictBool, StrictStr

from cases.schemas import StrictIn

# investment.access.amount_shown
HIDDEN = "不足3个项目且无权查看单个项目金额时为空"


class InvestmentProjectIn(StrictIn):
    code_name: StrictStr = Field(..., max_length=60, description="项目代号（对外使用）")
    name: StrictStr = Field(..., max_length=100, description="项目名称（保密）")
    investor_name: StrictStr = Field(..., max_length=100, description="投资方（保密）")
    investor_credit_code: StrictStr = Field(
        "", max_length=30, description="投资方统一社会信用代码（签约前须填写）"
    )
    source: StrictStr = Field(
        ..., description="项目来源：event 活动招商 / channel 渠道招商 / business 以商招商 / other 其他"
    )
    source_detail: StrictStr = Field("", max_length=100, description="招商活动或渠道名称")
    chain: StrictStr = Field(..., description="产业链编码")
    park: StrictStr | None = Field(None, description="园区编码；不填为园区外")
    township: StrictStr = Field(..., description="所在乡镇的单位编码（区划代码）")
    responsible_unit: StrictStr | None = Field(None, description="责任单位编码；不填为本单位")
    total_investment: Decimal = Field(
        ..., ge=0, max_digits=14, decimal_places=2, description="协议总投资（万元）"
    )
    first_phase_investment: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="首期投资（万元）"
    )
    registered_capital: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="注册资本（万元）"
    )
    expected_output: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="预计年产值（万元）"
    )
    expected_tax: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="预计年税收（万元）"
    )
    expected_jobs: int | None = Field(None, ge=0, description="预计就业（人）")
    is_leading: StrictBool = Field(False, description="龙头企业")
    is_little_giant: StrictBool = Field(False, description="专精特新“小巨人”")
    is_tech_upgrade: StrictBool = Field(False, description="技改项目")
    task_force: StrictStr = Field("", max_length=60, description="专班")
    planned_start: dt.date | None = Field(None, description="计划开工月份（任一天，按月计）")


class InvestmentProjectPatchIn(StrictIn):
    """修改项目信息: only the fields sent change (the others stay). Once signed, 投资方 and 协议总投资
    change only through a 变更投资方 / 增资扩产 stage (409 investment.signed_fact)."""

    code_name: StrictStr | None = Field(None, max_length=60, description="项目代号（对外使用）")
    name: StrictStr | None = Field(None, max_length=100, description="项目名称（保密）")
    investor_name: StrictStr | None = Field(None, max_length=100, description="投资方（保密）")
    investor_credit_code: StrictStr | None = Field(
        None, max_length=30, description="投资方统一社会信用代码（签约前须补充；空字符串为清除）"
    )
    source: StrictStr | None = Field(None, description="项目来源：event / channel / business / other")
    source_detail: StrictStr | None = Field(None, max_length=100, description="招商活动或渠道名称")
    chain: StrictStr | None = Field(None, description="产业链编码")
    park: StrictStr | None = Field(None, description="园区编码；null 或空字符串为园区外")
    township: StrictStr | None = Field(None, description="所在乡镇的单位编码")
    responsible_unit: StrictStr | None = Field(None, description="责任单位编码（只有招商局可以更换）")
    total_investment: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="协议总投资（万元）"
    )
    first_phase_investment: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="首期投资（万元）"
    )
    registered_capital: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="注册资本（万元）"
    )
    expected_output: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="预计年产值（万元）"
    )
    expected_tax: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="预计年税收（万元）"
    )
    expected_jobs: int | None = Field(None, ge=0, description="预计就业（人）")
    is_leading: StrictBool | None = Field(None, description="龙头企业")
    is_little_giant: StrictBool | None = Field(None, description="专精特新“小巨人”")
    is_tech_upgrade: StrictBool | None = Field(None, description="技改项目")
    task_force: StrictStr | None = Field(None, max_length=60, description="专班")
    planned_start: dt.date | None = Field(None, description="计划开工月份（任一天，按月计）")


class InvestmentProjectOut(Schema):
    number: str = Field(..., description="项目编号")
    code_name: str = Field(..., description="项目代号")
    state: str = Field(..., description="当前阶段（只计审核通过的阶段）")
    state_label: str = Field(..., description="阶段名称")
    chain: str = Field(..., description="产业链")
    park: str | None = Field(None, description="园区；空为园区外")
    township: str = Field(..., description="所在乡镇")
    responsible_unit: str = Field(..., description="责任单位")
    flags: list[str] = Field(..., description="标记：10亿元以上、龙头、小巨人、技改")
    warnings: list[str] = Field(..., description="停滞与计划预警")
    confidential: bool = Field(..., description="是否含保密信息（项目名称、投资方、金额）")
    name: str | None = Field(None, description="项目名称（仅限可见保密信息的角色）")
    investor_name: str | None = Field(None, description="投资方（同上）")
    investor_credit_code: str | None = Field(None, description="投资方统一社会信用代码（同上）")
    total_investment: Decimal | None = Field(None, description="协议总投资（万元，同上）")
    updated_at: dt.datetime


class InvestmentReportIn(StrictIn):
    stage: StrictStr = Field(
        ...,
        description="申报阶段：negotiate 在谈 / sign 签约 / incorporate 注册 / grant_land 供地 / "
        "start 开工 / "
        "complete 竣工 / produce 投产 / reach_full 达产上规 / pause 暂停 / terminate 终止流失 / "
        "upgrade 增资扩产 / change_investor 变更投资方",
    )
    date: dt.date = Field(..., description="该阶段的日期（不晚于今天）")
    event_name: StrictStr = Field("", max_length=100, description="签约活动")
    reason: StrictStr = Field("", description="暂停（要素）或终止（流失）的原因编码")
    new_total_investment: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="增资后总投资（万元）"
    )
    new_investor_name: StrictStr = Field("", max_length=100, description="新投资方")
    new_investor_credit_code: StrictStr = Field("", max_length=30, description="新投资方统一社会信用代码")
    note: StrictStr = Field("", max_length=2000, description="情况说明（在谈、暂停、终止必填）")


class InvestmentDocumentIn(StrictIn):
    title: StrictStr = Field(..., min_length=1, max_length=60, description="材料名称")
    filename: StrictStr = Field(
        ...,
        min_length=1,
        max_length=100,
        description="文件名（含扩展名：pdf、ofd、jpg、png、doc(x)、xls(x)）",
    )
    content_base64: StrictStr = Field(..., min_length=1, description="文件内容（base64），不超过 20MB")


class InvestmentFundsIn(StrictIn):
    month: dt.date = Field(..., description="月份（任一天，按月计）")
    amount: Decimal = Field(
        ..., ge=0, max_digits=14, decimal_places=2, description="当月到位资金（万元）；再次填报即更正"
    )


class InvestmentReviewNoteIn(StrictIn):
    note: StrictStr = Field("", max_length=2000, description="说明或审核意见（退回时必填）")


class InvestmentReportOut(Schema):
    id: int = Field(..., description="申报编号")
    project: str = Field(..., description="项目编号")
    stage: str = Field(..., description="申报阶段")
    stage_label: str
    date: dt.date
    status: str = Field(..., description="draft 待申报 / submitted 待审核 / published 已通过")
    review_note: str = Field(..., description="最近的审核意见")
    documents: list[str] = Field(..., description="证明材料名称")


class InvestmentTallyOut(Schema):
    label: str = Field(..., description="行（乡镇、园区、产业链、月份或合计）")
    signed: int = Field(..., description="新签约项目（个）")
    amount: Decimal | None = Field(..., description="签约额（万元，含增资增量）；" + HIDDEN)
    major: int = Field(..., description="其中10亿元以上（个）")
    started: int = Field(..., description="新开工（个）")
    producing: int = Field(..., description="新投产（个）")
    funds: Decimal | None = Field(..., description="到位资金（万元）；" + HIDDEN)
    suppressed: list[str] = Field(..., description="不显示的金额（amount、funds）")


class InvestmentStageCountOut(Schema):
    state: str
    label: str
    count: int
    amount: Decimal | None = Field(..., description="协议总投资（万元）；" + HIDDEN)


class InvestmentPipelineOut(Schema):
    year: int
    funnel: list[InvestmentStageCountOut]
    reserve_count: int = Field(..., description="在谈储备（个）")
    reserve_amount: Decimal | None = Field(..., description="在谈储备（万元）；" + HIDDEN)
    doubling_ratio: Decimal | None = Field(None, description="签约额为基准年的倍数")
    by_chain: list[InvestmentTallyOut]
    by_park: list[InvestmentTallyOut]
    by_township: list[InvestmentTallyOut]
    by_month: list[InvestmentTallyOut]


class InvestmentFigureOut(Schema):
    key: str = Field(..., description="指标编码")
    label: str
    unit: str
    plan: str = Field(..., description="所属计划")
    value: Decimal | None = Field(None, description="区间内的值（查询单个指标时）")
    suppressed: bool = Field(False, description="金额由不足3个项目构成、无权查看金额时不显示")


class InvestmentProblemIn(StrictIn):
    kind: StrictStr = Field(
        ..., max_length=20, description="要素类别：land 用地、approval 审批、design 设计、funds 资金、"
        "utilities 水电气、labour 用工、demolition 征地拆迁、market 市场、other 其他",
    )  # fmt: skip
    title: StrictStr = Field(..., min_length=1, max_length=40, description="问题")
    content: StrictStr = Field(..., min_length=1, max_length=3000, description="具体情况和诉求（至少10个字）")
    unit: StrictStr | None = Field(None, max_length=32, description="责任单位编码；不填按类别默认")


class InvestmentProblemOut(Schema):
    case: str = Field(..., description="受理编号（12345）")
    kind: str
    kind_label: str
    title: str
    unit: str | None = Field(None, description="责任单位（主办）")
    state: str = Field(..., description="工单状态")
    state_label: str
    answer: str | None = Field(None, description="审核通过的答复")
    raised_at: dt.datetime


class InvestmentStallReasonIn(StrictIn):
    reason: StrictStr = Field(..., max_length=20, description="停滞原因（要素类别，同要素保障）")
    note: StrictStr = Field("", max_length=300, description="说明")


class InvestmentStallOut(Schema):
    project: str = Field(..., description="项目编号")
    code_name: str
    light: str = Field(..., description="yellow 黄灯 / red 红灯")
    warnings: list[str]
    reason: str = Field(..., description="停滞原因（空：未填报）")
    reason_label: str


class InvestmentTargetIn(StrictIn):
    year: int = Field(..., ge=2000, le=2100)
    figure: StrictStr = Field(
        ..., max_length=12, description="signed 新签约个数、amount 签约额、major 10亿元以上、started 开工、"
        "producing 投产、funds 到位资金",
    )  # fmt: skip
    value: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2, description="目标值（个或万元）")
    township: StrictStr | None = Field(
        None, max_length=32, description="乡镇编码（只填一个考核对象；都不填为全市）"
    )
    park: StrictStr | None = Field(None, max_length=32, description="园区编码")
    chain: StrictStr | None = Field(None, max_length=32, description="产业链编码")


class InvestmentAssessmentCellOut(Schema):
    figure: str
    actual: Decimal | None = Field(None, description="完成（" + HIDDEN + "）")
    target: Decimal | None = Field(None, description="目标（未填报为空）")
    rate: Decimal | None = Field(None, description="完成率（0–1）")
    behind: bool = Field(..., description="落后序时")


class InvestmentAssessmentRowOut(Schema):
    label: str
    cells: list[InvestmentAssessmentCellOut]


class InvestmentAssessmentOut(Schema):
    year: int
    by: str
    on: dt.date = Field(..., description="截至日期")
    time_share: Decimal = Field(..., description="序时进度（0–1）")
    rows: list[InvestmentAssessmentRowOut]


class InvestmentOutputImportIn(StrictIn):
    filename: StrictStr = Field(..., min_length=1, max_length=100, description="文件名（.csv 或 .xlsx）")
    content_base64: StrictStr = Field(..., min_length=1, description="文件内容（base64），不超过 2MB")


class InvestmentOutputImportOut(Schema):
    imported: int = Field(..., description="导入的行数")

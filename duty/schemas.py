"""The duty API's shapes (every name begins with Duty: the OpenAPI document keys schemas by name)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictInt

from cases.schemas import IsoDate


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


# ---------------------------------------------------------------- rosters


class DutyShiftOut(Schema):
    id: int = Field(description="班次编号")
    unit: str = Field(description="单位编码")
    day: date = Field(description="值班日期")
    starts_at: datetime = Field(description="开始")
    ends_at: datetime = Field(description="结束")
    leader: str = Field(description="带班领导")
    leader_phone: str = Field(description="带班领导电话（值班链和本单位以外打码）")
    officer: str = Field(description="值班员")
    officer_phone: str = Field(description="值班员电话（同上）")
    is_holiday: bool = Field(description="节假日")
    handover: int | None = Field(None, description="交接班记录编号（已交班时）")


class DutyShiftIn(DutyStrictIn):
    unit: str = Field(min_length=1, max_length=20, description="单位编码")
    starts_at: datetime = Field(description="开始（无时区为本地时间）")
    ends_at: datetime = Field(description="结束")
    leader: int = Field(ge=1, description="带班领导（用户编号，本单位在岗人员）")
    officer: int = Field(ge=1, description="值班员（用户编号）")
    leader_phone: str = Field("", max_length=20, description="带班电话（空为本人手机）")
    officer_phone: str = Field("", max_length=20, description="值班电话（空为本人手机）")
    note: str = Field("", max_length=200, description="备注")


class DutySwapIn(DutyStrictIn):
    slot: Literal["leader", "officer"] = Field(description="leader 带班领导 / officer 值班员")
    replacement: int = Field(ge=1, description="替班人（用户编号）")
    reason: str = Field(min_length=2, max_length=200, description="理由")


class DutySwapDecisionIn(DutyStrictIn):
    approve: StrictBool = Field(description="true 同意 / false 不同意")


class DutySwapOut(Schema):
    id: int = Field(description="换班申请编号")
    shift: int = Field(description="班次编号")
    slot: str = Field(description="岗位")
    requested_by: str = Field(description="申请人")
    replacement: str = Field(description="替班人")
    reason: str = Field(description="理由")
    status: str = Field(description="pending 待审批 / approved 已同意 / refused 未同意")
    may_decide: bool = Field(description="当前用户可否审批")


class DutyHandoverIn(DutyStrictIn):
    notes: str = Field(min_length=2, max_length=2000, description="交班情况")


class DutyHandoverOut(Schema):
    id: int = Field(description="交接班记录编号")
    shift: int = Field(description="交班班次")
    next_shift: int | None = Field(None, description="接班班次")
    notes: str = Field(description="交班情况")
    items: list[str] = Field(description="随交班移交的待办事项")
    written_at: datetime = Field(description="交班时间")
    received_at: datetime | None = Field(None, description="接班确认时间")


# ---------------------------------------------------------------- tasks


class DutyTaskOut(Schema):
    id: int = Field(description="任务编号")
    incident: str = Field(description="事件编号")
    unit: str = Field(description="承办单位编码")
    title: str = Field(description="任务")
    due_at: datetime = Field(description="完成期限")
    state: str = Field(description="issued 已下达 / accepted 已签收 / done 已反馈 / closed 已销号")
    state_label: str = Field(description="状态（中文）")
    result: str = Field(description="反馈")
    actions: list[str] = Field(description="当前用户可执行的操作")


class DutyTaskIn(DutyStrictIn):
    unit: str = Field(min_length=1, max_length=20, description="承办单位编码")
    title: str = Field(min_length=2, max_length=200, description="任务内容")
    due_at: datetime = Field(description="完成期限")


class DutyTaskActionIn(DutyStrictIn):
    result: str = Field("", max_length=2000, description="反馈结果（report 时必填）")
    note: str = Field("", max_length=500, description="退回理由（reject 时必填）")


# ---------------------------------------------------------------- key persons


class DutyKeyCheckOut(Schema):
    result: str = Field(description="normal 正常 / attention 需关注 / absent 未见本人")
    note: str = Field(description="情况说明")
    checked_by: str = Field(description="核查人")
    checked_at: datetime = Field(description="核查时间")
    late: bool = Field(description="是否逾期核查")


class DutyKeyPersonOut(Schema):
    id: int = Field(description="编号")
    state: str = Field(description="active 在管 / closed 已解除")
    category: str = Field(description="flood / health / geological / other")
    reason: str = Field(description="列管原因")
    unit: str = Field(description="责任单位编码")
    responsible: str = Field(description="责任人")
    name: str = Field(description="姓名（责任单位和应急值班室以外打码）")
    id_number: str = Field(description="身份证号（同上）")
    phone: str = Field(description="联系电话（同上）")
    address: str = Field(description="住址（同上）")
    plain: bool = Field(description="个人信息是否明文（明文查看已记入审计日志）")
    check_every_days: int = Field(description="核查频次（天）")
    next_check_by: datetime | None = Field(None, description="下次核查期限")
    overdue: bool = Field(description="核查是否逾期")
    checks: list[DutyKeyCheckOut] = Field(description="核查记录（新在前）")
    close_reason: str = Field(description="解除原因")
    actions: list[str] = Field(description="当前用户可执行的操作")


class DutyKeyPersonIn(DutyStrictIn):
    unit: str = Field(min_length=1, max_length=20, description="责任单位编码")
    category: Literal["flood", "health", "geological", "other"] = Field(description="类别")
    reason: str = Field(min_length=2, max_length=300, description="列管原因")
    responsible: int = Field(ge=1, description="责任人（用户编号，责任单位在岗人员）")
    name: str = Field(min_length=2, max_length=40, description="姓名")
    id_number: str = Field("", max_length=18, description="身份证号")
    phone: str = Field("", max_length=20, description="联系电话")
    address: str = Field("", max_length=200, description="住址")
    check_every_days: int = Field(ge=1, le=90, description="核查频次（天）")


class DutyKeyCheckIn(DutyStrictIn):
    result: Literal["normal", "attention", "absent"] = Field(description="核查结果")
    note: str = Field(min_length=2, max_length=500, description="情况说明")


class DutyReasonIn(DutyStrictIn):
    reason: str = Field(min_length=2, max_length=300, description="原因")


# ---------------------------------------------------------------- drills


class DutyDrillOut(Schema):
    id: int = Field(description="演练编号")
    state: str = Field(description="planned 计划 / held 已实施 / assessed 已评估 / cancelled 已取消")
    state_label: str = Field(description="状态（中文）")
    unit: str = Field(description="组织单位编码")
    title: str = Field(description="演练名称")
    kind: str = Field(description="演练类型")
    scenario: str = Field(description="演练情景")
    participants: list[str] = Field(description="参演单位编码")
    planned_on: date = Field(description="计划日期")
    held_on: date | None = Field(None, description="实施日期")
    attendance: int = Field(description="参演人数")
    summary: str = Field(description="实施情况")
    problems: str = Field(description="发现问题")
    improvements: str = Field(description="改进措施")
    cancel_reason: str = Field(description="取消原因")
    actions: list[str] = Field(description="当前用户可执行的操作")


class DutyDrillIn(DutyStrictIn):
    unit: str = Field(min_length=1, max_length=20, description="组织单位编码")
    title: str = Field(min_length=2, max_length=100, description="演练名称")
    kind: str = Field(max_length=12, description="类型：flood、geological、fire、traffic……")
    scenario: str = Field(min_length=4, max_length=4000, description="演练情景")
    planned_on: IsoDate = Field(description="计划日期 YYYY-MM-DD")
    participants: list[str] = Field(default_factory=list, max_length=100, description="参演单位编码")


class DutyDrillHoldIn(DutyStrictIn):
    held_on: IsoDate = Field(description="实施日期 YYYY-MM-DD")
    attendance: int = Field(ge=0, le=100000, description="参演人数")
    summary: str = Field(min_length=4, max_length=4000, description="实施情况")


class DutyDrillAssessIn(DutyStrictIn):
    problems: str = Field(min_length=2, max_length=4000, description="发现问题")
    improvements: str = Field(min_length=2, max_length=4000, description="改进措施")


# ---------------------------------------------------------------- reserves


class DutySiteOut(Schema):
    id: int = Field(description="场所编号")
    unit: str = Field(description="责任单位编码")
    kind: str = Field(description="isolation 隔离场所 / shelter 避难安置场所")
    name: str = Field(description="名称")
    address: str = Field(description="地址")
    capacity: int = Field(description="容量（人）")
    is_ready: bool = Field(description="随时可用")
    checked_at: datetime | None = Field(None, description="最近检查")
    check_passed: bool = Field(description="最近检查是否达标")


class DutySiteIn(DutyStrictIn):
    unit: str = Field("", max_length=20, description="责任单位编码（空为本单位）")
    kind: Literal["isolation", "shelter"] = Field(description="类别")
    name: str = Field(min_length=2, max_length=100, description="名称")
    address: str = Field(min_length=2, max_length=200, description="地址")
    capacity: StrictInt = Field(ge=0, le=100000, description="容量（人）")  # false is not 0


class DutySiteCheckIn(DutyStrictIn):
    passed: StrictBool = Field(description="达标")
    ready: StrictBool = Field(description="随时可用")
    note: str = Field(min_length=2, max_length=300, description="检查情况")


class DutyStockOut(Schema):
    id: int = Field(description="物资编号")
    unit: str = Field(description="责任单位编码")
    kind: str = Field(description="类别")
    name: str = Field(description="物资")
    measure: str = Field(description="计量单位")
    quantity: int = Field(description="库存")
    minimum: int = Field(description="最低储备")
    expires_on: date | None = Field(None, description="有效期至")
    short: bool = Field(description="低于最低储备")


class DutyStockIn(DutyStrictIn):
    unit: str = Field("", max_length=20, description="责任单位编码（空为本单位）")
    kind: Literal["flood", "fire", "medical", "living"] = Field(description="类别")
    name: str = Field(min_length=2, max_length=60, description="物资名称（同单位同名为盘点）")
    quantity: StrictInt = Field(ge=0, le=100000, description="库存")  # false is not 0
    minimum: StrictInt = Field(ge=0, le=100000, description="最低储备")
    measure: str = Field("件", max_length=8, description="计量单位")
    expires_on: IsoDate | None = Field(None, description="有效期至 YYYY-MM-DD")


class DutyShortfallOut(Schema):
    unit: str = Field(description="责任单位编码")
    what: str = Field(description="场所或物资")
    why: str = Field(description="短板原因")
    target: str = Field(description="site:编号 / stock:编号")
    kind: str = Field(description="unchecked / failed / unready / short / expired:日期 / expiring:日期")


class DutyRegisterIn(DutyStrictIn):
    """The office registers an incident it learned of (a call, a 12345 case) for a unit to report."""

    unit: str = Field(min_length=1, max_length=40, description="报送单位编码（由其报送初报）")
    title: str = Field(min_length=2, max_length=100, description="事件名称")
    level: str = Field(description="等级：1 特别重大、2 重大、3 较大、4 一般")
    kind: str = Field(
        description="类型：flood、geological、fire、traffic、production、weather、health、social、other"
    )
    place: str = Field(min_length=2, max_length=200, description="地点")
    township: str | None = Field(None, max_length=40, description="所在乡镇编码")
    occurred_at: datetime | None = Field(None, description="发生时间（空为知悉时间）")
    learned_at: datetime | None = Field(None, description="知悉时间（空为现在）")
    case: str | None = Field(None, max_length=40, description="来源 12345 工单受理编号（可选）")


class DutyLinkCaseIn(DutyStrictIn):
    case: str = Field(min_length=1, max_length=40, description="12345 工单受理编号")


class DutyRateOut(Schema):
    expected: int = Field(description="应报次数（期限已过的天数 × 单位）")
    reported: int = Field(description="已报次数（含迟报）")
    late: int = Field(description="迟报次数")
    missing: int = Field(description="未报次数")
    percent: float = Field(description="报送率（%）")


class DutyUnitRateOut(DutyRateOut):
    unit: str = Field(description="单位编码")
    unit_name: str = Field(description="单位名称")


class DutyDayRateOut(DutyRateOut):
    day: date = Field(description="日期")


class DutyRatesOut(Schema):
    start: date = Field(description="起始日期（含）")
    end: date = Field(description="截止日期（含）")
    units: list[DutyUnitRateOut] = Field(description="各单位报送率")
    days: list[DutyDayRateOut] = Field(description="每日报送率")


class DutyDailyChaseOut(DutyDailyOut):
    notice_at: datetime | None = Field(None, description="催报通知发出时间（已催报）")
    sms_at: datetime | None = Field(None, description="催报短信时间（带班领导）")
    sms_sent: bool | None = Field(
        None, description="催报短信是否已发出（false：带班领导无手机号码，须电话催报；null：未到短信催报）"
    )

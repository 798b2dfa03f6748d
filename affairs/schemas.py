"""一网通办 over JSON: inputs (strict) and outputs, with Chinese descriptions for the OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr

from affairs.models import OnBehalfFor
from affairs.workflow import Action, Channel, Delivery, State
from cases.schemas import StrictIn


class MaterialOut(Schema):
    name: str = Field(..., description="材料名称")
    form: str = Field(..., description="original 原件 / copy 复印件 / both 原件及复印件")
    count: int = Field(..., description="份数")
    reusable: bool = Field(..., description="可复用（以往办件或证照）")
    licence_of: str = Field("", description="可由哪个事项办结的证照复用（事项编码）")


class FormFieldOut(Schema):
    key: str = Field(..., description="字段键（answers 中的键）")
    label: str = Field(..., description="标签")
    kind: str = Field(
        ...,
        description="text 文本 / number 数字 / date 日期（YYYY-MM-DD）/ choice 选项 / "
        "id_number 身份证号 / phone 电话",
    )
    required: bool = Field(..., description="必填")
    help: str = Field("", description="填写说明")
    options: list[str] = Field(default_factory=list, description="选项（choice）")
    personal: bool = Field(False, description="个人信息（无需办理的角色看到脱敏值）")


class BundleFieldOut(FormFieldOut):
    matters: list[str] = Field(..., description="问这一字段的事项（同一字段只问一次）")


class AnswerOut(Schema):
    key: str
    label: str
    value: str = Field(..., description="填写内容；个人信息脱敏")
    masked: bool


# An answer: text, or a number for a number field; cleaned by affairs.formfields.
Answers = dict[StrictStr, StrictStr | StrictInt | StrictFloat]


class StepOut(Schema):
    name: str = Field(..., description="审批环节")
    role: str = Field(..., description="办理角色：clerk 承办人 / unit_leader 负责人")


class MatterOut(Schema):
    code: str = Field(..., description="事项编码")
    name: str = Field(..., description="事项名称")
    category: str = Field(..., description="主题分类")
    department: str = Field(..., description="实施部门（单位编码）")
    department_name: str = Field(..., description="实施部门名称")
    kind: str = Field(..., description="immediate 即办件 / promised 承诺件")
    statutory_days: int = Field(..., description="法定办结时限（工作日）")
    promised_days: int = Field(..., description="承诺办结时限（工作日）")
    fee: str = Field(..., description="收费标准")
    online: bool = Field(..., description="可网上申报")
    at_window: bool = Field(..., description="可窗口申报")
    visits: int = Field(..., description="跑动次数：0 零跑动、1 最多跑一次")
    how: str = Field(..., description="办理流程")
    location: str = Field(..., description="办理地点")
    legal_basis: str = Field(..., description="设定依据")
    guide: int | None = Field(None, description="莫愁指南（knowledge 指南 id）")
    materials: list[MaterialOut]
    fields: list[FormFieldOut] = Field(..., description="申请表字段（申报时在 answers 中按 key 填写）")
    steps: list[StepOut]


class ApplicantIn(StrictIn):
    name: StrictStr = Field(..., min_length=1, max_length=100, description="申请人姓名或企业名称")
    id_number: StrictStr = Field(..., min_length=18, max_length=18, description="身份证号或统一社会信用代码")
    phone: StrictStr = Field(..., min_length=5, max_length=20, description="联系电话")
    address: StrictStr = Field("", max_length=200, description="联系地址")
    is_enterprise: StrictBool = Field(False, description="以企业名义申请")


class ApplicationIn(StrictIn):
    matter: StrictStr = Field(..., max_length=32, description="事项编码")
    applicant: ApplicantIn
    provided: list[StrictStr] = Field(default_factory=list, description="已收材料（材料名称）")
    on_behalf: StrictBool = Field(False, description="帮办代办")
    on_behalf_for: OnBehalfFor | None = Field(
        None, description="帮办代办对象：elderly 老年人 / disabled 残疾人 / ill 重病或行动不便 / other"
    )
    on_behalf_note: StrictStr = Field("", max_length=200, description="帮办代办原因（代办时必填）")
    partner: StrictStr = Field("", max_length=12, description="跨域通办：办理地区划代码（空为本地办理）")
    keep: StrictBool = Field(False, description="申请人同意留存可复用材料和办结证照")
    note: StrictStr = Field("", max_length=2000, description="申请说明")
    answers: Answers = Field(
        default_factory=dict,
        description="申请表：事项 fields 的 key → 填写内容；有误 422 affairs.answer_invalid"
        "（details.errors 逐项说明），多余的键 422 affairs.answer_unknown",
    )


class ApplicationActionIn(StrictIn):
    note: StrictStr = Field("", max_length=2000, description="意见或理由（不予受理、不予许可时必填）")
    items: list[StrictStr] = Field(
        default_factory=list, description="一次性告知：需补正的全部事项（默认为缺少的材料）"
    )
    provided: list[StrictStr] = Field(default_factory=list, description="补正：补交的材料")
    licence_number: StrictStr = Field("", max_length=40, description="准予：证照或批文编号")
    delivery: Delivery | None = Field(None, description="出件方式：window 窗口领取 / post 邮寄")
    tracking_number: StrictStr = Field("", max_length=40, description="邮寄单号（邮寄时必填）")
    rating: int | None = Field(None, ge=1, le=5, description="好差评：1–5 星（1、2 为差评，须写明原因）")


class ApplicationEventOut(Schema):
    seq: int
    action: str = Field(..., description="动作")
    from_state: str
    to_state: str
    actor: str | None = Field(None, description="操作人（空为申请人本人）")
    note: str
    payload: dict[str, Any]
    created_at: datetime


class ApplicationOut(Schema):
    number: str = Field(..., description="办件编号")
    matter: str = Field(..., description="事项编码")
    matter_name: str
    department: str = Field(..., description="实施部门（单位编码）")
    state: State
    state_label: str
    channel: Channel
    on_behalf: bool
    on_behalf_for: str = Field("", description="帮办代办对象")
    partner: str | None = Field(None, description="跨域通办：办理地区划代码")
    origin: str | None = Field(None, description="跨域通办：收件地区划代码（异地代收）")
    remote_number: str = Field("", description="跨域通办：对方办件编号")
    remote_progress: str = Field("", description="跨域通办：办理地最新进展")
    applicant_name: str = Field(..., description="申请人（脱敏）")
    missing: list[str] = Field(..., description="未提交的材料")
    notice_items: list[str] = Field(..., description="一次性告知清单")
    created_at: datetime
    accepted_at: datetime | None
    promised_due_at: datetime | None = Field(None, description="承诺办结期限（工作日历）")
    concluded_at: datetime | None
    step: str | None = Field(None, description="当前审批环节")
    joint: str | None = Field(None, description="一件事联办编号")
    answers: list[AnswerOut] = Field(default_factory=list, description="申请表内容（个人信息脱敏）")
    allowed_actions: list[Action] = Field(..., description="当前用户可执行的操作")


class ApplicationDetailOut(ApplicationOut):
    events: list[ApplicationEventOut]


class ApplicationPageOut(Schema):
    total: int
    items: list[ApplicationOut]


class JointPartOut(Schema):
    number: str = Field(..., description="办件编号")
    matter: str = Field(..., description="事项编码")
    matter_name: str
    department: str = Field(..., description="实施部门（单位编码）")
    stage: int = Field(..., description="联办顺序（同一顺序并联）")
    state: State
    state_label: str


class JointOut(Schema):
    number: str = Field(..., description="联办编号")
    bundle: str = Field(..., description="一件事编码")
    bundle_name: str
    channel: Channel
    state: str = Field(
        ..., description="汇总状态：correcting/receiving/approving/partly/ready/done/withdrawn"
    )
    state_label: str = Field(..., description="汇总状态（有不予办理的部分时写明）")
    applicant_name: str = Field(..., description="申请人（脱敏）")
    created_at: datetime
    parts: list[JointPartOut]


class JointIn(StrictIn):
    bundle: StrictStr = Field(..., max_length=40, description="一件事编码")
    applicant: ApplicantIn
    provided: list[StrictStr] = Field(
        default_factory=list, description="已收材料（各部分材料的并集，只收一次）"
    )
    keep: StrictBool = Field(False, description="申请人同意留存可复用材料和办结证照")
    note: StrictStr = Field("", max_length=2000, description="申请说明（各部分办件都带上）")
    answers: Answers = Field(
        default_factory=dict,
        description="申请表：各部分字段的并集，同一 key 只填一次；各部分收到各自字段的内容",
    )


class ShownApplicantOut(Schema):
    name: str = Field(..., description="申请人（无需办理的角色看到脱敏值）")
    id_number: str = Field(..., description="证件号码（脱敏规则同上）")
    phone: str = Field(..., description="联系电话（脱敏规则同上）")
    address: str = Field(..., description="联系地址（脱敏时为空）")
    full: bool = Field(..., description="是否为完整信息：当前用户可办理其中某一部分时为完整，并留痕")


class JointNoticePartOut(Schema):
    number: str = Field(..., description="办件编号")
    matter: str = Field(..., description="事项编码")
    matter_name: str
    department: str = Field(..., description="实施部门（单位编码）")
    stage: int = Field(..., description="联办顺序")
    state: State
    state_label: str
    missing: list[str] = Field(..., description="尚未提交的材料")
    notice_items: list[str] = Field(..., description="已一次性告知的补正清单（未告知为空）")
    notice_note: str = Field("", description="告知说明")
    notified_at: datetime | None = Field(None, description="告知时间")
    corrected_at: datetime | None = Field(None, description="补正时间")


class JointPendingOut(Schema):
    number: str = Field(..., description="办件编号")
    matter_name: str
    missing: list[str] = Field(..., description="整件一次性告知时将要求补正的材料")


class JointNoticeOut(Schema):
    number: str = Field(..., description="联办编号")
    bundle: str = Field(..., description="一件事编码")
    bundle_name: str
    state: str = Field(..., description="汇总状态")
    state_label: str = Field(..., description="汇总状态（中文）")
    applicant: ShownApplicantOut
    parts: list[JointNoticePartOut]
    pending: list[JointPendingOut] = Field(
        ..., description="当前用户整件一次性告知将通知的部分（待预审且缺材料；非综合窗口为空）"
    )
    can_notify: bool = Field(..., description="当前用户可否整件一次性告知")
    asked: list[str] = Field(..., description="申请人需一次性补正的全部材料（各部分合并，每项一次）")


class JointNoticeIn(StrictIn):
    note: StrictStr = Field("", max_length=2000, description="告知说明（可选，各部分都带上）")


class BundlePartOut(Schema):
    matter: str
    matter_name: str
    stage: int


class BundleOut(Schema):
    code: str
    name: str
    description: str
    parts: list[BundlePartOut]
    materials: list[str] = Field(..., description="一张表单收取的材料（并集）")
    fields: list[BundleFieldOut] = Field(
        ..., description="一张表单的申请表字段（各部分的并集，同一字段只问一次）"
    )


# 跨域通办: what two Mochou instances send each other (signed; see docs/affairs.md).
class ExchangeApplicantIn(Schema):
    name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=18)
    phone: str = Field(..., max_length=20)
    address: str = Field("", max_length=200)
    is_enterprise: bool = False


class ExchangeMaterialIn(Schema):
    name: str = Field(..., max_length=100)
    provided: bool = False


class ExchangeApplicationIn(Schema):
    number: str = Field(..., max_length=24, description="收件地办件编号")
    remote_number: str = Field("", max_length=24)
    matter: str = Field(..., max_length=32, description="事项编码（双方通办清单中的同一编码）")
    matter_name: str = Field("", max_length=100)
    applicant: ExchangeApplicantIn
    materials: list[ExchangeMaterialIn] = Field(default_factory=list, description="收件地预审后的材料")
    note: str = Field("", max_length=2000)
    answers: dict[str, str] = Field(
        default_factory=dict, description="申请表内容（收件地已按其事项清单核对）"
    )
    created_at: str = Field("", max_length=40)


class ExchangeProgressIn(Schema):
    number: str = Field(..., max_length=24, description="办理地办件编号")
    remote_number: str = Field(..., max_length=24, description="收件地办件编号")
    action: str = Field(
        ...,
        max_length=20,
        description=(
            "notify 一次性告知 / accept 受理 / approve_step 环节审批 / grant 准予 / deny 不予许可 / "
            "refuse 不予受理"
        ),
    )
    label: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    licence_number: str = Field("", max_length=40)
    at: str = Field("", max_length=40)


class ExchangeDeliveredIn(Schema):
    number: str = Field(..., max_length=24, description="收件地办件编号")
    remote_number: str = Field(..., max_length=24, description="办理地办件编号")
    delivery: str = Field("", max_length=10)


class ExchangeAnswerOut(Schema):
    number: str = Field(..., description="本方办件编号")
    state: str
    state_label: str

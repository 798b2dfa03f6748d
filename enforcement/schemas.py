"""城乡控违 over JSON: inputs (strict: a misspelt field is an error) and outputs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from cases.schemas import MAX_OFFSET, UNIT_CODE_MAX, IsoDate, StrictIn, UnitOut
from enforcement.models import Accountability, AppealKind, Channel, DismissReason, LandType, Ruling, Structure
from enforcement.workflow import State


class ReportIn(StrictIn):
    township: StrictStr = Field(..., description="乡镇（街道）编码，如 420881001")
    village: StrictStr | None = Field(None, description="村（社区）编码")
    address: StrictStr = Field(..., min_length=4, max_length=200, description="地址")
    lat: float | None = Field(None, description="纬度")
    lng: float | None = Field(None, description="经度")
    crs: StrictStr = Field(
        "wgs84", description="坐标系：wgs84（GPS）或 gcj02（高德/腾讯，系统换算为 WGS84 存储）"
    )
    area: Decimal = Field(..., gt=0, le=100000, description="面积（平方米）")
    structure: Structure = Field(..., description="结构")
    land_type: LandType = Field(..., description="土地性质：耕地/宅基地/集体/国有")
    built_on: IsoDate = Field(..., description="始建日期（据此按新增认定日期判定新增或存量）")
    channel: Channel = Field(..., description="发现渠道：巡查/举报/12345/卫片/上级交办")
    description: StrictStr = Field(..., min_length=4, max_length=2000, description="情况描述")
    owner_name: StrictStr = Field("", max_length=50, description="当事人（个人信息，脱敏展示）")
    owner_phone: StrictStr = Field("", max_length=20, description="当事人电话")
    photos: list[StrictStr] = Field(
        [], max_length=9, description="现场照片，base64 编码（JPEG/PNG/WebP/HEIC）"
    )
    patch_ref: StrictStr = Field("", max_length=40, description="卫片图斑编号")
    patrol: StrictInt | None = Field(
        None, ge=1, description="巡查日志 id（POST /patrols 的返回值；本人的巡查发现，发现渠道须为 patrol）"
    )


class ViolationFileIn(StrictIn):
    """A 复议/诉讼 document: its file name and its bytes in base64 (an image or a PDF)."""

    name: StrictStr = Field(..., min_length=1, max_length=120, description="文件名")
    data: StrictStr = Field(..., description="文件内容，base64 编码（JPEG/PNG/WebP/HEIC 图片或 PDF）")


class ViolationActionIn(StrictIn):
    """One action's input; each action reads the fields it needs (see the docs per action)."""

    note: StrictStr = Field(
        "", max_length=500, description="说明/意见（不属实、存量计划、复核、问责事由必填）"
    )
    reason: DismissReason | None = Field(None, description="dismiss：unfounded 不属实 / legal 合法建设")
    due: IsoDate | None = Field(None, description="plan：计划处置日期")
    days: StrictInt | None = Field(
        None, ge=1, le=90, description="order：自拆期限（天）；reinspect 不通过时重新限期"
    )
    kind: AppealKind | None = Field(None, description="appeal：review 行政复议 / lawsuit 行政诉讼")
    document: StrictStr = Field("", max_length=500, description="appeal/uphold/revoke：文书（文号、名称）")
    files: list[ViolationFileIn] = Field(
        [], max_length=5, description="appeal/uphold/revoke：文书文件（申请书、决定书、判决书），至少一个"
    )
    served_on: IsoDate | None = Field(
        None, description="uphold：结果文书送达当事人日期（其后15日内当事人仍可起诉或上诉，强拆须待其届满）"
    )
    ruling: Ruling | None = Field(
        None, description="uphold：review 复议决定 / first_instance 一审判决 / final 二审（终审）判决"
    )
    passed: StrictBool | None = Field(None, description="reinspect：复核是否通过")
    photos: list[StrictStr] = Field(
        [], max_length=9, description="self_demolish/force_demolish/reinspect：现场照片 base64"
    )
    person: StrictStr = Field("", max_length=50, description="account：被问责人")
    unit: StrictStr = Field("", description="account：被问责人所在单位编码")
    form: Accountability.Form | None = Field(None, description="account：问责方式")
    decided_on: IsoDate | None = Field(None, description="account：问责日期")


class ViolationFilters(Schema):
    state: State | None = Field(None, description="状态")
    township: str | None = Field(None, max_length=UNIT_CODE_MAX, description="乡镇编码")
    kind: str | None = Field(None, pattern="^(new|old)$", description="new 新增 / old 存量")
    overdue: bool = Field(False, description="只看超期（核查超期或自拆逾期）")
    limit: int = Field(50, ge=1, le=200, description="每页条数")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="起始位置")


class ViolationEventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None
    note: str
    payload: dict[str, Any]
    created_at: datetime


class DocumentOut(Schema):
    kind: str = Field(
        ...,
        description=(
            "stop 责令停止建设通知书 / demolish 限期拆除决定书 / "
            "announce 强制拆除公告 / enforce 强制执行决定书"
        ),
    )
    number: str = Field(..., description="文号")
    issued_at: datetime


class ViolationOut(Schema):
    number: str = Field(..., description="违建编号")
    state: str
    state_label: str
    township: UnitOut
    village: UnitOut | None
    address: str
    lat: Decimal | None = Field(None, description="纬度（WGS84）")
    lng: Decimal | None = Field(None, description="经度（WGS84）")
    area: Decimal
    structure: str
    land_type: str
    built_on: date
    is_new: bool = Field(..., description="新增（否则存量）")
    channel: str
    owner_name: str = Field(..., description="当事人（脱敏）")
    owner_phone: str = Field(..., description="当事人电话（脱敏）")
    case: str | None = Field(None, description="12345工单受理编号")
    reported_at: datetime
    check_by: datetime | None
    demolish_by: datetime | None
    plan_due: date | None
    closed_at: datetime | None
    outcome: str
    allowed_actions: list[str]


class ViolationDetailOut(ViolationOut):
    description: str
    documents: list[DocumentOut]
    events: list[ViolationEventOut]


class ViolationPageOut(Schema):
    total: int
    items: list[ViolationOut]


class BoardRowOut(Schema):
    township: UnitOut
    found: int = Field(..., description="当月登记")
    new: int = Field(..., description="当月登记且认定的新增")
    self_share: float | None = Field(None, description="主动发现率（巡查、卫片）")
    stop_hours: float | None = Field(None, description="平均制止用时（小时）")
    demolished: int
    in_time: int = Field(..., description="期限内拆除")
    area: Decimal = Field(..., description="拆除面积（㎡）")
    existing_closed: int = Field(..., description="存量销号")
    pass_rate: float | None = Field(None, description="复核通过率")
    dismiss_share: float | None = Field(None, description="不属实率")
    overdue: int
    accountabilities: int
    open_new: int = Field(..., description="未销号新增（零增长以此为准）")
    zero_growth: bool


class BoardOut(Schema):
    month: date
    rows: list[BoardRowOut]


class PatchOut(Schema):
    created: list[str] = Field(..., description="新建违建编号")
    skipped: list[str] = Field(..., description="已导入过的图斑编号")


class PatrolIn(StrictIn):
    area: StrictStr = Field(..., min_length=2, max_length=200, description="巡查区域")
    nothing_found: StrictBool = Field(
        True, description="无异常（发现违建时为 false，并在登记违建时带上巡查日志）"
    )
    note: StrictStr = Field("", max_length=500, description="备注")


class PatrolOut(Schema):
    id: int
    township: str = Field(..., description="乡镇编码")
    patrolled_at: datetime
    nothing_found: bool


class PatchesIn(StrictIn):
    format: StrictStr = Field(..., pattern="^(csv|geojson)$", description="csv 或 geojson")
    content: StrictStr = Field(..., min_length=1, max_length=10_000_000, description="文件内容（UTF-8 文本）")

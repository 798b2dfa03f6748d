"""Meeting records and their draft tasks over JSON: inputs (strict) and outputs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import StrictInt, StrictStr

from cases.schemas import Id, IsoDate, StrictIn, UnitCode


class RecordIn(StrictIn):
    title: StrictStr = Field("", max_length=200, description="标题；不填取正文首行")
    text: StrictStr = Field(
        ..., min_length=20, max_length=200_000, description="会议纪要全文（.docx 请在页面上传）"
    )
    held_on: IsoDate | None = Field(None, description="会议日期（识别“年底前”等时限）")


class DraftOut(Schema):
    id: int
    record: int = Field(..., description="会议纪要编号")
    order: int
    sentence: str = Field(..., description="原文")
    title: str = Field(..., description="事项")
    plan: int | None = Field(None, description="所属计划序号")
    lead_unit: str | None = Field(None, description="牵头单位编码")
    co_units: list[str]
    deadline: date | None
    target: str
    status: str = Field(
        ..., description="pending 待审核 / confirmed 已立项 / discarded 已舍弃 / merged 已合并"
    )
    status_label: str
    task: str | None = Field(None, description="立项后的督办事项编号")


class RecordSummaryOut(Schema):
    id: int
    title: str
    held_on: date | None
    filename: str
    uploaded_by: str
    created_at: datetime
    drafts: int = Field(..., description="待审事项总数（含已处理）")
    pending: int = Field(..., description="待审核的事项数")


class RecordOut(RecordSummaryOut):
    text: str = Field(..., description="纪要全文（规则会遗漏承诺，请对照全文补录）")
    items: list[DraftOut] = Field(..., description="待审事项")


class DraftEditIn(StrictIn):
    """The draft's fields as the 督查员 settles them (all of them: what is left out is emptied)."""

    title: StrictStr = Field(..., min_length=4, max_length=200, description="事项（至少4个字）")
    plan: StrictInt | None = Field(None, description="所属计划序号（1–8）")
    lead_unit: UnitCode | None = Field(None, description="牵头单位编码")
    co_units: list[UnitCode] = Field([], max_length=50, description="协办单位编码")
    deadline: IsoDate | None = Field(None, description="时限")
    target: StrictStr = Field("", max_length=120, description="目标，如“≥80%”")


class DraftAddIn(StrictIn):
    """补录遗漏事项: a commitment the rules missed, copied from the record's own text."""

    sentence: StrictStr = Field(..., min_length=4, max_length=4000, description="原文（须摘自本纪要）")
    title: StrictStr = Field("", max_length=200, description="事项；不填则用原文")
    plan: StrictInt | None = Field(None, description="所属计划序号（1–8）")
    lead_unit: UnitCode | None = Field(None, description="牵头单位编码")
    co_units: list[UnitCode] = Field([], max_length=50, description="协办单位编码")
    deadline: IsoDate | None = Field(None, description="时限")
    target: StrictStr = Field("", max_length=120, description="目标")


class DraftConfirmIn(StrictIn):
    leader: StrictStr | None = Field(None, max_length=150, description="责任领导用户名；不填取计划的分管领导")


class DraftSplitIn(StrictIn):
    titles: list[StrictStr] = Field(
        ..., min_length=2, max_length=20, description="拆分后的各项事项（至少两项）"
    )


class DraftMergeIn(StrictIn):
    drafts: list[Id] = Field(..., min_length=2, max_length=50, description="要合并的待审事项编号（同一纪要）")

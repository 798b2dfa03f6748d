"""The hall's API shapes (one schema name per OpenAPI component: all start with Hall)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from cases.schemas import IsoDate
from hall.workflow import Action, State


class HallWindowOut(Schema):
    number: str
    name: str
    comprehensive: bool
    is_open: bool
    current: str | None = Field(None, description="正在叫号或办理的号")


class HallTicketOut(Schema):
    id: int
    number: str
    day: date
    queue: str
    matter: str
    matter_name: str
    priority: int
    state: State
    state_label: str
    window: str | None
    calls: int
    taken_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    application: str | None
    allowed_actions: list[Action]


class HallTakeIn(Schema):
    matter: str = Field(..., max_length=32, description="事项编码")
    assisted: bool = Field(True, description="帮办代办优先号（工作人员发放）")


class HallActionIn(Schema):
    application: str = Field("", max_length=24, description="关联的办件编号（开始办理、办理完成时）")
    note: str = Field("", max_length=500)


class HallTicketQuery(Schema):
    day: IsoDate | None = Field(None, description="日期 YYYY-MM-DD，默认今天")
    state: State | None = None
    limit: int = Field(200, ge=1, le=1000)


class HallTimesQuery(Schema):
    start: IsoDate | None = Field(None, description="起始日期（含），默认今天")
    end: IsoDate | None = Field(None, description="截止日期（含），默认同起始日期")


class HallTimesRowOut(Schema):
    key: str
    label: str
    tickets: int
    served: int
    wait_median: float | None = Field(None, description="等候中位数（分钟）")
    wait_p90: float | None
    handle_median: float | None = Field(None, description="办理中位数（分钟）")
    handle_p90: float | None


class HallTimesOut(Schema):
    start: date
    end: date
    overall: HallTimesRowOut
    by_matter: list[HallTimesRowOut]
    by_window: list[HallTimesRowOut]

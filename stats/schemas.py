"""The statistics API's shapes (ninja)."""

from __future__ import annotations

from ninja import Schema


class PeriodIn(Schema):
    start: str | None = None  # 2026-11-01
    end: str | None = None  # 2026-11-30 (included)
    period: str | None = None  # or 2026-11, 2026Q4, 2026


class RatesIn(PeriodIn):
    level: str | None = None  # township | department
    scheme: str | None = None  # a scheme's code; the default scheme without


class LedgerIn(PeriodIn):
    unit: int | None = None
    level: str | None = None
    rate: str | None = None  # a rate's code: the cases behind its numerator (part=num) or denominator
    part: str | None = None
    centre: bool = False
    category: int | None = None  # the cases of this category and everything below it
    township: int | None = None  # the cases of this township (所属乡镇)


class SeriesIn(PeriodIn):
    bucket: str = "day"  # day | week | month


class PeriodOut(Schema):
    start: str
    end: str
    label: str
    as_of: str
    previous_start: str
    previous_end: str


class RateValueOut(Schema):
    numerator: int
    denominator: int
    value: float | None
    shown: str
    numerator_url: str
    denominator_url: str


class UnitRatesOut(Schema):
    unit_id: int | None
    unit: str
    level: str
    counts: dict[str, int]
    rates: dict[str, RateValueOut]
    group: str | None = None
    score: float | None = None
    percent: float | None = None
    grade: str = ""
    rank: int | None = None
    boards: list[str] = []
    previous_score: float | None = None
    previous_rank: int | None = None
    previous_grade: str = ""
    score_change: float | None = None
    rank_change: int | None = None


class SchemeOut(Schema):
    code: str
    name: str
    version: int
    provenance: str
    definition: dict[str, object]


class RateDefinitionOut(Schema):
    code: str
    label: str
    formula: str
    rules: str
    numerator: str
    denominator: str


class RatesOut(Schema):
    period: PeriodOut
    scheme: SchemeOut
    units: list[UnitRatesOut]
    centre: UnitRatesOut
    city: UnitRatesOut
    formulas: list[RateDefinitionOut]


class VolumeOut(Schema):
    bucket: str
    channel: str
    channel_label: str
    count: int


class CategoryOut(Schema):
    category: str
    count: int


class TownshipOut(Schema):
    unit_id: int | None
    township: str
    division_code: str
    count: int


class OverdueOut(Schema):
    unit_id: int | None
    unit: str
    accept_overdue: int
    handle_overdue: int


class SupervisedOut(Schema):
    unit: str
    unit_code: str
    cases: int


class OverviewOut(Schema):
    overdue: list[OverdueOut]
    supervised: list[SupervisedOut]

"""/api/v1/affairs/stats: the 政务服务 figures per department or matter for a period, with their
numerators and denominators and the formulas (affairs.statistics), over the applications the
token's user may see. Included from affairs/api.py."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts.models import User
from affairs.models import Application
from affairs.office import is_office_staff
from affairs.statistics import GROUPS, METRICS, Row, table
from cases.schemas import IsoDate
from mochou.api_errors import ERRORS_LIST
from mochou.errors import InvalidInput, NotPermitted
from stats.periods import parse_period

router = Router()


class AffairsStatsQuery(Schema):
    period: str | None = Field(None, max_length=10, description="2026-11（月）、2026Q4（季度）或 2026（年）")
    start: IsoDate | None = Field(None, description="或起始日期（含）")
    end: IsoDate | None = Field(None, description="截止日期（含）")
    by: str = Field("department", description="department 按部门，matter 按事项")


class AffairsFigureOut(Schema):
    code: str
    name: str
    kind: str = Field(..., description="count 计数、rate 比率（0–1）、mean 平均值")
    value: float | None
    numerator: int | None = Field(None, description="比率的分子；平均值为合计")
    denominator: int = Field(..., description="比率或平均值的分母；计数为其本身")


class AffairsStatsRowOut(Schema):
    key: int | None
    label: str
    figures: list[AffairsFigureOut]


class AffairsStatsOut(Schema):
    start: date
    end: date
    label: str
    by: str
    formulas: dict[str, str]
    rows: list[AffairsStatsRowOut]
    total: AffairsStatsRowOut


def _row(r: Row) -> AffairsStatsRowOut:
    figures = []
    for m in METRICS:
        f = r.figures[m.code]
        numerator = None if m.kind == "count" else f.hits
        figures.append(
            AffairsFigureOut(
                code=m.code, name=m.name, kind=m.kind, value=f.value, numerator=numerator, denominator=f.count
            )
        )
    return AffairsStatsRowOut(key=r.key, label=r.label, figures=figures)


@router.get("", response={200: AffairsStatsOut, **ERRORS_LIST}, summary="办件统计")
def stats(request: HttpRequest, q: Query[AffairsStatsQuery]) -> AffairsStatsOut:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not (is_office_staff(user) or user.is_unit_staff or user.role in {"leader", "auditor"}):
        raise NotPermitted("您的角色不查看政务服务统计。", code="affairs.stats_role")
    if q.by not in GROUPS:
        raise InvalidInput("by 只能是 department 或 matter。", code="invalid_input.by")
    if (q.start is None) != (q.end is None):
        raise InvalidInput("请同时给出开始和结束日期。", code="invalid_input.period")
    start = q.start.isoformat() if q.start else None
    end = q.end.isoformat() if q.end else None
    period = parse_period(start, end, preset=q.period)
    t = table(Application.objects.visible_to(user), period, by=q.by)
    return AffairsStatsOut(
        start=period.start, end=period.end, label=period.label, by=q.by,
        formulas={m.code: m.formula for m in METRICS}, rows=[_row(r) for r in t.rows], total=_row(t.total),
    )  # fmt: skip

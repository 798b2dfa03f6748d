"""The statistics over JSON: /api/v1/stats/… (rates and rankings, the ledger as .xlsx, the series
the dashboard draws). Read-only; the same functions as the pages (stats.queries)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from accounts.models import User
from accounts.privacy import may_export_citizens
from mochou.api_errors import ERRORS_LIST
from mochou.errors import InvalidInput, NotPermitted
from stats import export, queries
from stats.access import may_view_stats
from stats.ledger import ledger
from stats.periods import Period, parse_period
from stats.rates import RATE_BY_CODE, RATES
from stats.schemas import (
    CategoryOut,
    LedgerIn,
    OverviewOut,
    PeriodIn,
    RatesIn,
    RatesOut,
    SeriesIn,
    TownshipOut,
    VolumeOut,
)
from stats.views import XLSX, _ledger_title, ledger_url

router = Router()
ERRORS = {**ERRORS_LIST, 403: ERRORS_LIST[400], 404: ERRORS_LIST[400]}


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not may_view_stats(user):
        raise NotPermitted("统计考核仅对热线中心、领导和单位负责人开放。", code="permission_denied.role")
    return user


def _known(request: HttpRequest, schema: type[PeriodIn]) -> None:
    """An unknown query parameter (a misspelt `leval=`) is an error, not a silently ignored filter."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise InvalidInput(
            f"不支持的查询参数：{'、'.join(repr(u) for u in unknown)}", code="invalid_input.query",
            details={"parameters": unknown},
        )  # fmt: skip


def _period(q: PeriodIn) -> Period:
    return parse_period(q.start, q.end, preset=q.period)


def _unit_out(period: Period, row: queries.UnitRow, scored: Any, where: dict[str, Any]) -> dict[str, Any]:
    rates = {}
    for code, v in row.rates.items():
        rates[code] = {
            "numerator": v.numerator, "denominator": v.denominator, "value": v.value, "shown": v.shown,
            "numerator_url": ledger_url(period, rate=code, part="num", **where),
            "denominator_url": ledger_url(period, rate=code, part="den", **where),
        }  # fmt: skip
    out: dict[str, Any] = {"unit_id": row.unit_id, "unit": row.name, "level": row.level,
                           "counts": dict(row.counts), "rates": rates}  # fmt: skip
    if scored is not None:
        out |= {
            "group": scored.group, "score": scored.score, "percent": scored.percent, "grade": scored.grade,
            "rank": scored.rank, "boards": scored.boards, "previous_score": scored.previous_score,
            "previous_rank": scored.previous_rank, "previous_grade": scored.previous_grade,
            "score_change": scored.score_change, "rank_change": scored.rank_change,
        }  # fmt: skip
    return out


@router.get("/rates", response={200: RatesOut, **ERRORS}, summary="各单位比率、得分、分档与排名")
def rates(request: HttpRequest, q: Query[RatesIn]) -> dict[str, Any]:
    """Every assessed unit's counters and rates for the period (the event log's, through the fact
    tables), scored under `scheme` (the default one without): score, grade, rank, boards and the
    change from the period before. Each rate links to the ledger of the cases behind it."""
    _user(request)
    _known(request, RatesIn)
    period = _period(q)
    if q.level not in (None, "", "township", "department"):
        raise InvalidInput("level 应为 township 或 department。", code="invalid_input.level")
    level = q.level or None
    counts = queries.counted(period)  # once, for the table and the scores
    table = queries.unit_rates(period, level=level, counts=counts)
    ranked = queries.ranking(period, scheme=q.scheme or None, level=level, counts=counts)
    scored: dict[int | None, Any] = {r.unit_id: r for r in ranked.rows}
    before = period.previous()
    return {
        "period": {
            "start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label,
            "as_of": timezone.localtime(table.as_of).isoformat(), "previous_start": before.start.isoformat(),
            "previous_end": before.end.isoformat(),
        },
        "scheme": {"code": ranked.scheme.code, "name": ranked.scheme.name,
                   "version": ranked.scheme.version.number, "provenance": ranked.scheme.provenance,
                   "definition": ranked.scheme.definition},
        "units": [
            _unit_out(period, row, scored.get(row.unit_id), {"unit": row.unit_id}) for row in table.rows
        ],
        "centre": _unit_out(period, table.centre, None, {"centre": "1"}),
        "city": _unit_out(period, table.city, None, {}),
        "formulas": [{"code": r.code, "label": r.label, "formula": r.formula, "rules": r.rules,
                      "numerator": r.numerator, "denominator": r.denominator} for r in RATES],
    }  # fmt: skip


@router.get(
    "/ledger.xlsx",
    response={200: None, **ERRORS},
    summary="工单台账（.xlsx）",
    openapi_extra={"responses": {"200": {"description": "台账工作簿", "content": {XLSX: {}}}}},
)
def ledger_xlsx(request: HttpRequest, q: Query[LedgerIn]) -> HttpResponse:
    """One row per case and unit it counts for, with the columns that decide each rate; citizens'
    names and phones masked unless the role needs them; every export audited."""
    user = _user(request)
    _known(request, LedgerIn)
    period = _period(q)
    if q.unit is not None and not 0 < q.unit < 2**31:
        raise InvalidInput("单位编号不正确。", code="invalid_input.unit")
    for name in ("category", "township"):
        value = getattr(q, name)
        if value is not None and not 0 < value < 2**31:
            raise InvalidInput(
                f"{'分类' if name == 'category' else '乡镇'}编号不正确。", code=f"invalid_input.{name}"
            )
    rate = q.rate if q.rate in RATE_BY_CODE else None
    args: dict[str, Any] = {
        "unit_id": q.unit,
        "level": q.level if q.level in ("township", "department") else None,
        "rate": rate,
        "part": q.part if q.part in ("num", "den") else None,
        "centre": q.centre,
        "category_id": q.category,
        "township_id": q.township,
    }
    rows = ledger(period, user=user, **args)
    data = export.ledger_workbook(rows, title=_ledger_title(period, args), personal=may_export_citizens(user))
    export.audit_export(user, kind="ledger", period=period, filters=args, rows=len(rows), request=request)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="ledger_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
    )
    return response


@router.get("/series/volume", response={200: list[VolumeOut], **ERRORS}, summary="受理量（按日/周/月与渠道）")
def volume(request: HttpRequest, q: Query[SeriesIn]) -> list[dict[str, Any]]:
    _user(request)
    _known(request, SeriesIn)
    if q.bucket not in ("day", "week", "month"):
        raise InvalidInput("bucket 应为 day、week 或 month。", code="invalid_input.bucket")
    return queries.volume(_period(q), bucket=q.bucket)


@router.get("/series/categories", response={200: list[CategoryOut], **ERRORS}, summary="受理量（按一级分类）")
def categories(request: HttpRequest, q: Query[PeriodIn]) -> list[dict[str, Any]]:
    _user(request)
    _known(request, PeriodIn)
    return queries.categories(_period(q))


@router.get("/series/townships", response={200: list[TownshipOut], **ERRORS}, summary="受理量（按乡镇）")
def townships(request: HttpRequest, q: Query[PeriodIn]) -> list[dict[str, Any]]:
    _user(request)
    _known(request, PeriodIn)
    return queries.townships(_period(q))


@router.get("/series/overdue", response={200: OverviewOut, **ERRORS}, summary="超期与督办（按单位）")
def overdue(request: HttpRequest, q: Query[PeriodIn]) -> dict[str, Any]:
    """Open cases past their deadline now, per lead unit, and the 督办 notices issued in the period."""
    _user(request)
    _known(request, PeriodIn)
    return {"overdue": queries.overdue_by_unit(), "supervised": queries.supervised_by_unit(_period(q))}

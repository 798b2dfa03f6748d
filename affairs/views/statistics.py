"""政务服务统计 pages: the figures per department or matter for a period, each one click from the
applications behind it, with the formulas on the page, a printable page and an .xlsx export
(audited). Staff see the applications they may see (Application.objects.visible_to): a
department its own, the office, leaders and auditors all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from accounts.audit.services import record
from affairs.models import Application
from affairs.office import is_office_staff
from affairs.statistics import BY_CODE, GROUPS, METRICS, Figure, Metric, Table, drill, table, visits
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from stats.periods import Period, parse_period
from stats.xlsx import DECIMAL, NUMBER, PERCENT, Book

LIST_LIMIT = 500


def _apps(user: Any) -> Any:
    if not (is_office_staff(user) or user.is_unit_staff or user.role in {"leader", "auditor"}):
        raise PermissionDenied("您的角色不查看政务服务统计。")
    return Application.objects.visible_to(user)


def _period(request: AuthenticatedHttpRequest) -> tuple[Period, str]:
    g = request.GET
    try:
        return parse_period(g.get("start") or None, g.get("end") or None, preset=g.get("period") or None), ""
    except DomainError as error:
        return parse_period(None, None), error.message


def _query(period: Period, **extra: Any) -> str:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params.update({k: str(v) for k, v in extra.items() if v is not None})
    return urlencode(params)


def shown(figure: Figure) -> str:
    m = figure.metric
    if m.kind == "count":
        return str(figure.count)
    if figure.value is None:
        return "—"
    if m.kind == "mean":
        return f"{figure.value:.2f}"
    return f"{figure.value * 100:.1f}%"


@dataclass(frozen=True)
class Cell:
    text: str
    detail: str  # "12/20" for a rate, the sum and count for a mean
    url: str


def _cells(t: Table, row_key: int | None) -> list[Cell]:
    row = t.total if row_key is None else next(r for r in t.rows if r.key == row_key)
    key = GROUPS[t.by].removesuffix("_id")
    out = []
    for m in METRICS:
        f = row.figures[m.code]
        detail = (
            f"{f.hits}/{f.count}"
            if m.kind == "rate"
            else f"{f.hits}次/{f.count}件"
            if m.kind == "mean"
            else ""
        )
        part = "hits" if m.kind == "rate" else "all"
        url = (
            reverse("affairs:stats_list") + "?" + _query(t.period, metric=m.code, part=part, **{key: row_key})
        )
        out.append(Cell(shown(f), detail, url))
    return out


@login_required
def page(request: AuthenticatedHttpRequest) -> HttpResponse:
    apps = _apps(request.user)
    period, error = _period(request)
    by = request.GET.get("by", "department")
    if by not in GROUPS:
        by = "department"
    t = table(apps, period, by=by)
    context = {
        "t": t,
        "period": period,
        "by": by,
        "error": error,
        "metrics": METRICS,
        "rows": [(r, _cells(t, r.key)) for r in t.rows],
        "total": _cells(t, None),
        "query": _query(period, by=by),
    }
    template = "affairs/stats_print.html" if request.GET.get("print") else "affairs/stats.html"
    return render(request, template, context, status=422 if error else 200)


def _metric(code: str) -> Metric:
    if code not in BY_CODE:
        raise Http404("没有这个指标。")
    return BY_CODE[code]


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


@login_required
def applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The applications behind one figure: the counted ones (part=hits) or the whole base."""
    apps = _apps(request.user)
    period, error = _period(request)
    metric = _metric(request.GET.get("metric", ""))
    part = "hits" if request.GET.get("part") == "hits" and metric.hit is not None else "all"
    department, matter = _int(request.GET.get("department")), _int(request.GET.get("matter"))
    rows = drill(apps, period, metric, part=part, department=department, matter=matter)
    total = rows.count()
    listed = list(rows.select_related("matter", "department").order_by("-created_at", "-pk")[:LIST_LIMIT])
    trips = visits(rows.filter(pk__in=[a.pk for a in listed])) if metric.code == "visits" else {}
    context = {
        "metric": metric, "part": part, "period": period, "error": error, "total": total,
        "rows": [(a, trips.get(a.pk)) for a in listed], "limit": LIST_LIMIT,
        "other": _query(period, metric=metric.code, part="all" if part == "hits" else "hits",
                        department=department, matter=matter),
        "back": _query(period, by="matter" if matter else "department"),
    }  # fmt: skip
    return render(request, "affairs/stats_list.html", context)


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    apps = _apps(request.user)
    period, _ = _period(request)
    book = Book()
    ratios = [m for m in METRICS if m.kind != "count"]
    headers = ["部门/事项", *[m.name for m in METRICS], *[f"{m.name}分子" for m in ratios]]
    headers += [f"{m.name}分母" for m in ratios]
    formats = [
        None,
        *[_format(m) for m in METRICS],
        *[NUMBER] * (2 * sum(m.kind != "count" for m in METRICS)),
    ]
    widths = [28, *[12] * (len(headers) - 1)]
    for by, title in (("department", "按部门"), ("matter", "按事项")):
        t = table(apps, period, by=by)
        book.sheet(
            title, headers, widths, [_line(r) for r in [*t.rows, t.total]], formats,
            preamble=[f"钟祥市政务服务统计 · {period.label}（{period.start} 至 {period.end}）"],
        )  # fmt: skip
    book.sheet("口径", ["指标", "计算方法"], [16, 120], [(m.name, m.formula) for m in METRICS])
    record(
        actor=request.user, action="affairs.stats_export", target_type="affairs.statistics",
        target_repr=period.label, new={"start": period.start.isoformat(), "end": period.end.isoformat()},
        request=request,
    )  # fmt: skip
    response = HttpResponse(
        book.bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="affairs-stats-{period.start}-{period.end}.xlsx"'
    return response


def _format(m: Metric) -> str:
    return NUMBER if m.kind == "count" else DECIMAL if m.kind == "mean" else PERCENT


def _line(row: Any) -> list[Any]:
    figures = [row.figures[m.code] for m in METRICS]
    values: list[Any] = [row.label]
    values += [f.count if f.metric.kind == "count" else f.value for f in figures]
    values += [f.hits for f in figures if f.metric.kind != "count"]
    values += [f.count for f in figures if f.metric.kind != "count"]
    return values


urlpatterns = [
    path("", page, name="stats"),
    path("applications/", applications, name="stats_list"),
    path("export.xlsx", export, name="stats_export"),
]

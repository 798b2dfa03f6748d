"""The statistics' pages: the rates and rankings, the ledger behind each number, the exports,
the monthly report (printable) and the schemes with their history. Read-only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from accounts.privacy import may_export_citizens
from cases.models import Category
from mochou.errors import DomainError
from org.models import Unit
from stats import export
from stats.access import may_view_stats
from stats.counting import COUNTERS
from stats.ledger import ledger
from stats.models import SchemeVersion
from stats.periods import Period, parse_period
from stats.queries import counted, ranking, unit_rates
from stats.rates import GENERAL_RULES, RATE_BY_CODE, RATES
from stats.report import monthly_report
from stats.store import schemes_in_force

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 500


def _allowed(request: HttpRequest) -> None:
    if not may_view_stats(request.user):
        raise PermissionDenied("统计考核仅对热线中心、领导和单位负责人开放。")


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    q = request.GET
    return parse_period(q.get("start"), q.get("end"), preset=q.get("period")), None


def _filters(request: HttpRequest, period: Period) -> dict[str, Any]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def ledger_url(period: Period, **extra: Any) -> str:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return f"{reverse('stats:ledger')}?{urlencode(params)}"


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "stats/error.html", {"message": exc.message}, status=exc.status)


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        period, _ = _period(request)
        level = request.GET.get("level") or None
        if level not in (None, "township", "department"):
            level = None
        # The table and the scores are the same counters: the window is counted once.
        counts = counted(period)
        table = unit_rates(period, level=level, counts=counts)
        ranked = ranking(period, scheme=request.GET.get("scheme") or None, level=level, counts=counts)
    except DomainError as exc:
        return _error(request, exc)
    scored: dict[int | None, Any] = {r.unit_id: r for r in ranked.rows}
    groups = []
    for group in ranked.definition.groups:
        rows = [(row, scored.get(row.unit_id)) for row in table.rows if row.level == group.level]
        rows.sort(key=lambda pair: (pair[1].rank if pair[1] and pair[1].rank else 10_000, pair[0].name))
        groups.append({"group": group, "rows": [_unit_cells(period, row, s) for row, s in rows]})
    context = {
        "period": period, "table": table, "ranking": ranked, "groups": groups, "rates": RATES,
        "general_rules": GENERAL_RULES, "centre": _unit_cells(period, table.centre, None, centre=True),
        "city": _unit_cells(period, table.city, None, city=True), "schemes": schemes_in_force(),
        "level": level or "", "previous": period.previous(),
        "red": ranked.board("red"), "black": ranked.board("black"),
        "ledger_url": ledger_url(period, level=level),
        "report_url": f"{reverse('stats:report')}?{urlencode({'period': period.start.strftime('%Y-%m')})}",
    }  # fmt: skip
    return render(request, "stats/rates.html", context)


def _unit_cells(
    period: Period, row: Any, scored: Any, *, centre: bool = False, city: bool = False
) -> dict[str, Any]:
    """A unit's rates, each with the links to the cases behind its numerator and denominator."""
    where: dict[str, Any] = {"centre": "1"} if centre else ({} if city else {"unit": row.unit_id})
    cells = []
    for rate in RATES:
        value = row.rates[rate.code]
        cells.append({
            "rate": rate, "value": value,
            "num_url": ledger_url(period, rate=rate.code, part="num", **where),
            "den_url": ledger_url(period, rate=rate.code, part="den", **where),
        })  # fmt: skip
    return {"row": row, "scored": scored, "cells": cells, "all_url": ledger_url(period, **where)}


def _ledger_args(request: HttpRequest) -> dict[str, Any]:
    q = request.GET
    unit = q.get("unit")
    return {
        "unit_id": int(unit) if unit and unit.isdigit() else None,
        "level": q.get("level") if q.get("level") in ("township", "department") else None,
        "rate": q.get("rate") if q.get("rate") in RATE_BY_CODE else None,
        "part": q.get("part") if q.get("part") in ("num", "den") else None,
        "centre": q.get("centre") == "1",
        "category_id": _id(q.get("category")),
        "township_id": _id(q.get("township")),
    }


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) < 2**31 else None


def _ledger_title(period: Period, args: dict[str, Any]) -> str:
    parts = [f"{period.label}工单台账"]
    if args["unit_id"]:
        unit = Unit.objects.filter(pk=args["unit_id"]).first()
        parts.append(unit.name if unit else "")
    elif args["centre"]:
        parts.append("12345热线中心")
    if args.get("township_id"):
        township = Unit.objects.filter(pk=args["township_id"]).first()
        parts.append(f"所属乡镇：{township.name}" if township else "")
    if args.get("category_id"):
        category = Category.objects.filter(pk=args["category_id"]).first()
        parts.append(f"分类：{category.path.replace('/', ' › ')}" if category else "")
    if args["rate"]:
        rate = RATE_BY_CODE[args["rate"]]
        counter = rate.numerator if args["part"] == "num" else rate.denominator
        parts.append(f"{rate.label}·{COUNTERS[counter]}")
    return "　".join(p for p in parts if p)


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        period, _ = _period(request)
        args = _ledger_args(request)
        rows = ledger(period, user=request.user, **args)  # type: ignore[arg-type]  # login_required: a User
    except DomainError as exc:
        return _error(request, exc)
    query = request.GET.urlencode()
    context = {
        "period": period, "rows": rows[:SHOWN_ROWS], "total": len(rows), "title": _ledger_title(period, args),
        "counters": COUNTERS, "xlsx_url": f"{reverse('stats:ledger_xlsx')}?{query}",
        "rates_url": f"{reverse('stats:rates')}?{urlencode(_filters(request, period))}",
    }  # fmt: skip
    return render(request, "stats/ledger.html", context)


@login_required
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        period, _ = _period(request)
        args = _ledger_args(request)
        rows = ledger(period, user=request.user, **args)  # type: ignore[arg-type]  # login_required: a User
    except DomainError as exc:
        return _error(request, exc)
    user: Any = request.user
    data = export.ledger_workbook(rows, title=_ledger_title(period, args), personal=may_export_citizens(user))
    export.audit_export(user, kind="ledger", period=period, filters=args, rows=len(rows), request=request)
    return _xlsx(data, f"台账_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def report(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        period, _ = _period(request)
        data = monthly_report(period, scheme=request.GET.get("scheme") or None)
    except DomainError as exc:
        return _error(request, exc)
    query = urlencode({"period": request.GET.get("period") or period.start.strftime("%Y-%m"),
                       "scheme": request.GET.get("scheme") or ""})  # fmt: skip
    return render(request, "stats/report.html", {"report": data, "rates": RATES,
                  "xlsx_url": f"{reverse('stats:report_xlsx')}?{query}"})  # fmt: skip


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        period, _ = _period(request)
        data = monthly_report(period, scheme=request.GET.get("scheme") or None)
    except DomainError as exc:
        return _error(request, exc)
    user: Any = request.user
    filters = {"scheme": data.ranking.scheme.code}
    rows = len(data.rates.rows) + len(data.ranking.rows)
    body = export.report_workbook(data)
    export.audit_export(user, kind="report", period=period, filters=filters, rows=rows, request=request)
    return _xlsx(body, f"考核月报_{period.start:%Y%m}.xlsx")


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    versions = SchemeVersion.objects.order_by("-number")
    return render(request, "stats/schemes.html", {"schemes": schemes_in_force(), "versions": versions})

"""The township board (乡镇控违月报) and its xlsx export: who may read it, which month."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from enforcement import board
from enforcement.guards import BOARD_READERS, is_office, may_read_board
from mochou.http import AuthenticatedHttpRequest
from org.models import UnitKind

COLUMNS = (
    "乡镇（街道）",
    "发现",
    "新增",
    "主动发现率",
    "平均制止用时(小时)",
    "拆除",
    "按期拆除",
    "拆除面积(㎡)",
    "存量减少",
    "复核通过率",
    "不属实率",
    "超期",
    "问责",
    "未销号新增",
)


def _month(value: str | None) -> date:
    today = timezone.localdate()
    if value:
        try:
            year, month = (int(p) for p in value.split("-", 1))
            if board.FIRST_YEAR <= year <= board.LAST_YEAR:
                return date(year, month, 1)
        except ValueError:
            pass
    return today.replace(day=1)


def board_for(user: Any, month: date) -> board.Board:
    """The board as this user may read it: every township's, or a township's own row (a village's
    staff read their township's: the board counts by township)."""
    built = board.build(month)
    if not (user.role in BOARD_READERS or is_office(user)):
        unit = user.unit
        township = unit.parent if unit is not None and unit.kind == UnitKind.VILLAGE else unit
        built.rows = [row for row in built.rows if township is not None and row.township.pk == township.pk]
        built.citywide, built.own = False, township
    return built


def _board(request: AuthenticatedHttpRequest) -> board.Board:
    if not may_read_board(request.user):
        raise PermissionDenied("您的角色不查看控违月报。")
    return board_for(request.user, _month(request.GET.get("month")))


def cells(row: board.Row) -> list[Any]:
    hours = row.stop_hours
    return [
        row.township.display_name,
        row.found,
        row.new,
        board.percent(row.self_share),
        "—" if hours is None else round(hours, 1),
        row.demolished,
        row.in_time,
        float(row.area),
        row.existing_closed,
        board.percent(row.pass_rate),
        board.percent(row.dismiss_share),
        row.overdue,
        row.accountabilities,
        row.open_new,
    ]


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    built = _board(request)
    context = {
        "board": built,
        "columns": COLUMNS,
        "rows": [(row, cells(row)) for row in built.rows],
        "totals": cells(built.totals),
        "month_value": f"{built.month:%Y-%m}",
    }
    return render(request, "enforcement/board.html", context)


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    built = _board(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{built.month:%Y-%m}")
    sheet.append([f"钟祥市城乡控违月报 {built.month:%Y年%m月}"])
    sheet.append(list(COLUMNS))
    for row in built.rows:
        sheet.append(cells(row))
    sheet.append(cells(built.totals))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="enforcement-{built.month:%Y-%m}.xlsx"'
    return response


@login_required
def bulletin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monthly 通报 for the supervision office: the figures in words, printable."""
    built = _board(request)
    totals = built.totals
    worst = sorted((r for r in built.rows if r.open_new), key=lambda r: -r.open_new)
    _start, end = board.month_range(built.month)
    last_day = (end - timedelta(days=1)).date()
    as_of = "截至目前" if timezone.now() < end else f"截至{last_day.month}月{last_day.day}日"
    context = {
        "board": built,
        "as_of": as_of,
        "totals": totals,
        "worst": worst,
        "pass": board.percent(totals.pass_rate),
        "self_share": board.percent(totals.self_share),
    }
    return render(request, "enforcement/bulletin.html", context)

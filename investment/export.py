"""The workbooks: the monthly 工作进度表 (per township and per park) and the pipeline (funnel, chains,
months) — stats.xlsx.Book, as the other exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from stats.xlsx import DECIMAL, NUMBER, PERCENT, Book

from . import access
from .reports import Tally, funnel, month_range, reserve_for, suppress, tallies

HEADERS = [
    "单位",
    "新签约项目（个）",
    "新签约投资额（万元）",
    "其中10亿元以上（个）",
    "新开工（个）",
    "新投产（个）",
    "到位资金（万元）",
]
WIDTHS = [24, 16, 20, 18, 12, 12, 16]
FORMATS = [None, NUMBER, DECIMAL, NUMBER, NUMBER, NUMBER, DECIMAL]


HIDDEN = "*"  # an amount of too few projects for the reader (access.amount_shown)


def _money(value: Decimal | None) -> object:
    return HIDDEN if value is None else float(value)  # float: a Decimal would be written as text


def _rows(rows: list[Tally], user: Any) -> list[list[object]]:
    return [
        [t.label, t.signed, _money(t.shown("amount")), t.major, t.started, t.producing,
         _money(t.shown("funds"))]
        for t in suppress(rows, user)
    ]  # fmt: skip


def _note(user: Any) -> str:
    if access.may_see_confidential(user):
        return "只计招商局审核通过的阶段；金额单位：万元"
    fewer = access.MIN_PROJECTS_PER_AMOUNT
    return f"只计招商局审核通过的阶段；金额单位：万元；不足{fewer}个项目的金额不单独显示（*）"


def monthly_workbook(year: int, month: int, *, user: Any) -> bytes:
    start, end = month_range(year, month)
    year_start = date(year, 1, 1)
    book = Book()
    for by, title in (("township", "乡镇"), ("park", "园区")):
        head = [f"{title}", *HEADERS[1:]]
        preamble = [
            f"钟祥市招商引资工作进度表（{year}年{month}月，按{title}）",
            _note(user),
        ]
        book.sheet(
            f"本月-{title}", head, WIDTHS, _rows(tallies(start, end, by=by), user), FORMATS, preamble=preamble
        )
        book.sheet(
            f"累计-{title}", head, WIDTHS, _rows(tallies(year_start, end, by=by), user), FORMATS,
            preamble=[f"钟祥市招商引资工作进度表（{year}年1—{month}月累计，按{title}）"],
        )  # fmt: skip
    return book.bytes()


def pipeline_workbook(year: int, *, user: Any, stalls: list[Any] | None = None) -> bytes:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    book = Book()
    stages = [[r["label"], r["count"], _money(r["amount"])] for r in funnel(user=user)]
    count, amount = reserve_for(user)
    book.sheet(
        "阶段漏斗", ["阶段", "项目（个）", "协议总投资（万元）"], [16, 12, 20], stages,
        [None, NUMBER, DECIMAL],
        preamble=[f"在谈储备：{count} 个" + (f"，{amount} 万元" if amount is not None else ""), _note(user)],
    )  # fmt: skip
    for by, title in (("chain", "产业链"), ("park", "园区"), ("township", "乡镇"), ("month", "月份")):
        book.sheet(f"按{title}", [title, *HEADERS[1:]], WIDTHS, _rows(tallies(start, end, by=by), user),
                   FORMATS, preamble=[f"{year}年，按{title}"])  # fmt: skip
    if stalls is not None:
        stalls_sheet(book, stalls)
    return book.bytes()


def targets_workbook(year: int, *, on: date, user: Any) -> bytes:
    """目标考核表: one sheet by township, park and chain; actual, target, completion and 序时."""
    from .targets import assessment

    book = Book()
    for by, title in (("township", "乡镇"), ("park", "园区"), ("chain", "产业链")):
        table = assessment(year, by=by, on=on, user=user)
        head = [title]
        formats: list[str | None] = [None]
        for _, label in table.figures:
            head += [f"{label}完成", f"{label}目标", f"{label}完成率"]
            fmt = DECIMAL if "万元" in label else NUMBER
            formats += [fmt, fmt, PERCENT]
        head.append("序时进度")
        formats.append(PERCENT)
        rows = []
        for row in table.rows:
            line: list[object] = [row.label]
            for cell in row.cells:
                line += [
                    _money(cell.actual) if cell.figure in ("amount", "funds") else _count(cell.actual),
                    None if cell.target is None else float(cell.target),
                    None if cell.rate is None else float(cell.rate),
                ]
            line.append(float(table.time_share))
            rows.append(line)
        widths = [24, *([14, 14, 12] * len(table.figures)), 12]
        book.sheet(
            f"按{title}", head, widths, rows, formats,
            preamble=[
                f"钟祥市招商引资目标考核表（{year}年，按{title}，截至{on:%Y-%m-%d}）",
                f"序时进度 {float(table.time_share):.2%}；完成率低于序时进度为落后序时。{_note(user)}",
            ],
        )  # fmt: skip
    return book.bytes()


def _count(value: Decimal | None) -> object:
    return HIDDEN if value is None else int(value)


def stalls_sheet(book: Book, rows: list[Any]) -> None:
    """停滞预警 with the reason in force, and the count by reason."""
    from .stalls import by_reason

    lines = [
        [r.project.number, r.project.code_name, r.project.get_state_display(),
         "红灯" if r.light == "red" else "黄灯", "；".join(w.text for w in r.warnings),
         r.reason_label or "未填报"]
        for r in rows
    ]  # fmt: skip
    counts = "；".join(f"{label} {n}" for _, label, n in by_reason(rows) if n)
    book.sheet(
        "停滞预警", ["项目编号", "项目代号", "阶段", "预警", "情况", "停滞原因"], [14, 24, 10, 8, 48, 12],
        lines, preamble=[f"停滞原因分布：{counts or '无'}"],
    )  # fmt: skip

"""The workbooks: the monthly 工作进度表 (per township and per park) and the pipeline (funnel, chains,
months) — stats.xlsx.Book, as the other exports."""

from __future__ import annotations

from datetime import date

from stats.xlsx import DECIMAL, NUMBER, Book

from .reports import Tally, funnel, month_range, reserve, tallies

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


def _rows(rows: list[Tally]) -> list[list[object]]:
    return [
        [t.label, t.signed, float(t.amount), t.major, t.started, t.producing, float(t.funds)] for t in rows
    ]  # float: a Decimal would be written as text


def monthly_workbook(year: int, month: int) -> bytes:
    start, end = month_range(year, month)
    year_start = date(year, 1, 1)
    book = Book()
    for by, title in (("township", "乡镇"), ("park", "园区")):
        head = [f"{title}", *HEADERS[1:]]
        preamble = [
            f"钟祥市招商引资工作进度表（{year}年{month}月，按{title}）",
            "只计招商局审核通过的阶段；金额单位：万元",
        ]
        book.sheet(
            f"本月-{title}", head, WIDTHS, _rows(tallies(start, end, by=by)), FORMATS, preamble=preamble
        )
        book.sheet(
            f"累计-{title}", head, WIDTHS, _rows(tallies(year_start, end, by=by)), FORMATS,
            preamble=[f"钟祥市招商引资工作进度表（{year}年1—{month}月累计，按{title}）"],
        )  # fmt: skip
    return book.bytes()


def pipeline_workbook(year: int) -> bytes:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    book = Book()
    stages = [[r["label"], r["count"], float(r["amount"])] for r in funnel()]
    count, amount = reserve()
    book.sheet(
        "阶段漏斗", ["阶段", "项目（个）", "协议总投资（万元）"], [16, 12, 20], stages,
        [None, NUMBER, DECIMAL],
        preamble=[f"在谈储备：{count} 个，{amount} 万元"],
    )  # fmt: skip
    for by, title in (("chain", "产业链"), ("park", "园区"), ("township", "乡镇"), ("month", "月份")):
        book.sheet(f"按{title}", [title, *HEADERS[1:]], WIDTHS, _rows(tallies(start, end, by=by)), FORMATS,
                   preamble=[f"{year}年，按{title}"])  # fmt: skip
    return book.bytes()

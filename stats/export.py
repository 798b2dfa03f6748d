"""The ledger (台账) and the monthly report as .xlsx, each export audited (accounts.audit)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.audit.services import record
from accounts.privacy import may_export_citizens
from stats.counting import COUNTERS
from stats.ledger import LedgerRow
from stats.periods import Period
from stats.rates import GENERAL_RULES, RATES
from stats.xlsx import DATETIME, PERCENT, Book

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from stats.report import MonthlyReport

CASE_HEADERS = (
    "受理编号", "标题", "登记时间", "受理渠道", "诉求类型", "事项分类", "所属乡镇", "考核单位",
    "单位类别", "诉求人", "联系电话", "当前状态", "计入/排除", "签收情况", "办结情况", "回访结果",
    "满意度", "是否解决", "其他",
)  # fmt: skip
CASE_WIDTHS = (16, 30, 17, 12, 9, 30, 14, 22, 9, 9, 14, 9, 26, 16, 16, 30, 9, 8, 20)
LEDGER_HEADERS = CASE_HEADERS + tuple(COUNTERS.values())


def _ledger_rows(rows: Sequence[LedgerRow]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r.number, r.title, r.registered_at, r.channel, r.kind, r.category, r.township, r.unit, r.level,
            r.citizen, r.phone, r.state_label, r.counted, "；".join(r.accept), "；".join(r.handle),
            "；".join(r.callback), r.satisfaction, r.resolved, "；".join(r.notes),
            *(r.counts.get(k, 0) for k in COUNTERS),
        ]  # fmt: skip


def rules_rows() -> Iterator[list[str]]:
    for rate in RATES:
        yield [rate.label, rate.formula, rate.rules]
    for name, text in GENERAL_RULES:
        yield [name, "", text]


def ledger_workbook(rows: Sequence[LedgerRow], *, title: str, personal: bool) -> bytes:
    book = Book()
    formats = [None, None, DATETIME] + [None] * (len(CASE_HEADERS) - 3) + [None] * len(COUNTERS)
    note = "含诉求人姓名、电话（按角色需要导出，已记入审计日志）" if personal else "诉求人姓名、电话已脱敏"
    book.sheet(
        "台账", LEDGER_HEADERS, [*CASE_WIDTHS, *([9] * len(COUNTERS))], _ledger_rows(rows), formats,
        preamble=[f"{title}　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}　{note}"],
    )  # fmt: skip
    book.sheet("口径说明", ("指标", "公式", "计入规则"), (14, 44, 100), rules_rows())
    return book.bytes()


def audit_export(
    user: User, *, kind: str, period: Period, filters: dict[str, Any], rows: int, request: HttpRequest | None
) -> None:
    """One audit record per export: who, what, which filter, how many rows, masked or not."""
    record(
        actor=user,
        action=f"stats.export_{kind}",
        target_type="stats.export",
        target_id=f"{period.start.isoformat()}~{period.end.isoformat()}",
        target_repr=f"{'台账' if kind == 'ledger' else '月度报告'} {period.label}",
        new={
            **{k: v for k, v in filters.items() if v not in (None, "")},
            "rows": rows,
            "personal_data": kind == "ledger" and may_export_citizens(user),
        },
        request=request,
    )


def report_workbook(report: MonthlyReport) -> bytes:
    book = Book()
    as_of = timezone.localtime(report.as_of)
    rate_headers = ("单位", "单位类别", *(r.label for r in RATES))
    rate_formats = [None, None] + [PERCENT] * len(RATES)
    book.sheet(
        "三率及各项指标", rate_headers, (24, 10, *([10] * len(RATES))), report.rate_rows(), rate_formats,
        preamble=[f"钟祥市12345热线{report.period.label}考核月报　统计截至 {as_of:%Y-%m-%d %H:%M}"],
    )  # fmt: skip
    book.sheet(
        "评分排名",
        (
            "分组",
            "排名",
            "单位",
            "得分",
            "满分",
            "分档",
            "上期得分",
            "得分变化",
            "上期排名",
            "名次变化",
            "上期分档",
            "红黑榜",
        ),
        (16, 6, 24, 9, 7, 9, 9, 9, 9, 9, 9, 10),
        report.ranking_rows(),
        [None, None, None, "0.00", None, None, "0.00", "+0.00;-0.00;0.00", None, "+0;-0;0"],
        preamble=[f"考核方案：{report.ranking.scheme.name}（第{report.ranking.scheme.version.number}版）"],
    )
    trend = report.trend_rates
    book.sheet("趋势", ("月份", *(r.label for r in trend)), (12, *([10] * len(trend))),
               report.trend_rows(), [None] + [PERCENT] * len(trend))  # fmt: skip
    book.sheet("热点", ("热点", "热度", "地点", "分类", "件数"), (40, 8, 16, 20, 8), report.hotspot_rows(),
               preamble=[report.hotspot_note])  # fmt: skip
    book.sheet("典型案例", ("类型", "受理编号", "标题", "承办单位", "说明"), (14, 16, 36, 24, 50),
               report.typical_rows())  # fmt: skip
    book.sheet("口径说明", ("指标", "公式", "计入规则"), (14, 44, 100), rules_rows())
    return book.bytes()

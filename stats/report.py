"""The monthly report (考核月报): rates, scores and grades, rankings, hotspots, trends, typical cases.

One object feeds the printable page (stats/report.html) and the workbook (stats.export)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from cases.models import POOR_RATINGS, Case
from cases.workflow import HANDLING_STATES, State
from stats.counting import Window
from stats.daily import count_units
from stats.models import AnswerFact, CallbackFact
from stats.periods import Period, month
from stats.queries import (
    Ranking,
    RatesTable,
    RateValue,
    UnitRow,
    counted,
    hotspots,
    ranking,
    rates_from_counts,
    unit_rates,
)
from stats.rates import RATE_BY_CODE, RATES, Rate

TREND_MONTHS = 6
TREND_RATES = ("response", "resolution", "satisfaction", "handle_on_time", "accept_on_time")
TYPICAL_EACH = 3


@dataclass
class MonthlyReport:
    period: Period
    as_of: datetime
    rates: RatesTable
    ranking: Ranking
    trend: list[tuple[Period, UnitRow]]
    hotspots: list[dict[str, Any]] | None
    typical: list[tuple[str, Case, str]]

    @property
    def trend_rates(self) -> list[Rate]:
        return [RATE_BY_CODE[c] for c in TREND_RATES]

    @property
    def hotspot_note(self) -> str:
        if self.hotspots is None:
            return "热点分析模块未启用：本节待热点模块接入（stats.queries.register_hotspot_provider）。"
        return f"本月热点 {len(self.hotspots)} 个，按热度排列。"

    def rate_rows(self) -> Iterator[list[Any]]:
        for row in [*self.rates.rows, self.rates.centre, self.rates.city]:
            level = {"township": "乡镇", "department": "市直部门", "centre": "中心", "city": "全市"}[
                row.level
            ]
            yield [row.name, level, *(row.rates[r.code].value for r in RATES)]

    def ranking_rows(self) -> Iterator[list[Any]]:
        groups = {g.code: (g.name, g.max) for g in self.ranking.definition.groups}
        for r in self.ranking.rows:
            name, maximum = groups[r.group]
            boards = "、".join({"red": "红榜", "black": "黑榜"}[b] for b in r.boards)
            rank = r.rank if r.rank is not None else "不参评"
            before = (r.previous_score, r.score_change, r.previous_rank, r.rank_change, r.previous_grade)
            yield [name, rank, r.name, r.score, maximum, r.grade, *before, boards]

    @property
    def trend_table(self) -> list[tuple[Period, list[RateValue]]]:
        return [(p, [row.rates[c] for c in TREND_RATES]) for p, row in self.trend]

    def trend_rows(self) -> Iterator[list[Any]]:
        for period, row in self.trend:
            yield [period.label, *(row.rates[c].value for c in TREND_RATES)]

    def hotspot_rows(self) -> Iterator[list[Any]]:
        for h in self.hotspots or []:
            yield [
                h.get("title", ""),
                h.get("heat"),
                h.get("place", ""),
                h.get("category", ""),
                h.get("count"),
            ]

    def typical_rows(self) -> Iterator[list[Any]]:
        for kind, case, why in self.typical:
            yield [kind, case.number, case.title, case.lead_unit.name if case.lead_unit else "", why]


def _typical(period: Period, w: Window) -> list[tuple[str, Case, str]]:
    """A few cases worth reading: re-done ones, those the citizen was unhappy with, the longest overdue."""
    out: list[tuple[str, Case, str]] = []
    reopened = AnswerFact.objects.filter(at__gte=w.start, at__lt=w.end, reopened_at__lt=w.end)
    for case in Case.objects.filter(pk__in=reopened.values("case_id")).select_related("lead_unit")[
        :TYPICAL_EACH
    ]:
        out.append(("发回重办", case, f"累计重办{case.reopen_count}次"))
    poor = CallbackFact.objects.filter(
        Q(next_at__isnull=True) | Q(next_at__gte=w.end), at__gte=w.start, at__lt=w.end,
        satisfaction__in=sorted(POOR_RATINGS),
    )  # fmt: skip
    for case in Case.objects.filter(pk__in=poor.values("case_id")).select_related("lead_unit")[:TYPICAL_EACH]:
        out.append(("群众不满意", case, f"回访评价：{case.get_satisfaction_display() or '不满意'}"))
    overdue = Case.objects.filter(state__in=sorted(HANDLING_STATES | {State.DISPATCHED}), due_at__lt=w.end)
    for case in overdue.select_related("lead_unit").order_by("due_at")[:TYPICAL_EACH]:
        due = case.due_at.strftime("%Y-%m-%d") if case.due_at else ""
        out.append(("超期未办结", case, f"办理期限 {due}，仍在{case.state_label}"))
    return out


def monthly_report(
    period: Period, *, scheme: str | None = None, now: datetime | None = None
) -> MonthlyReport:
    counts = counted(period, now)  # once, for the table and the scores
    table = unit_rates(period, counts=counts)
    ranked = ranking(period, scheme=scheme, now=now, counts=counts)
    trend: list[tuple[Period, UnitRow]] = []
    p = month(period.start.year, period.start.month)
    months = [p]
    for _ in range(TREND_MONTHS - 1):
        months.insert(0, months[0].previous())
    for m in months:
        w = Window(m.since, m.as_of(now))
        trend.append((m, rates_from_counts(m, w.end, count_units(w)).city))
    w = Window(period.since, table.as_of)
    return MonthlyReport(period, table.as_of, table, ranked, trend, hotspots(period), _typical(period, w))

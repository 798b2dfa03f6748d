"""`mochou stats recompute --check`: what the leaders see, from the event log and from the page's path.

Both sides go through the same code, fed two sets of counters: the table through
`stats.queries.rates_from_counts` (what `unit_rates` returns) and the scores through
`stats.queries.ranking` (`stats.scoring.evaluate`: scores, grades, ranks, boards, the change from
the period before). One side's counters are the exact fold of the event log (stats.exact, the
period and the period before on one fold); the other's are what the pages read
(`stats.queries.counted`: the daily counters and the day so far, refreshed first), and its ranking
is called exactly as the pages call it, counting the period before itself.

Compared: every counter of every unit (the centre's too) in both periods, every rate as shown of
every row (the units, the centre, the city), and each assessed unit's score, 得分率, grade, rank,
boards, and score, rank and grade of the period before with the changes, under each scheme asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from org.models import Unit
from stats.counting import COUNTERS, Window
from stats.exact import exact_windows
from stats.models import Scheme
from stats.periods import Period
from stats.queries import (
    Counted,
    Ranking,
    RatesTable,
    UnitRow,
    counted,
    ranking,
    rates_from_counts,
    unit_rates,
)
from stats.rates import RATES
from stats.scoring import Scored

PAGE, EXACT = "页面", "事件日志"
CENTRE_NAME = "12345热线中心"
SHOWN_AT_MOST = 40

Counts = dict[int | None, Counter[str]]

SCORED_FIELDS: tuple[tuple[str, Callable[[Scored], Any]], ...] = (
    ("得分", lambda r: r.score),
    ("得分率", lambda r: r.percent),
    ("分档", lambda r: r.grade),
    ("排名", lambda r: r.rank),
    ("红黑榜", lambda r: r.boards),
    ("上期得分", lambda r: r.previous_score),
    ("上期分档", lambda r: r.previous_grade),
    ("上期排名", lambda r: r.previous_rank),
    ("较上期得分变化", lambda r: r.score_change),
    ("较上期名次变化", lambda r: r.rank_change),
)


@dataclass
class Side:
    """One path's figures: the period's table and counters, the period before's counters, and a
    ranking per scheme code."""

    table: RatesTable
    current: Counts
    previous: Counts
    rankings: dict[str, Ranking]


@dataclass(frozen=True)
class Difference:
    unit: str
    field: str
    page: str
    exact: str

    def __str__(self) -> str:  # 市住建局 得分：页面 40.0，事件日志 100.0
        return f"{self.unit} {self.field}：{PAGE} {self.page}，{EXACT} {self.exact}"


@dataclass
class Checked:
    period: Period
    as_of: datetime
    schemes: list[Scheme]
    units: int = 0
    counters: int = 0
    rates: int = 0
    # scheme code: (units listed, scored, graded, ranked; the groups ranked separately)
    scores: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)

    def summary(self) -> str:
        previous = self.period.previous()
        scored = "；".join(
            f"方案“{s.name}”（第{s.version.number}版）的 {n} 个得分（另 {listed - n} 个单位不参评）、"
            f"{g} 个分档、{r} 个排名（{groups}分别排名）及较上期的变化"
            for s in self.schemes
            for listed, n, g, r, groups in [self.scores[s.code]]
        )
        return (
            f"核对一致（{self.period.label}，截至 {timezone.localtime(self.as_of):%Y-%m-%d %H:%M}）："
            f"{self.units} 个单位及中心、全市的 {self.counters} 个计数（本期和上期 {previous.label}）、"
            f"{self.rates} 个比率，{scored}，页面所示与事件日志重算的完全相同。"
        )

    def failure(self) -> str:
        shown = [f"  {d}" for d in self.differences[:SHOWN_AT_MOST]]
        more = len(self.differences) - len(shown)
        if more > 0:
            shown.append(f"  ……另有 {more} 处")
        return "\n".join([
            f"页面与事件日志重算不一致（{self.period.label}，{len(self.differences)} 处）：",
            *shown,
            "请运行 mochou stats rebuild --all 后再核对。",
        ])  # fmt: skip


def _rankings(
    period: Period, schemes: Sequence[Scheme], level: str | None, **kwargs: Any
) -> dict[str, Ranking]:
    return {s.code: ranking(period, scheme=s.code, level=level, **kwargs) for s in schemes}


def exact_side(period: Period, as_of: datetime, schemes: Sequence[Scheme], level: str | None) -> Side:
    """From the event log: the period and the period before counted on one fold."""
    before = period.previous()
    now, then = Window(period.since, period.as_of(as_of)), Window(before.since, before.as_of(as_of))
    current, previous = exact_windows([now, then])
    table = rates_from_counts(period, now.end, current, level)
    ranked = _rankings(
        period, schemes, level,
        counts=Counted(period, now.end, current, as_of), previous=Counted(before, then.end, previous, as_of),
    )  # fmt: skip
    return Side(table, current, previous, ranked)


def page_side(period: Period, as_of: datetime, schemes: Sequence[Scheme], level: str | None) -> Side:
    """As the pages do it (stats.views, stats.api): counted once, then unit_rates and ranking."""
    counts = counted(period, as_of)
    table = unit_rates(period, level=level, counts=counts)
    ranked = _rankings(period, schemes, level, counts=counts)
    # The period before's counters, as ranking counted them (the fact tables refreshed above).
    previous = counted(period.previous(), as_of, fresh=False)
    return Side(table, counts.units, previous.units, ranked)


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        boards = {"red": "红榜", "black": "黑榜"}
        return "、".join(boards.get(str(v), str(v)) for v in value)
    return str(value)


def _presence(name: str, what: str, on_page: bool, in_exact: bool) -> Difference:
    return Difference(name, what, "有" if on_page else "无", "有" if in_exact else "无")


class _Comparison:
    def __init__(self, page: Side, exact: Side, out: Checked) -> None:
        self.page, self.exact, self.out = page, exact, out
        self.order = {r.unit_id: i for i, r in enumerate(exact.table.rows)}
        self.names: dict[int | None, str] = {None: CENTRE_NAME}
        for side in (page, exact):
            self.names |= {r.unit_id: r.name for r in side.table.rows}
        others = {u for side in (page, exact) for u in [*side.current, *side.previous]} - set(self.names)
        self.names |= {pk: u.display_name for pk, u in Unit.objects.in_bulk([u for u in others if u]).items()}

    def in_order(self, units: set[int | None]) -> list[int | None]:
        """The table's order (the assessed units as listed), then any other unit, the centre last."""
        return sorted(units, key=lambda u: (u is None, self.order.get(u, len(self.order)), u or 0))

    def name(self, unit: int | None) -> str:
        return self.names.get(unit, f"单位 {unit}")

    def counters(self) -> None:
        """Every counter of every unit and the centre, in the period and in the period before."""
        for label, a, b in (
            ("", self.page.current, self.exact.current),
            ("上期", self.page.previous, self.exact.previous),
        ):
            units = set(a) | set(b) | set(self.order) | {None}  # nothing counted: zero on both sides
            for unit in self.in_order(units):
                pa, pb = a.get(unit, Counter()), b.get(unit, Counter())
                for code in [*COUNTERS, *sorted((set(pa) | set(pb)) - set(COUNTERS))]:
                    if pa.get(code, 0) != pb.get(code, 0):
                        what = f"{label}计数“{COUNTERS.get(code, code)}”"
                        self.out.differences.append(
                            Difference(self.name(unit), what, str(pa.get(code, 0)), str(pb.get(code, 0)))
                        )
            self.out.counters += len(units) * len(COUNTERS)

    def rates(self) -> None:
        """Every rate as shown, of every row of the table: the units, the centre and the city."""

        def rows(t: RatesTable) -> dict[tuple[str, int | None], UnitRow]:
            return {(r.level, r.unit_id): r for r in [*t.rows, t.centre, t.city]}

        page, exact = rows(self.page.table), rows(self.exact.table)
        for key in [*exact, *(k for k in page if k not in exact)]:
            p, e = page.get(key), exact.get(key)
            if p is None or e is None:
                name = e.name if e is not None else p.name if p is not None else ""
                self.out.differences.append(_presence(name, "所列单位", p is not None, e is not None))
                continue
            shown_p, shown_e = p.rates, e.rates
            for r in RATES:
                if shown_p[r.code].shown != shown_e[r.code].shown:
                    self.out.differences.append(Difference(e.name, r.label, shown_p[r.code].shown,
                                                           shown_e[r.code].shown))  # fmt: skip
            self.out.rates += len(RATES)
        self.out.units = len(self.exact.table.rows)

    def scores(self, scheme: Scheme, prefix: str) -> None:
        """Each assessed unit's score, grade, rank, boards and change from the period before."""
        page: dict[int | None, Scored] = {r.unit_id: r for r in self.page.rankings[scheme.code].rows}
        exact: dict[int | None, Scored] = {r.unit_id: r for r in self.exact.rankings[scheme.code].rows}
        for unit in self.in_order({*page, *exact}):
            p, e = page.get(unit), exact.get(unit)
            if p is None or e is None:
                what = f"{prefix}所列单位"
                self.out.differences.append(_presence(self.name(unit), what, p is not None, e is not None))
                continue
            for label, get in SCORED_FIELDS:
                if get(p) != get(e):
                    self.out.differences.append(
                        Difference(e.name, prefix + label, _shown(get(p)), _shown(get(e)))
                    )
        rows = list(exact.values())
        self.out.scores[scheme.code] = (
            len(rows),
            sum(r.score is not None for r in rows),
            sum(bool(r.grade) for r in rows),
            sum(r.rank is not None for r in rows),
            "、".join(g.name for g in self.exact.rankings[scheme.code].definition.groups),
        )


def compare(page: Side, exact: Side, period: Period, as_of: datetime, schemes: Sequence[Scheme]) -> Checked:
    """Every figure of `page` against `exact`; each difference names the unit and the field."""
    out = Checked(period, as_of, list(schemes))
    comparison = _Comparison(page, exact, out)
    comparison.counters()
    comparison.rates()
    for s in schemes:
        comparison.scores(s, f"方案“{s.name}”的" if len(schemes) > 1 else "")
    return out


def check(period: Period, as_of: datetime, schemes: Sequence[Scheme], level: str | None,
          exact: Side | None = None) -> Checked:  # fmt: skip
    """The page's figures against the event log's (`exact` if already folded)."""
    exact = exact or exact_side(period, as_of, schemes, level)
    return compare(page_side(period, as_of, schemes, level), exact, period, as_of, schemes)

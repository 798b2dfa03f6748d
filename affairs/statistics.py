"""政务服务 statistics: 办件量, 即办率, 按时办结率, 提前办结率, 超期数, 网办率, 平均跑动次数, 好评率,
per department and per matter, for any period — each figure a count of applications that a page
can list (`drill`), and each formula written once here (FORMULAS), shown on the page and in
docs/affairs.md.

跑动次数 (trips to the hall) is counted from what the data record: the distinct days on which the
applicant was at the hall for the application — its 窗口申报 (channel window), each 窗口补正 (a
补正 taken by a window clerk), its 窗口取件 (出件 at the window), and the days on which the hall
served a ticket linked to it. The hall app answers that last part through the provider
`hall_visits` (affairs must not import the hall): without it, tickets count for nothing.
An online submission, an online 补正 and a posted result are no trip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from affairs.models import Application, ApplicationEvent, Matter
from affairs.workflow import Action, Channel, Delivery, State
from loop.hooks import Provider
from org.models import Unit
from stats.periods import Period


def _no_hall(application_ids: Iterable[int]) -> dict[int, set[date]]:
    return {}


# application id → the days a served hall ticket was linked to it (provided by the hall app).
hall_visits: Provider[dict[int, set[date]]] = Provider("affairs.hall_visits", default=_no_hall)

Apps = QuerySet[Application]


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    formula: str
    kind: str  # "count", "rate" or "mean"
    population: Callable[[Apps, Period, datetime], Apps]
    hit: Callable[[Apps], Apps] | None = None


def received(apps: Apps, period: Period, now: datetime) -> Apps:
    """Submitted in the period; a withdrawn application was never handled and is not counted."""
    return apps.filter(created_at__gte=period.since, created_at__lt=period.until).exclude(
        state=State.WITHDRAWN
    )


def decided(apps: Apps, period: Period, now: datetime) -> Apps:
    """办结 in the period: accepted, then granted or denied (不予受理 has no promise to keep)."""
    return apps.filter(
        accepted_at__isnull=False, concluded_at__isnull=False,
        concluded_at__gte=period.since, concluded_at__lt=period.until,
    )  # fmt: skip


def rated(apps: Apps, period: Period, now: datetime) -> Apps:
    return apps.filter(rating__isnull=False, rated_at__gte=period.since, rated_at__lt=period.until)


def overdue(apps: Apps, period: Period, now: datetime) -> Apps:
    """Due in the period (up to now) and not concluded by then: concluded late, or not yet."""
    return apps.filter(promised_due_at__gte=period.since, promised_due_at__lt=period.as_of(now)).filter(
        Q(concluded_at__isnull=True) | Q(concluded_at__gt=F("promised_due_at"))
    )


def _same_day(apps: Apps) -> Apps:
    return (
        apps.filter(accepted_at__isnull=False, concluded_at__isnull=False)
        .annotate(_concluded=TruncDate("concluded_at"), _received=TruncDate("created_at"))
        .filter(_concluded=F("_received"))
    )


def _on_time(apps: Apps) -> Apps:
    return apps.filter(concluded_at__lte=F("promised_due_at"))


def _early(apps: Apps) -> Apps:
    return apps.annotate(_concluded=TruncDate("concluded_at"), _due=TruncDate("promised_due_at")).filter(
        _concluded__lt=F("_due")
    )


def _online(apps: Apps) -> Apps:
    return apps.filter(channel=Channel.ONLINE)


def _good(apps: Apps) -> Apps:
    return apps.filter(rating__gte=3)


METRICS: tuple[Metric, ...] = (
    Metric("volume", "办件量", "统计期内申报的办件数（已撤回的不计）", "count", received),
    Metric(
        "immediate", "即办率",
        "当日办结的办件 ÷ 办件量；当日办结：受理后作出准予或不予许可决定，且办结与申报在同一天",
        "rate", received, _same_day,
    ),
    Metric(
        "on_time", "按时办结率",
        "办结时间不晚于承诺办结期限的办件 ÷ 统计期内办结的办件"
        "（受理后作出准予或不予许可决定，办结时间在统计期内）",
        "rate", decided, _on_time,
    ),
    Metric(
        "early", "提前办结率",
        "在承诺办结期限当日之前（至少提前一天）办结的办件 ÷ 统计期内办结的办件",
        "rate", decided, _early,
    ),
    Metric(
        "overdue", "超期数",
        "承诺办结期限落在统计期内（截至当前）、到期时尚未办结的办件数（含其后逾期办结的）",
        "count", overdue,
    ),
    Metric("online", "网办率", "网上申报的办件 ÷ 办件量", "rate", received, _online),
    Metric(
        "visits", "平均跑动次数",
        "各办件跑动次数之和 ÷ 办件量；跑动次数：申请人为该办件到政务大厅的不同日期数——窗口申报、窗口补正、"
        "窗口取件之日，以及大厅叫号办理完成并关联该办件之日；网上申报、网上补正、邮寄送达不计；"
        "尚在办理的办件，以后的取件还会计入",
        "mean", received,
    ),
    Metric(
        "good", "好评率",
        "3–5 星（基本满意、满意、非常满意）的评价 ÷ 统计期内的评价（评价时间在统计期内）",
        "rate", rated, _good,
    ),
)  # fmt: skip
BY_CODE = {m.code: m for m in METRICS}
FORMULAS = {m.name: m.formula for m in METRICS}


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def visits(apps: Apps) -> dict[int, int]:
    """跑动次数 of each application: the distinct days of its trips to the hall (module doc)."""
    days: dict[int, set[date]] = defaultdict(set)
    rows = list(apps.values_list("pk", "channel", "created_at", "delivery", "delivered_at"))
    ids = [r[0] for r in rows]
    for pk, channel, created, delivery, delivered in rows:
        days[pk]  # every application has its entry, 0 trips included
        if channel == Channel.WINDOW:
            days[pk].add(_local_day(created))
        if delivery == Delivery.WINDOW and delivered is not None:
            days[pk].add(_local_day(delivered))
    corrections = ApplicationEvent.objects.filter(
        application_id__in=ids, action=Action.CORRECT, actor__isnull=False
    ).values_list("application_id", "created_at")
    for pk, at in corrections:
        days[pk].add(_local_day(at))
    for pk, served in hall_visits(ids).items():
        if pk in days:
            days[pk] |= served
    return {pk: len(d) for pk, d in days.items()}


@dataclass
class Figure:
    metric: Metric
    count: int = 0  # the population (a count metric's value, a rate's denominator)
    hits: int = 0  # a rate's numerator; a mean's sum
    value: float | None = None


@dataclass
class Row:
    key: int | None
    label: str
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class Table:
    period: Period
    by: str  # "department" or "matter"
    rows: list[Row]
    total: Row


GROUPS = {"department": "department_id", "matter": "matter_id"}


def _value(metric: Metric, count: int, hits: int) -> float | None:
    if metric.kind == "count":
        return float(count)
    return hits / count if count else None


def _counts(apps: Apps, key: str) -> dict[Any, int]:
    return {k: n for k, n in apps.order_by().values_list(key).annotate(n=Count("pk", distinct=True))}


def table(apps: Apps, period: Period, *, by: str = "department", now: datetime | None = None) -> Table:
    """Every metric for every department (or matter) with applications in `apps`, and the total."""
    moment, key = now or timezone.now(), GROUPS[by]
    per: dict[Any, dict[str, Figure]] = defaultdict(dict)
    totals: dict[str, Figure] = {}
    for metric in METRICS:
        population = metric.population(apps, period, moment)
        counts = _counts(population, key)
        if metric.kind == "mean":
            trips = visits(population)
            owner = dict(population.values_list("pk", key))
            hits: dict[Any, int] = defaultdict(int)
            for pk, n in trips.items():
                hits[owner[pk]] += n
        elif metric.hit is not None:
            hits = defaultdict(int, _counts(metric.hit(population), key))
        else:
            hits = defaultdict(int)
        for k, n in counts.items():
            per[k][metric.code] = Figure(metric, n, hits[k], _value(metric, n, hits[k]))
        count, hit = sum(counts.values()), sum(hits.values())
        totals[metric.code] = Figure(metric, count, hit, _value(metric, count, hit))
    labels = _labels(by, per.keys())
    rows = []
    for k in sorted(per, key=lambda k: labels.get(k, "")):
        figures = {m.code: per[k].get(m.code) or Figure(m, 0, 0, _value(m, 0, 0)) for m in METRICS}
        rows.append(Row(k, labels.get(k, str(k)), figures))
    return Table(period, by, rows, Row(None, "合计", totals))


def _labels(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    if by == "department":
        return {u.pk: u.display_name for u in Unit.objects.filter(pk__in=ids)}
    return {m.pk: m.name for m in Matter.objects.filter(pk__in=ids)}


def drill(
    apps: Apps, period: Period, metric: Metric, *, part: str = "hits", department: int | None = None,
    matter: int | None = None, now: datetime | None = None,
) -> Apps:  # fmt: skip
    """The applications behind one figure: its population, or (part="hits") the ones counted."""
    if department is not None:
        apps = apps.filter(department_id=department)
    if matter is not None:
        apps = apps.filter(matter_id=matter)
    rows = metric.population(apps, period, now or timezone.now())
    if part == "hits" and metric.hit is not None:
        rows = metric.hit(rows)
    return rows

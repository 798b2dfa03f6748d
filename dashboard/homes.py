"""What a leader's home shows: volume today / this week / this month against the period before,
overdue and supervised cases by unit, the best and worst units of the scheme in force, the
newest hotspots and the urgent open cases; for a unit's leader, its own figures against the city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case, Urgency
from cases.queues import HOME_QUEUE, nav_count, queue_cases, queues_for
from dashboard.filters import Filters
from dashboard.series import Chart, change, overdue, supervised
from hotspots.guards import may_read as may_read_hotspots
from hotspots.queries import newest_hotspots
from stats.periods import Period, month
from stats.queries import Counted, Ranking, assessed_units, counted, ranking, unit_rates
from stats.rates import RATE_BY_CODE
from stats.scoring import Scored

HEADLINE_RATES = ("response", "resolution", "satisfaction")
SHOWN_UNITS = 3


@dataclass
class Volume:
    label: str
    period: Period
    count: int
    previous_label: str
    previous: int
    url: str
    previous_url: str

    @property
    def trend(self) -> str:
        return change(self.count, self.previous)

    @property
    def direction(self) -> str:
        return "up" if self.count > self.previous else ("down" if self.count < self.previous else "flat")


def _same_days_of_previous_month(today: date) -> Period:
    first = today.replace(day=1)
    prev_end = first - timedelta(days=1)
    prev_first = prev_end.replace(day=1)
    return Period(prev_first, min(prev_first + timedelta(days=today.day - 1), prev_end))


def spans(today: date) -> list[tuple[str, Period, str, Period]]:
    """(label, period, previous label, previous period): today vs yesterday, this week so far vs
    the same days of last week, this month so far vs the same days of last month."""
    monday = today - timedelta(days=today.weekday())
    return [
        ("今日", Period(today, today), "昨日", Period(today - timedelta(days=1), today - timedelta(days=1))),
        (
            "本周",
            Period(monday, today),
            "上周同期",
            Period(monday - timedelta(days=7), today - timedelta(days=7)),
        ),
        ("本月", Period(today.replace(day=1), today), "上月同期", _same_days_of_previous_month(today)),
    ]


def volumes(user: User, base: Filters, today: date) -> list[Volume]:
    out = []
    for label, period, prev_label, prev in spans(today):
        f, pf = base.with_period(period), base.with_period(prev)
        out.append(
            Volume(
                label,
                period,
                f.cases(user).count(),
                prev_label,
                pf.cases(user).count(),
                f.list_url(),
                pf.list_url(),
            )
        )
    return out


@dataclass
class UnitBoard:
    group: str
    best: list[Scored]
    worst: list[Scored]


def boards(ranked: Ranking) -> list[UnitBoard]:
    """The best and worst ranked units of each group (乡镇、部门 are ranked apart)."""
    out = []
    for group in ranked.definition.groups:
        rows = sorted(
            (r for r in ranked.group(group.code) if r.rank is not None), key=lambda r: (r.rank, r.name)
        )
        best = rows[:SHOWN_UNITS]
        worst = [r for r in reversed(rows[-SHOWN_UNITS:]) if r not in best]
        out.append(UnitBoard(group.name, best, worst))
    return out


def urgent_cases(user: User, base: Filters, limit: int = 10) -> tuple[list[Case], int]:
    cases = base.cases(user, dated=False).open().filter(urgency=Urgency.URGENT)
    cases = cases.select_related("lead_unit", "township").order_by("created_at")
    return list(cases[:limit]), cases.count()


def ledger_link(period: Period, **extra: Any) -> str:
    from stats.views import ledger_url

    return ledger_url(period, **extra)


@dataclass
class MyQueue:
    label: str
    count: str  # as the nav counts it: "12", "999+"
    url: str


def my_queue(user: User) -> MyQueue | None:
    """The work waiting for a user whose home is this page but whose daily work is a queue (a
    unit's leader: 待审核), so the overview never hides it; None for the 市领导."""
    slug = HOME_QUEUE.get(user.role)
    if user.role != Role.UNIT_LEADER or slug is None:
        return None
    queue = next((q for q in queues_for(user) if q.slug == slug), None)
    if queue is None:
        return None
    count = nav_count(queue_cases(user, slug, timezone.now()))
    return MyQueue(queue.label, count, reverse("cases:queue", kwargs={"slug": slug}))


def home_context(user: User, base: Filters) -> dict[str, Any]:
    """Everything on the home page; `base` carries the unit for a unit's leader."""
    today = timezone.localdate()
    this_month = month(today.year, today.month)
    period = base.period
    # The ledger of what this page shows: the unit, category and township filters go with it.
    ledger = ledger_link(period, unit=base.unit, category=base.category, township=base.township)
    # The boards and a unit's rates beside the city's are the same counters: counted once.
    counts = counted(period)
    ranked = ranking(period, counts=counts)
    context: dict[str, Any] = {
        "volumes": volumes(user, base, today),
        "home_charts": [overdue(base, user), supervised(base, user)],
        "boards": boards(ranked),
        "ranking": ranked,
        # 高频事 is for who may read it (hotspots.guards): others get no section, not dead links.
        "hotspots": newest_hotspots(
            period.since, period.as_of(), limit=5, township=base.township, category=base.category
        )
        if may_read_hotspots(user)
        else None,
        "urgent": urgent_cases(user, base),
        "period": period,
        "this_month": this_month,
        "ledger_url": ledger,
        "report_url": f"{reverse('stats:report')}?period={period.start:%Y-%m}",
        "report_xlsx_url": f"{reverse('stats:report_xlsx')}?period={period.start:%Y-%m}",
        "ledger_xlsx_url": ledger.replace(reverse("stats:ledger"), reverse("stats:ledger_xlsx")),
        "rates_url": f"{reverse('stats:rates')}?start={period.start}&end={period.end}",
    }
    urgent, count = context["urgent"]
    context["urgent_more"] = count - len(urgent)
    if base.unit is not None:
        context["mine"] = against_city(base, ranked, counts)
        context["mine_cases_url"] = base.list_url()
    return context


@dataclass
class Comparison:
    label: str
    mine: str
    city: str
    mine_url: str
    better: bool | None


def against_city(base: Filters, ranked: Ranking, counts: Counted) -> dict[str, Any]:
    """A unit's rates, score, grade and rank beside the city's (全市) figures, and its volume
    beside the average unit's (`counts`: the period's counters, those `ranked` was scored on)."""
    period = base.period
    table = unit_rates(period, counts=counts)
    row = next((r for r in table.rows if r.unit_id == base.unit), None)
    scored = next((r for r in ranked.rows if r.unit_id == base.unit), None)
    rows = []
    for code in HEADLINE_RATES:
        city_value = table.city.rates[code]
        mine = row.rates[code] if row else None
        better = None
        if mine is not None and mine.value is not None and city_value.value is not None:
            better = mine.value >= city_value.value
        rows.append(
            Comparison(
                RATE_BY_CODE[code].label,
                mine.shown if mine else "—",
                city_value.shown,
                ledger_link(period, unit=base.unit, rate=code, part="den"),
                better,
            )
        )
    units = assessed_units()
    led = Case.objects.filter(
        created_at__gte=period.since, created_at__lt=period.as_of(), lead_unit_id__in=[u[0] for u in units]
    ).count()
    average = led / len(units) if units else 0.0
    own = Case.objects.filter(
        created_at__gte=period.since, created_at__lt=period.as_of(), lead_unit_id=base.unit
    ).count()
    return {
        "rates": rows,
        "scored": scored,
        "average": round(average, 1),
        "own": own,
        # The row's name (as the rankings print it); a unit with no row yet (nothing counted in
        # the period) is still named: a leader's filter can pick any unit.
        "unit_name": row.name if row else base.labels().get("unit", ""),
    }


__all__ = ["Chart", "home_context"]

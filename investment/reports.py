"""The figures of 招商引资, read from approved stages only: the funnel, the monthly 工作进度表, the
annual 目标 figures, the reserve, the 倍增 ratio, by chain, park and township, and the parks' share.

Signings come from the `Signing` ledger (counting.py); starts and productions are each project's
*first* approved 开工 / 投产 (a resumed project does not start twice).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, QuerySet, Sum

from org.models import Unit
from stats.periods import add_months

from . import access
from .config import config
from .models import Chain, FundsArrival, Park, ParkOutput, Project, ReportStatus, Signing, StageReport
from .workflow import MILESTONES, Action, State

ZERO = Decimal("0.00")


def month_range(year: int, month: int) -> tuple[date, date]:
    """[first day, first day of the next month)."""
    start = date(year, month, 1)
    return start, add_months(start, 1)


def first_dates(action: Action, projects: Iterable[int] | None = None) -> dict[int, date]:
    """Each project's first approved date of one stage."""
    rows = StageReport.objects.filter(status=ReportStatus.PUBLISHED, stage=action, draft_of__isnull=True)
    if projects is not None:
        rows = rows.filter(project_id__in=list(projects))
    return dict(rows.values("project_id").annotate(first=Min("date")).values_list("project_id", "first"))


@dataclass
class Tally:
    """One row of a report: signings (count, amount, ≥10亿元), starts and productions."""

    label: str
    key: Any = None
    signed: int = 0
    amount: Decimal = ZERO
    major: int = 0
    started: int = 0
    producing: int = 0
    funds: Decimal = ZERO
    extra: dict[str, Any] = field(default_factory=dict)
    # The projects behind `amount` and `funds` (for suppress), and the amounts hidden from a user.
    projects: set[int] = field(default_factory=set)
    fund_projects: set[int] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)

    def add(self, other: Tally) -> None:
        self.signed += other.signed
        self.amount += other.amount
        self.major += other.major
        self.started += other.started
        self.producing += other.producing
        self.funds += other.funds
        self.projects |= other.projects
        self.fund_projects |= other.fund_projects

    def shown(self, attr: str) -> Decimal | None:
        """The amount, or None where it is hidden from the user (suppress)."""
        value: Decimal = getattr(self, attr)
        return None if attr in self.hidden else value


AMOUNTS = (("amount", "projects"), ("funds", "fund_projects"))


def suppress(rows: list[Tally], user: Any) -> list[Tally]:
    """Hide each amount made of too few projects for this user (access.amount_shown). Where a
    column would hide one cell alone while its total shows, the smallest other cell is hidden too:
    the total minus the others would give the hidden one back."""
    body = [t for t in rows if t.key != "total"]
    totals = [t for t in rows if t.key == "total"]
    for attr, of in AMOUNTS:
        hidden = [t for t in body if not access.amount_shown(user, len(getattr(t, of)))]
        for t in hidden:
            t.hidden.add(attr)
        total_shown = True
        for t in totals:
            if not access.amount_shown(user, len(getattr(t, of))):
                t.hidden.add(attr)
                total_shown = False
        if len(hidden) == 1 and totals and total_shown:
            others = sorted(
                (t for t in body if t not in hidden and getattr(t, of)), key=lambda t: len(getattr(t, of))
            )
            (others[0] if others else totals[0]).hidden.add(attr)
    return rows


def _signings(start: date, end: date) -> QuerySet[Signing]:
    return Signing.objects.filter(date__gte=start, date__lt=end)


def tallies(start: date, end: date, *, by: str) -> list[Tally]:
    """Rows per `by` ("township", "park", "chain" or "month") for [start, end), then a 合计 row."""
    rows: dict[Any, Tally] = {}
    labels = _labels(by, start, end)
    for key, label in labels:
        rows[key] = Tally(label=label, key=key)

    def row(key: Any) -> Tally:
        if key not in rows:
            rows[key] = Tally(label=_label_of(by, key), key=key)
        return rows[key]

    for s in _signings(start, end):
        t = row(_key(by, s.township_id, s.park_id, s.chain_id, s.date))
        t.signed += s.counted
        t.amount += s.amount
        t.projects.add(s.project_id)
        t.major += int(s.major and s.counted == 1)
    places = {
        p.pk: (p.township_id, p.park_id, p.chain_id)
        for p in Project.objects.only("township", "park", "chain")
    }
    for action, attr in ((Action.START, "started"), (Action.PRODUCE, "producing")):
        for pk, day in first_dates(action).items():
            if start <= day < end and pk in places:
                township, park, chain = places[pk]
                t = row(_key(by, township, park, chain, day))
                setattr(t, attr, getattr(t, attr) + 1)
    for f in FundsArrival.objects.filter(month__gte=start, month__lt=end).select_related("project"):
        p = f.project
        t = row(_key(by, p.township_id, p.park_id, p.chain_id, f.month))
        t.funds += f.amount
        t.fund_projects.add(p.pk)
    result = list(rows.values())
    total = Tally(label="合计", key="total")
    for t in result:
        total.add(t)
    return [*result, total]


def _key(by: str, township: int, park: int | None, chain: int, day: date) -> Any:
    return {"township": township, "park": park, "chain": chain, "month": day.month}[by]


def _labels(by: str, start: date, end: date) -> list[tuple[Any, str]]:
    if by == "township":
        return [(u.pk, u.display_name) for u in Unit.objects.townships().order_by("sort_order", "code")]
    if by == "park":
        return [(p.pk, p.display_name) for p in Park.objects.filter(is_active=True)] + [(None, "园区外")]
    if by == "chain":
        return [(c.pk, f"{c.name}（{c.system}）") for c in Chain.objects.filter(is_active=True)]
    months = []
    day = start
    while day < end:
        months.append((day.month, f"{day.month}月"))
        day = month_range(day.year, day.month)[1]
    return months


def _label_of(by: str, key: Any) -> str:
    if key is None:
        return "园区外"
    model: Any = {"township": Unit, "park": Park, "chain": Chain}.get(by)
    if model is None:
        return f"{key}月"
    obj = model._default_manager.filter(pk=key).first()
    return str(getattr(obj, "display_name", obj)) if obj else str(key)


def funnel(projects: QuerySet[Project] | None = None, *, user: Any = None) -> list[dict[str, Any]]:
    """Projects and their agreed investment at each stage now (漏斗), in the stages' order; with a
    user, an amount of too few projects for them is None (access.amount_shown)."""
    rows = projects if projects is not None else Project.objects.all()
    sums = {
        r["state"]: r for r in rows.values("state").annotate(n=Count("pk"), amount=Sum("total_investment"))
    }
    order = [State.NEW, *(s for s, _ in MILESTONES), State.PAUSED, State.TERMINATED]
    out = [
        {"state": s.value, "label": str(s.label), "count": sums.get(s.value, {}).get("n") or 0,
         "amount": sums.get(s.value, {}).get("amount") or ZERO}
        for s in order
    ]  # fmt: skip
    if user is not None:
        for r in out:
            if not access.amount_shown(user, int(r["count"])):
                r["amount"] = None
    return out


def reserve(*, before: date | None = None) -> tuple[int, Decimal]:
    """储备: projects in talks (approved 在谈), and their amount — now, or at the end of the day
    before `before` (the projects whose last approved stage dated before it is 在谈)."""
    rows = Project.objects.filter(state=State.NEGOTIATING)
    if before is not None:
        rows = Project.objects.filter(pk__in=in_talks_before(before))
    agg = rows.aggregate(n=Count("pk"), amount=Sum("total_investment"))
    return agg["n"] or 0, agg["amount"] or ZERO


def in_talks_before(day: date) -> list[int]:
    """The projects whose last approved stage dated before `day` is 在谈 (增资 and 变更投资方 keep
    the stage, so they are not stages here)."""
    last: dict[int, str] = {}
    rows = (
        StageReport.objects.filter(status=ReportStatus.PUBLISHED, draft_of__isnull=True, date__lt=day)
        .exclude(stage__in=[Action.UPGRADE, Action.CHANGE_INVESTOR])
        .order_by("project_id", "date", "pk")
        .values_list("project_id", "stage")
    )
    for project_id, stage in rows:
        last[project_id] = stage
    return [pk for pk, stage in last.items() if stage == Action.NEGOTIATE]


def signed_amount(start: date, end: date) -> Decimal:
    return _signings(start, end).aggregate(s=Sum("amount"))["s"] or ZERO


def doubling(year: int, *, until: date | None = None) -> dict[str, Any]:
    """倍增: the year's signed amount (to `until`) against the base year's whole amount."""
    base_year = config().base_year
    end = until or date(year + 1, 1, 1)
    current = signed_amount(date(year, 1, 1), end)
    base = signed_amount(date(base_year, 1, 1), date(base_year + 1, 1, 1))
    ratio = (current / base).quantize(Decimal("0.01")) if base else None
    return {"year": year, "base_year": base_year, "amount": current, "base_amount": base, "ratio": ratio}


def signed_projects(start: date, end: date) -> int:
    """How many projects the signed amount of [start, end) is made of (for access.amount_shown)."""
    return _signings(start, end).values("project_id").distinct().count()


def doubling_for(year: int, user: Any, *, until: date | None = None) -> dict[str, Any]:
    """倍增 as this user may see it: an amount of too few projects (and so the ratio) is None."""
    figures = doubling(year, until=until)
    end = until or date(year + 1, 1, 1)
    base_year = figures["base_year"]
    if not access.amount_shown(user, signed_projects(date(year, 1, 1), end)):
        figures["amount"] = figures["ratio"] = None
    if not access.amount_shown(user, signed_projects(date(base_year, 1, 1), date(base_year + 1, 1, 1))):
        figures["base_amount"] = figures["ratio"] = None
    return figures


def reserve_for(user: Any) -> tuple[int, Decimal | None]:
    """在谈储备 as this user may see it (the amount of too few projects is None)."""
    count, amount = reserve()
    return count, amount if access.amount_shown(user, count) else None


def park_share(start: date, end: date) -> dict[str, Any]:
    """梧桐树: the parks' industrial output as a share of the city's, for the months both are entered."""
    rows = ParkOutput.objects.filter(month__gte=start, month__lt=end)
    city = {r.month: r.output for r in rows if r.park_id is None}
    parks: dict[date, Decimal] = defaultdict(lambda: ZERO)
    by_park: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.park_id is not None and r.month in city:
            parks[r.month] += r.output
            by_park[r.park_id] += r.output
    city_total = sum((city[m] for m in parks), ZERO)
    park_total = sum(parks.values(), ZERO)
    share = (park_total / city_total * 100).quantize(Decimal("0.1")) if city_total else None
    return {
        "city": city_total,
        "parks": park_total,
        "share": share,
        "by_park": dict(by_park),
        "months": len(parks),
    }


def outputs_by_month(year: int) -> dict[int | None, dict[int, Decimal]]:
    """Each park's (None: the city's) output per month of the year."""
    table: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for r in ParkOutput.objects.filter(month__year=year):
        table[r.park_id][r.month.month] = r.output
    return table

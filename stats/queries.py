"""The statistics' Python API: what the pages, the API, the exports and other apps call.

    unit_rates(period, level=…)        → RatesTable: every unit's counters and rates, the centre, the city
    ranking(period, scheme=…, level=…) → Ranking: scores, grades, ranks, boards, change from the period before
    counted(period)                    → Counted: a window's counters, counted once for both of the above
                                         (a page showing the table and the scores passes `counts=`)
    ledger(period, user=…, unit=…, rate=…, part=…) → list[LedgerRow] (stats.ledger; one row per case and unit)
    volume(period, bucket=…)  categories(period)  townships(period)
    overdue_by_unit()  supervised_by_unit(period)
    hotspots(period) / register_hotspot_provider(fn)   (the hotspot app fills the report's section)

Every reader of the fact tables calls `stats.build.refresh()` first (through `window()`), so what
it shows is what the event log says now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from cases.models import Case, CaseEvent, Channel, first_level_names
from cases.workflow import HANDLING_STATES, Action, State
from org.models import Unit, UnitKind
from stats.build import refresh
from stats.counting import Window
from stats.daily import count_units
from stats.models import Level, Scheme
from stats.periods import Period
from stats.rates import RATES, Rate
from stats.schemes import Definition
from stats.scoring import Scored, evaluate
from stats.store import scheme as scheme_named


@dataclass(frozen=True)
class RateValue:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def shown(self) -> str:
        """As the bulletins print it: 88.34%; "—" when nothing was counted."""
        v = self.value
        return "—" if v is None else f"{100 * v:.2f}%"


@dataclass
class UnitRow:
    unit_id: int | None
    name: str
    level: str
    counts: Counter[str]

    @property
    def rates(self) -> dict[str, RateValue]:
        # 直接答复率 is the centre's: a unit's first dispatches are counted, but only the centre's
        # (and the city's) row has the rate.
        unit_row = self.level not in (Level.CENTRE, "city")
        return {
            r.code: RateValue(0, 0)
            if r.centre_only and unit_row
            else RateValue(self.counts.get(r.numerator, 0), self.counts.get(r.denominator, 0))
            for r in RATES
        }

    @property
    def rate_cells(self) -> list[tuple[Rate, RateValue]]:
        """(rate, value) in the table's order, for templates."""
        values = self.rates
        return [(r, values[r.code]) for r in RATES]


@dataclass
class RatesTable:
    period: Period
    as_of: datetime
    rows: list[UnitRow]
    centre: UnitRow
    city: UnitRow


CENTRE_CITYWIDE = ("disposed", "callback_due", "called_back")


def window(period: Period, now: datetime | None = None, *, fresh: bool = True) -> Window:
    if fresh:
        refresh()
    return Window(period.since, period.as_of(now))


def assessed_units(level: str | None = None) -> list[tuple[int, str, str]]:
    """(id, name, level) of the units assessed: active townships and departments, in their order."""
    kinds: dict[str | None, str] = {Level.TOWNSHIP: UnitKind.TOWNSHIP, Level.DEPARTMENT: UnitKind.DEPARTMENT}
    wanted = [kinds[level]] if level in kinds else list(kinds.values())
    rows = Unit.objects.filter(kind__in=wanted, is_active=True).order_by("kind", "sort_order", "code")
    return [(u.pk, u.display_name, str(Level.TOWNSHIP if u.kind == UnitKind.TOWNSHIP else Level.DEPARTMENT))
            for u in rows]  # fmt: skip


def rates_from_counts(
    period: Period, as_of: datetime, counts: dict[int | None, Counter[str]], level: str | None = None
) -> RatesTable:
    units = assessed_units(level)
    rows = [UnitRow(pk, name, lv, Counter(counts.get(pk, Counter()))) for pk, name, lv in units]
    city: Counter[str] = Counter()
    for c in counts.values():
        city.update(c)
    # The centre's own figures: 解决率/满意率 of its 直接办结; 直接答复率 and 回访率 of the whole city
    # (the centre disposes of every case and calls every answer back).
    centre = UnitRow(None, "12345热线中心", Level.CENTRE, Counter(counts.get(None, Counter())))
    for key in CENTRE_CITYWIDE:
        centre.counts[key] = city[key]
    centre.counts = +centre.counts
    return RatesTable(period, as_of, rows, centre, UnitRow(None, "全市", "city", +city))


@dataclass(frozen=True)
class Counted:
    """One window's counters per assessed unit (None: the centre), read once from the fact tables.

    The rate table and the scores of a period are the same counters: a page that shows both
    counts the window once and hands this to `unit_rates` and `ranking` (a year's grouped scans
    are most of the rates page's time). The unit filter (`level`) is applied after counting."""

    period: Period
    as_of: datetime
    units: dict[int | None, Counter[str]]
    now: datetime | None = None  # the `now` it was counted at: the period before is counted at it too


def counted(period: Period, now: datetime | None = None, *, fresh: bool = True) -> Counted:
    """The period's counters per assessed unit (the fact tables refreshed first unless not `fresh`)."""
    w = window(period, now, fresh=fresh)
    return Counted(period, w.end, count_units(w), now)


def _counts_for(period: Period, counts: Counted | None, now: datetime | None) -> Counted:
    if counts is None:
        return counted(period, now)
    if counts.period != period:
        raise ValueError(f"counts of {counts.period.label} handed for {period.label}")
    return counts


def unit_rates(
    period: Period, *, level: str | None = None, now: datetime | None = None, counts: Counted | None = None
) -> RatesTable:
    """Every assessed unit's counters and rates for the period (fact tables, refreshed first), or
    from `counts` already counted for this period in the same request (then `now` is theirs)."""
    c = _counts_for(period, counts, now)
    return rates_from_counts(period, c.as_of, c.units, level)


@dataclass
class Ranking:
    scheme: Scheme
    definition: Definition
    period: Period
    previous: Period
    rows: list[Scored]

    def group(self, code: str) -> list[Scored]:
        return [r for r in self.rows if r.group == code]

    def board(self, name: str) -> list[Scored]:
        return [r for r in self.rows if name in r.boards]


def ranking(
    period: Period,
    *,
    scheme: str | None = None,
    level: str | None = None,
    now: datetime | None = None,
    counts: Counted | None = None,
    previous: Counted | None = None,
) -> Ranking:
    """Scores, grades and ranks of the assessed units under a scheme (the default one without a
    code), with each unit's score, rank and grade of the period before. `counts`: the period's
    counters already counted in this request (`counted`); the period before is counted here,
    unless `previous` brings its counters (`mochou stats recompute --check` hands the exact ones)."""
    chosen, definition = scheme_named(scheme)
    c = _counts_for(period, counts, now)
    before = period.previous()
    if previous is None:
        # Refreshed already (for `period`, here or by whoever counted `counts`).
        previous = counted(before, c.now, fresh=False)
    elif previous.period != before:
        raise ValueError(f"counts of {previous.period.label} handed as the period before {period.label}")
    rows = evaluate(definition, assessed_units(level), c.units, previous.units)
    return Ranking(chosen, definition, period, before, rows)


# ---------------------------------------------------------------- series for the dashboard


def _trunc(bucket: str) -> Any:
    tz = timezone.get_current_timezone()
    return {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[bucket]("created_at", tzinfo=tz)


def volume(period: Period, *, bucket: str = "day", now: datetime | None = None) -> list[dict[str, Any]]:
    """Cases registered per day/week/month and channel (受理量; duplicates included, as received)."""
    if bucket not in ("day", "week", "month"):
        bucket = "day"
    rows = (
        Case.objects.filter(created_at__gte=period.since, created_at__lt=period.as_of(now))
        .annotate(b=_trunc(bucket)).values("b", "channel").annotate(n=Count("*")).order_by("b", "channel")
    )  # fmt: skip
    labels = dict(Channel.choices)

    def day(value: Any) -> str:
        return (
            timezone.localtime(value).date().isoformat() if isinstance(value, datetime) else value.isoformat()
        )

    return [
        {"bucket": day(r["b"]), "channel": r["channel"],
         "channel_label": labels.get(r["channel"], r["channel"]), "count": r["n"]}
        for r in rows
    ]  # fmt: skip


def categories(period: Period, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Cases registered per first-level category (事项分类一级), most first."""
    rows = (
        Case.objects.filter(created_at__gte=period.since, created_at__lt=period.as_of(now))
        .values("category_id").annotate(n=Count("*")).order_by()
    )  # fmt: skip
    top: Counter[str] = Counter()
    first = first_level_names()
    for r in rows:
        top[first.get(r["category_id"], "未分类")] += r["n"]
    return [{"category": k, "count": n} for k, n in top.most_common()]


def townships(period: Period, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Cases registered per township (所属乡镇, where the matter is), every township listed."""
    counts: dict[int | None, int] = dict(
        Case.objects.filter(created_at__gte=period.since, created_at__lt=period.as_of(now))
        .values_list("township_id").annotate(n=Count("*")).values_list("township_id", "n")
    )  # fmt: skip
    units = Unit.objects.townships().order_by("sort_order", "code")
    out = [
        {"unit_id": u.pk, "township": u.name, "division_code": u.division_code, "count": counts.get(u.pk, 0)}
        for u in units
    ]
    if counts.get(None):
        out.append({"unit_id": None, "township": "未填乡镇", "division_code": "", "count": counts[None]})
    return out


def overdue_by_unit(now: datetime | None = None) -> list[dict[str, Any]]:
    """Open cases past their deadline now, per lead unit: acceptance (签收超期) and handling (办理超期)."""
    now = now or timezone.now()
    accept = Q(state=State.DISPATCHED, accept_due_at__lt=now)
    handle = Q(state__in=sorted(HANDLING_STATES), due_at__lt=now)
    rows = (
        Case.objects.filter(accept | handle).values("lead_unit_id", "lead_unit__name")
        .annotate(accept=Count("pk", filter=accept), handle=Count("pk", filter=handle))
        .order_by("-handle", "-accept")
    )  # fmt: skip
    return [{"unit_id": r["lead_unit_id"], "unit": r["lead_unit__name"] or "（未派单）",
             "accept_overdue": r["accept"], "handle_overdue": r["handle"]} for r in rows]  # fmt: skip


def supervised_by_unit(period: Period, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """督办: notices issued in the period per unit (the SUPERVISE events of the case log)."""
    events = CaseEvent.objects.filter(
        action=Action.SUPERVISE, created_at__gte=period.since, created_at__lt=period.as_of(now)
    ).values_list("case_id", "payload")
    per: dict[str, set[int]] = {}
    for case_id, payload in events:
        per.setdefault(str((payload or {}).get("unit") or ""), set()).add(case_id)
    names = dict(Unit.objects.filter(code__in=list(per)).values_list("code", "name"))
    rows = [{"unit": names.get(code, code or "（未知单位）"), "unit_code": code, "cases": len(ids)}
            for code, ids in per.items()]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["cases"], r["unit"]))


# ---------------------------------------------------------------- hotspots (filled by another app)

HotspotProvider = Callable[[Period], list[dict[str, Any]]]


@dataclass
class _Hotspots:
    provider: HotspotProvider | None = None
    calls: list[str] = field(default_factory=list)


_HOTSPOTS = _Hotspots()


def register_hotspot_provider(provider: HotspotProvider) -> None:
    """The hotspot app registers, in its AppConfig.ready, a function period → list of hotspots:
    dicts with `title`, `heat`, `place`, `category`, `count` and optionally `url`. The monthly
    report lists them, hottest first; without a provider it says the section is not available."""
    _HOTSPOTS.provider = provider


def hotspots(period: Period) -> list[dict[str, Any]] | None:
    """The period's hotspots, or None when no hotspot app is installed."""
    if _HOTSPOTS.provider is None:
        return None
    return list(_HOTSPOTS.provider(period))

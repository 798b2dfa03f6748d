"""The township board (乡镇控违月报): per township and month, what was found and done, and the
零增长 board. Read-only, computed from the violations and their events, never stored.

Definitions (one place; docs/enforcement.md repeats them):
- 发现 `found`: violations registered in the month; 新增 `new`: of those, 新增 and confirmed (认定
  or beyond, not dismissed/revoked);
- 主动发现率 `self_share`: share of `found` from 巡查/卫片 (vs 举报/12345/上级交办);
- 制止用时 `stop_hours`: mean hours from registration to 制止, over violations stopped in the month;
- 按期拆除 `in_time` / `demolished`: demolitions in the month, and those within the 自拆 deadline;
- 拆除面积 `area`: m² demolished in the month; 存量减少 `existing_closed`: 存量 signed off in the month;
- 复核通过率 `pass_rate`: 复核通过 / all 复核 in the month; 不属实率 `dismiss_share`: 不属实/合法 /
  all 核查 in the month;
- 超期 `overdue`: open and past the deadline of its state (enforcement.deadlines); 问责
  `accountabilities`: decided in the month;
- 零增长: a township with no 新增 violation confirmed and not yet signed off (`open_new`, 未销号新增).
超期, 未销号新增 and 零增长 are taken at the month's end (now, for the month under way): a past
month's board and 通报 read as they would have on its last day, from the events' times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from enforcement import deadlines
from enforcement.models import SELF_DETECTED, Accountability, Violation, ViolationEvent
from enforcement.workflow import CONFIRMED_STATES, RESOLVED_STATES, Action, State
from mochou.errors import InvalidInput
from org.models import Unit


@dataclass
class Row:
    township: Unit
    found: int = 0
    new: int = 0
    self_found: int = 0
    stop_hours_total: float = 0.0
    stopped: int = 0
    demolished: int = 0
    in_time: int = 0
    area: Decimal = Decimal("0")
    existing_closed: int = 0
    passed: int = 0
    reinspected: int = 0
    dismissed: int = 0
    checked: int = 0
    overdue: int = 0
    accountabilities: int = 0
    open_new: int = 0

    @property
    def self_share(self) -> float | None:
        return self.self_found / self.found if self.found else None

    @property
    def stop_hours(self) -> float | None:
        return self.stop_hours_total / self.stopped if self.stopped else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.reinspected if self.reinspected else None

    @property
    def dismiss_share(self) -> float | None:
        return self.dismissed / self.checked if self.checked else None

    @property
    def zero_growth(self) -> bool:
        return self.open_new == 0


@dataclass
class Board:
    month: date
    rows: list[Row] = field(default_factory=list)
    # False when a township's staff read their own row only: then nothing is said of 全市.
    citywide: bool = True
    own: Unit | None = None  # that township (or village), named where 全市 would be

    @property
    def zero_growth(self) -> list[Row]:
        return [row for row in self.rows if row.zero_growth]

    @property
    def totals(self) -> Row:
        total = Row(township=Unit(name="合计"))
        for row in self.rows:
            for name in (
                "found",
                "new",
                "self_found",
                "stop_hours_total",
                "stopped",
                "demolished",
                "in_time",
                "area",
                "existing_closed",
                "passed",
                "reinspected",
                "dismissed",
                "checked",
                "overdue",
                "accountabilities",
                "open_new",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


# The months a board can be asked for: outside them a date's arithmetic would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_range(month: date) -> tuple[datetime, datetime]:
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise InvalidInput(
            f"月份应在{FIRST_YEAR}年至{LAST_YEAR}年之间。",
            code="invalid_input.month",
            details={"field": "month"},
        )
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


UNRESOLVED_CONFIRMED = CONFIRMED_STATES - {State.CLOSED}
# The verbs that set (or clear) the 自拆 deadline, with it in their event's payload.
_DEADLINE_ACTIONS = frozenset({Action.ORDER, Action.UPHOLD, Action.REJECT, Action.APPEAL})


def unresolved_new(violations: QuerySet[Violation] | None = None) -> QuerySet[Violation]:
    """新增 violations confirmed and not signed off: what a township's 零增长 counts against."""
    rows = violations if violations is not None else Violation.objects.all()
    return rows.filter(is_new=True, state__in=UNRESOLVED_CONFIRMED)


def _as_of(
    violations: QuerySet[Violation], moment: datetime, *, through: bool
) -> Iterator[tuple[Violation, str, datetime | None]]:
    """Each violation registered by `moment`, with its state then (its last event before it, or at
    it when `through`: now includes what was just done, a month's end excludes the next month's
    first instant) and the 自拆 deadline standing then (from the payload of the verb that set it)."""
    states: dict[int, str] = {}
    standing: dict[int, datetime | None] = {}
    events = (
        ViolationEvent.objects.filter(violation__in=violations)
        .filter(Q(created_at__lte=moment) if through else Q(created_at__lt=moment))
        .order_by("violation_id", "seq")
        .values_list("violation_id", "action", "to_state", "payload")
    )
    for violation_id, action, to_state, payload in events:
        states[violation_id] = to_state
        if action in _DEADLINE_ACTIONS:
            value = (payload or {}).get("demolish_by")
            standing[violation_id] = datetime.fromisoformat(value) if value else None
    fields = ("township_id", "is_new", "check_by", "stop_by", "order_by", "plan_due", "demolish_by")
    for v in violations.filter(pk__in=list(states)).only(*fields):
        state = states[v.pk]
        if state in RESOLVED_STATES:
            continue
        yield v, state, standing.get(v.pk, v.demolish_by)


def build(month: date, *, now: datetime | None = None, townships: QuerySet[Unit] | None = None) -> Board:
    now = now or timezone.now()
    start, end = month_range(month)
    units = list(
        (townships if townships is not None else Unit.objects.townships()).order_by("sort_order", "code")
    )
    rows = {unit.pk: Row(township=unit) for unit in units}
    ids = list(rows)
    violations = Violation.objects.filter(township_id__in=ids)

    for v in violations.filter(reported_at__gte=start, reported_at__lt=end).only(
        "township_id", "channel", "is_new", "state"
    ):
        row = rows[v.township_id]
        row.found += 1
        row.self_found += v.channel in SELF_DETECTED
        row.new += v.is_new and v.state in CONFIRMED_STATES
    for v in violations.filter(stopped_at__gte=start, stopped_at__lt=end).only(
        "township_id", "stopped_at", "reported_at"
    ):
        row = rows[v.township_id]
        row.stopped += 1
        row.stop_hours_total += (v.stopped_at - v.reported_at).total_seconds() / 3600  # type: ignore[operator]
    for v in violations.filter(demolished_at__gte=start, demolished_at__lt=end).only(
        "township_id", "area", "demolished_in_time"
    ):
        row = rows[v.township_id]
        row.demolished += 1
        row.in_time += bool(v.demolished_in_time)
        row.area += v.area
    closed_existing = violations.filter(
        state=State.CLOSED, is_new=False, closed_at__gte=start, closed_at__lt=end
    )
    for township_id in closed_existing.values_list("township_id", flat=True):
        rows[township_id].existing_closed += 1

    events = ViolationEvent.objects.filter(
        violation__township_id__in=ids,
        created_at__gte=start,
        created_at__lt=end,
        action__in=[Action.REINSPECT, Action.REJECT, Action.CONFIRM, Action.DISMISS],
    ).values_list("violation__township_id", "action")
    for township_id, action in events:
        row = rows[township_id]
        if action in (Action.REINSPECT, Action.REJECT):
            row.reinspected += 1
            row.passed += action == Action.REINSPECT
        else:
            row.checked += 1
            row.dismissed += action == Action.DISMISS

    # 超期, 零增长 and 未销号新增 are a moment's picture: the month's end for a past month, now for
    # this one, each violation taken in the state (and under the 自拆 deadline) it had then.
    moment = min(now, end)
    for v, state, demolish_by in _as_of(violations, moment, through=moment == now):
        row = rows[v.township_id]
        row.overdue += deadlines.is_overdue(v, state, moment, demolish_by=demolish_by)
        row.open_new += v.is_new and state in UNRESOLVED_CONFIRMED
    accounted = Accountability.objects.filter(
        violation__township_id__in=ids, decided_on__gte=start.date(), decided_on__lt=end.date()
    ).values_list("violation__township_id", flat=True)
    for township_id in accounted:
        rows[township_id].accountabilities += 1
    return Board(month=month.replace(day=1), rows=[rows[u.pk] for u in units])


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"

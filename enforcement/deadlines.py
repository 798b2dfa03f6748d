"""What a violation owes by when, in one place: the list's 只看超期, the map's 超期 colour, the
board's 超期 and the sweep's 超期 rungs all ask this module.

One deadline applies in each waiting state (the others owe nothing: 复议/诉讼 pauses the clock,
已拆除 waits on the re-inspector, 已销号 and 不属实 are resolved):
- 待核查: `check_by` (登记 + MOCHOU_ENFORCEMENT_CHECK_HOURS);
- 已认定: `stop_by` (认定 + MOCHOU_ENFORCEMENT_STOP_HOURS): 制止, or a 存量 one into its plan;
- 已制止: `order_by` (制止 + MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS working days): 限期拆除决定;
- 存量待处置: the plan's own date (`plan_due`): overdue from the day after it;
- 限期自拆: `demolish_by` (the decision's deadline).
Each stamp is stored when it is decided (the settings in force then), never recomputed; the
verbs stamp them with `stop_deadline` and `order_deadline` (migration 0007 copies both to stamp
the violations confirmed or stopped before the stamps existed).

Not a deadline owed by the office but a period it must wait out: the owner's 复议/诉讼 periods
after the 限期拆除决定 is served (`remedy_periods`), before which 强拆 is refused (the guard).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, Protocol

from django.db.models import Q
from django.utils import timezone

from enforcement import config
from enforcement.workflow import State
from worktime.calendar import add_working_days, is_workday


class Deadlines(Protocol):
    check_by: datetime | None
    stop_by: datetime | None
    order_by: datetime | None
    plan_due: date | None
    demolish_by: datetime | None


def plan_deadline(due: date) -> datetime:
    """A plan dated `due` is kept if acted on during that day: overdue from the next midnight."""
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))


def stop_deadline(confirmed_at: datetime) -> datetime:
    """制止 is due this long after 认定 (wall clock: building goes on at weekends)."""
    return confirmed_at + timedelta(hours=config.stop_hours())


def order_deadline(stopped_at: datetime) -> datetime:
    """The 限期拆除决定 is due by the end of the Nth working day after 制止."""
    return add_working_days(stopped_at, config.order_working_days())


class RemedyPeriods(NamedTuple):
    """The owner's periods to challenge a 限期拆除决定 served on `served_on` (last days, inclusive)."""

    served_on: date
    review_until: date  # 行政复议法 §20
    lawsuit_until: date  # 行政诉讼法 §46

    @property
    def last_day(self) -> date:
        return max(self.review_until, self.lawsuit_until)

    @property
    def enforceable_from(self) -> datetime:
        """The first moment 强拆 may be recorded: the next midnight after the last day."""
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))


def _add_months(day: date, months: int) -> date:
    """民法典 §202: the same-numbered day of the month the period ends in, or that month's last."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _on_a_working_day(day: date) -> date:
    """民事诉讼法 §85: a period whose last day is a rest day ends on the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def remedy_periods(served: datetime) -> RemedyPeriods:
    """Both periods counted from the day after service (民事诉讼法 §85: the start day does not count)."""
    day = timezone.localdate(served)
    return RemedyPeriods(
        served_on=day,
        review_until=_on_a_working_day(day + timedelta(days=config.review_days())),
        lawsuit_until=_on_a_working_day(_add_months(day, config.lawsuit_months())),
    )


def deadline_of(v: Deadlines, state: str, *, demolish_by: datetime | None = None) -> datetime | None:
    """The deadline owed in `state` (a past state when the board looks back: `demolish_by` is then
    the 自拆 deadline that stood at that moment)."""
    if state == State.REPORTED:
        return v.check_by
    if state == State.CONFIRMED:
        return v.stop_by
    if state == State.STOPPED:
        return v.order_by
    if state == State.PLANNED:
        return plan_deadline(v.plan_due) if v.plan_due else None
    if state == State.ORDERED:
        return demolish_by if demolish_by is not None else v.demolish_by
    return None


def is_overdue(v: Deadlines, state: str, now: datetime, *, demolish_by: datetime | None = None) -> bool:
    deadline = deadline_of(v, state, demolish_by=demolish_by)
    return deadline is not None and deadline <= now


def overdue_q(now: datetime) -> Q:
    """The rows past the deadline of the state they are in now (as `is_overdue`)."""
    return (
        Q(state=State.REPORTED, check_by__lte=now)
        | Q(state=State.CONFIRMED, stop_by__lte=now)
        | Q(state=State.STOPPED, order_by__lte=now)
        | Q(state=State.PLANNED, plan_due__lt=timezone.localdate(now))
        | Q(state=State.ORDERED, demolish_by__lte=now)
    )

"""What a violation owes by when, in one place: the list's 只看超期, the map's 超期 colour, the
board's 超期 and the sweep's 超期 rungs all ask this module.

One deadline applies in each waiting state (the others owe nothing: 复议/诉讼 pauses the clock,
已拆除 waits on the re-inspector, 已销号 and 不属实 are resolved):
- 待核查: `check_by` (登记 + MOCHOU_ENFORCEMENT_CHECK_HOURS);
- 已认定: `stop_by` (认定 + MOCHOU_ENFORCEMENT_STOP_HOURS): 制止, or a 存量 one into its plan;
- 已制止: `order_by` (制止 + MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS working days): 限期拆除决定;
- 存量待处置: the plan's own date (`plan_due`): overdue from the day after it;
- 限期自拆: `demolish_by` (the decision's deadline).
Each stamp is stored when it is decided (the settings in force then), never recomputed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol

from django.db.models import Q
from django.utils import timezone

from enforcement.workflow import State


class Deadlines(Protocol):
    check_by: datetime | None
    stop_by: datetime | None
    order_by: datetime | None
    plan_due: date | None
    demolish_by: datetime | None


def plan_deadline(due: date) -> datetime:
    """A plan dated `due` is kept if acted on during that day: overdue from the next midnight."""
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))


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

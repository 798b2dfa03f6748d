"""Deadline states of a case, computed from the data and an explicit `now` — never stored.

The case loop's clocks (签收 while dispatched, 办理 while handled, the suspension's own limit
while suspended — the handling clock stops then —, 整改 while a 差评 is rectified) on the loop
core's deadline arithmetic (loop.deadlines): "overdue" is `deadline <= now`, "near due" is
`deadline <= now + NEAR working hours`, both plain index range queries.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from cases.workflow import HANDLING_STATES, State
from loop.deadlines import Clock, Clocks, DeadlineStatus

# How close to a deadline a case counts as near due, in working hours.
NEAR_ACCEPT_HOURS = 1.0
NEAR_HANDLE_HOURS = 7.0  # one working day

ACCEPT = Clock("accept", "签收", "accept_due_at", frozenset({State.DISPATCHED}), NEAR_ACCEPT_HOURS)
HANDLE = Clock("handle", "办理", "due_at", frozenset(HANDLING_STATES), NEAR_HANDLE_HOURS)
# A suspension has its own limit: running past it is flagged (临期/超期, the sweep's notices).
SUSPEND = Clock("suspend", "挂起", "suspended_until", frozenset({State.SUSPENDED}), NEAR_HANDLE_HOURS)
# 差评整改: the lead unit's report is due within the rectification limit (MOCHOU_RECTIFY_DAYS).
RECTIFY = Clock("rectify", "整改", "rectify_due_at", frozenset({State.RECTIFYING}), NEAR_HANDLE_HOURS)
CLOCKS = Clocks([ACCEPT, HANDLE, SUSPEND, RECTIFY])

__all__ = ["CLOCKS", "DeadlineStatus", "deadline_of", "deadline_status", "late_q", "near_due_q", "overdue_q"]


def deadline_status(case: object, now: datetime | None = None) -> DeadlineStatus | None:
    """The running deadline of a case and how it stands, or None when no unit owes anything."""
    return CLOCKS.status(case, now or timezone.now())


def deadline_of(case: object, now: datetime) -> DeadlineStatus | None:
    """The countdown to show, or none past the configured calendar (mochou.W001 warns)."""
    return CLOCKS.shown(case, now)


def near_thresholds(now: datetime) -> tuple[datetime, datetime]:
    """The instants before which an acceptance / handling deadline counts as near due."""
    return ACCEPT.near_threshold(now), HANDLE.near_threshold(now)


def overdue_q(now: datetime) -> Q:
    return CLOCKS.overdue_q(now)


def near_due_q(now: datetime) -> Q:
    return CLOCKS.near_q(now)


def late_q(now: datetime) -> Q:
    """Near due or overdue: the 临期/超期 queue."""
    return CLOCKS.late_q(now)

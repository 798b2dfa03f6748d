"""Deadline states computed from the data and an explicit `now` — never stored.

A deadline is an absolute instant computed in working time when the case was dispatched,
accepted, extended or reopened. "Overdue" is then `deadline < now`; "near due" is
`deadline < now + NEAR working hours`, so both are plain index range queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from cases.workflow import HANDLING_STATES, State
from worktime.calendar import CalendarMissing, add_working_hours, format_remaining, working_hours_between

# How close to a deadline a case counts as near due, in working hours.
NEAR_ACCEPT_HOURS = 1.0
NEAR_HANDLE_HOURS = 7.0  # one working day


@dataclass(frozen=True)
class DeadlineStatus:
    kind: str  # "accept" or "handle"
    due_at: datetime
    remaining_hours: float
    level: str  # "ok", "near", "overdue"

    @property
    def label(self) -> str:
        what = "签收" if self.kind == "accept" else "办理"
        return f"{what}{format_remaining(self.remaining_hours)}"

    @property
    def level_label(self) -> str:
        return {"ok": "正常", "near": "临期", "overdue": "超期"}[self.level]


def deadline_status(case: object, now: datetime | None = None) -> DeadlineStatus | None:
    """The running deadline of a case and how it stands, or None when no unit owes anything."""
    now = now or timezone.now()
    state = case.state  # type: ignore[attr-defined]
    if state == State.DISPATCHED and case.accept_due_at:  # type: ignore[attr-defined]
        kind, due, near = "accept", case.accept_due_at, NEAR_ACCEPT_HOURS  # type: ignore[attr-defined]
    elif state in HANDLING_STATES and case.due_at:  # type: ignore[attr-defined]
        kind, due, near = "handle", case.due_at, NEAR_HANDLE_HOURS  # type: ignore[attr-defined]
    else:
        return None
    remaining = working_hours_between(now, due)
    level = "overdue" if due <= now else ("near" if remaining <= near else "ok")
    return DeadlineStatus(kind=kind, due_at=due, remaining_hours=remaining, level=level)


def deadline_of(case: object, now: datetime) -> DeadlineStatus | None:
    """The countdown to show, or none when the deadline lies in a year whose calendar is not
    configured yet: a page or an API answer must not fail over a label (mochou.W001 warns)."""
    try:
        return deadline_status(case, now)
    except CalendarMissing:
        return None


def near_thresholds(now: datetime) -> tuple[datetime, datetime]:
    """The instants before which an acceptance / handling deadline counts as near due.

    On the last working day of a year whose successor has no calendar yet, the window runs into
    the unknown: everything due within two weeks then counts as near — too many warnings rather
    than a broken 临期/超期 queue (the admin is warned by mochou.W001).
    """
    try:
        return add_working_hours(now, NEAR_ACCEPT_HOURS), add_working_hours(now, NEAR_HANDLE_HOURS)
    except CalendarMissing:
        fallback = now + timedelta(days=14)
        return fallback, fallback


def overdue_q(now: datetime) -> Q:
    return Q(state=State.DISPATCHED, accept_due_at__lte=now) | Q(state__in=HANDLING_STATES, due_at__lte=now)


def near_due_q(now: datetime) -> Q:
    accept_limit, handle_limit = near_thresholds(now)
    return Q(state=State.DISPATCHED, accept_due_at__gt=now, accept_due_at__lte=accept_limit) | Q(
        state__in=HANDLING_STATES, due_at__gt=now, due_at__lte=handle_limit
    )


def late_q(now: datetime) -> Q:
    """Near due or overdue: the 临期/超期 queue."""
    accept_limit, handle_limit = near_thresholds(now)
    return Q(state=State.DISPATCHED, accept_due_at__lte=accept_limit) | Q(
        state__in=HANDLING_STATES, due_at__lte=handle_limit
    )

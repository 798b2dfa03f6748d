"""Deadlines of a loop, computed from the data and an explicit `now` — never stored as a state.

A loop declares its clocks: which deadline field runs in which states, and how many working
hours before it an item counts as near due. A deadline is an absolute instant fixed when it was
decided (dispatch, acceptance, extension, reopening), so "overdue" is `deadline <= now` and
"near due" is `deadline <= now + near` in working time: plain index range queries.
The escalation ladder (near → overdue) is the same for every loop; the sweeps claim each rung
once per item and deadline.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from django.db.models import Q

from worktime.calendar import CalendarMissing, add_working_hours, format_remaining, working_hours_between

NEAR, OVERDUE = "near", "overdue"
LEVEL_LABELS = {"ok": "正常", NEAR: "临期", OVERDUE: "超期"}
# When next year's calendar is missing, everything due within this window counts as near: too many
# warnings rather than a broken queue (mochou.W001 tells the administrator).
UNKNOWN_CALENDAR_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Clock:
    """One deadline of a loop: the field holding it, the states in which it runs."""

    kind: str  # "accept", "handle" …
    what: str  # "签收", "办理" …
    field: str
    states: frozenset[str]
    near_hours: float

    def near_threshold(self, now: datetime) -> datetime:
        """The instant before which this deadline counts as near due."""
        try:
            return add_working_hours(now, self.near_hours)
        except CalendarMissing:
            return now + UNKNOWN_CALENDAR_WINDOW

    def overdue_q(self, now: datetime) -> Q:
        return Q(state__in=self.states, **{f"{self.field}__lte": now})

    def near_q(self, now: datetime, *, threshold: datetime | None = None) -> Q:
        limit = threshold or self.near_threshold(now)
        return Q(state__in=self.states, **{f"{self.field}__gt": now, f"{self.field}__lte": limit})

    def late_q(self, now: datetime, *, threshold: datetime | None = None) -> Q:
        limit = threshold or self.near_threshold(now)
        return Q(state__in=self.states, **{f"{self.field}__lte": limit})


@dataclass(frozen=True)
class DeadlineStatus:
    kind: str
    what: str
    due_at: datetime
    remaining_hours: float
    level: str  # "ok", "near", "overdue"

    @property
    def label(self) -> str:
        return f"{self.what}{format_remaining(self.remaining_hours)}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


class Clocks:
    """The clocks of one loop; at most one runs for an item at a time."""

    def __init__(self, clocks: Iterable[Clock]) -> None:
        self.clocks = tuple(clocks)

    def running(self, item: Any) -> tuple[Clock, datetime] | None:
        for clock in self.clocks:
            due = getattr(item, clock.field)
            if item.state in clock.states and due is not None:
                return clock, due
        return None

    def status(self, item: Any, now: datetime) -> DeadlineStatus | None:
        """How the running deadline stands at `now`; raises CalendarMissing past the calendar."""
        found = self.running(item)
        if found is None:
            return None
        clock, due = found
        remaining = working_hours_between(now, due)
        level = OVERDUE if due <= now else (NEAR if remaining <= clock.near_hours else "ok")
        return DeadlineStatus(clock.kind, clock.what, due, remaining, level)

    def shown(self, item: Any, now: datetime) -> DeadlineStatus | None:
        """The countdown to show, or none when the deadline lies in a year whose calendar is not
        configured yet: a page or an API answer must not fail over a label."""
        try:
            return self.status(item, now)
        except CalendarMissing:
            return None

    def thresholds(self, now: datetime) -> dict[str, datetime]:
        return {clock.kind: clock.near_threshold(now) for clock in self.clocks}

    def _any(self, parts: Iterator[Q]) -> Q:
        return reduce(operator.or_, parts)

    def overdue_q(self, now: datetime) -> Q:
        return self._any(clock.overdue_q(now) for clock in self.clocks)

    def near_q(self, now: datetime) -> Q:
        return self._any(clock.near_q(now) for clock in self.clocks)

    def late_q(self, now: datetime) -> Q:
        """Near due or overdue: a loop's 临期/超期 queue."""
        return self._any(clock.late_q(now) for clock in self.clocks)

    def ladder(self, now: datetime) -> list[tuple[Clock, str, Q]]:
        """Every rung of every clock with the items on it at `now`, overdue before near: what a
        sweep notifies, each (item, rung, deadline) once."""
        rungs: list[tuple[Clock, str, Q]] = []
        for clock in self.clocks:
            threshold = clock.near_threshold(now)
            rungs.append((clock, OVERDUE, clock.overdue_q(now)))
            rungs.append((clock, NEAR, clock.near_q(now, threshold=threshold)))
        return rungs

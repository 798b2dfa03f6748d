"""Working days and hours as plain lists, for sampling times and snapping them into office hours."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timedelta
from datetime import time as dtime

from django.utils import timezone

from bench.reference import ensure_calendar
from worktime.calendar import work_periods
from worktime.models import CalendarDay


class Clock:
    """Working days and hours as plain lists, for sampling times and snapping them into office hours."""

    def __init__(self, now: datetime, days: int) -> None:
        self.tz = timezone.get_default_timezone()
        self.now = now
        local_now = now.astimezone(self.tz)
        first = local_now.date() - timedelta(days=days)
        horizon = local_now.date() + timedelta(days=120)
        ensure_calendar(first, horizon)
        self.workdays = list(
            CalendarDay.objects.filter(
                date__gte=first - timedelta(days=30), date__lte=horizon, is_workday=True
            )
            .order_by("date")
            .values_list("date", flat=True)
        )
        self.workset = set(self.workdays)
        self.periods = [(p.start, p.end) for p in work_periods()]
        self.minutes = [(p[0].hour * 60 + p[0].minute, p[1].hour * 60 + p[1].minute) for p in self.periods]
        self.day_minutes = sum(b - a for a, b in self.minutes)
        # The window: working days from `first` up to today (today only up to now).
        self.first_idx = bisect_right(self.workdays, first - timedelta(days=1))
        self.today_idx = bisect_right(self.workdays, local_now.date()) - 1
        self.now_minute = self._work_minute_of(local_now)

    def _work_minute_of(self, local: datetime) -> int:
        """Working minutes of local's day that have passed at local."""
        m = local.hour * 60 + local.minute
        return sum(max(0, min(m, b) - a) for a, b in self.minutes)

    def at(self, idx: int, work_minute: float) -> datetime:
        """The moment `work_minute` working minutes into the idx-th working day."""
        day = self.workdays[idx]
        for a, b in self.minutes:
            if work_minute < b - a:
                m = a + work_minute
                break
            work_minute -= b - a
        else:
            m = self.minutes[-1][1] - 1
        return datetime.combine(day, dtime.min, tzinfo=self.tz) + timedelta(seconds=int(m * 60))

    def latest_idx(self) -> int:
        """The last working day with working time before now."""
        if self.workdays[self.today_idx] == self.now.astimezone(self.tz).date() and self.now_minute < 5:
            return self.today_idx - 1
        return self.today_idx

    def sample(self, rng: random.Random, idx: int) -> datetime:
        """A random moment of working day idx (before now if idx is today)."""
        limit = self.day_minutes
        if self.workdays[idx] == self.now.astimezone(self.tz).date():
            limit = max(1, self.now_minute - 1)
        return self.at(idx, rng.random() * limit)

    def snap(self, rng: random.Random, t: datetime) -> datetime:
        """t if it is in working time, else a little after the start of the next working period."""
        local = t.astimezone(self.tz)
        day = local.date()
        if day in self.workset:
            clock = local.time()
            for start, end in self.periods:
                if clock < start:
                    return datetime.combine(day, start, tzinfo=self.tz) + timedelta(
                        seconds=rng.randint(30, 2400)
                    )
                if clock < end:
                    return t
        idx = bisect_right(self.workdays, day)
        return datetime.combine(self.workdays[idx], self.periods[0][0], tzinfo=self.tz) + timedelta(
            seconds=rng.randint(30, 2400)
        )

    def after(self, rng: random.Random, t: datetime, lo: float, hi: float) -> datetime:
        """A moment lo..hi seconds after t, moved into working time."""
        return self.snap(rng, t + timedelta(seconds=rng.uniform(lo, hi)))

    def after_workdays(self, rng: random.Random, t: datetime, days: float) -> datetime:
        """Roughly `days` working days after t, at a random working moment."""
        whole = int(days)
        if whole == 0:
            return self.after(rng, t, 600, max(900, days * self.day_minutes * 60))
        idx = bisect_right(self.workdays, t.astimezone(self.tz).date()) - 1 + whole
        return self.at(min(idx, len(self.workdays) - 1), rng.random() * self.day_minutes)

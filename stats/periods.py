"""Statistical periods: a month, a quarter, a year or any range of days, and the one before it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mochou.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included (local time)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if not (self.start.year >= FIRST_YEAR and self.end.year <= LAST_YEAR):
            raise InvalidInput(f"统计期应在 {FIRST_YEAR}—{LAST_YEAR} 年之间。", code="invalid_input.period")
        if self.end < self.start:
            raise InvalidInput("结束日期不能早于开始日期。", code="invalid_input.period")
        if (self.end - self.start).days > 3660:
            raise InvalidInput("统计期最长十年。", code="invalid_input.period")

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The exclusive end: midnight after the last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def as_of(self, now: datetime | None = None) -> datetime:
        """Where counting stops: the period's end, or now while the period is running."""
        return min(self.until, now or timezone.now())

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if s.day == 1 and e == _month_end(s):
            return f"{s.year}年{s.month}月"
        if s.day == 1 and s.month in (1, 4, 7, 10) and e == _month_end(add_months(s, 2)):
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if (s.month, s.day) == (1, 1) and (e.month, e.day) == (12, 31) and s.year == e.year:
            return f"{s.year}年"
        return f"{s.isoformat()} 至 {e.isoformat()}"

    def previous(self) -> Period:
        """The period before: the previous month, quarter or year for those; else as many days."""
        s, e = self.start, self.end
        if s.day == 1 and e == _month_end(s):
            p = add_months(s, -1)
            return Period(p, _month_end(p))
        months = (e.year - s.year) * 12 + e.month - s.month + 1
        if s.day == 1 and e == _month_end(e) and months in (3, 12):
            p = add_months(s, -months)
            return Period(p, _month_end(add_months(p, months - 1)))
        days = (e - s).days + 1
        return Period(s - timedelta(days=days), s - timedelta(days=1))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept within the month: 31 Jan + 1 → 28/29 Feb.
    The project's one month arithmetic (investment's stall clocks use it too)."""
    index = day.year * 12 + day.month - 1 + months
    year, month_ = index // 12, index % 12 + 1
    return date(year, month_, min(day.day, calendar.monthrange(year, month_)[1]))


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def month(year: int, month_: int) -> Period:
    first = date(year, month_, 1)
    return Period(first, _month_end(first))


def quarter(year: int, q: int) -> Period:
    first = date(year, 3 * (q - 1) + 1, 1)
    return Period(first, _month_end(add_months(first, 2)))


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31))


def parse_period(start: str | None, end: str | None, *, preset: str | None = None) -> Period:
    """A period from ISO dates, or a preset (`2026-11`, `2026Q4`, `2026`); default this month."""
    try:
        if preset:
            text = preset.strip().upper()
            if "Q" in text:
                y, q = text.split("Q")
                return quarter(int(y), int(q))
            if "-" in text:
                y, m = text.split("-")
                return month(int(y), int(m))
            return year(int(text))
        if start and end:
            return Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError as exc:
        raise InvalidInput("统计期格式不正确：日期写作 2026-11-01，月份 2026-11，季度 2026Q4。",
                           code="invalid_input.period") from exc  # fmt: skip
    if start or end:
        raise InvalidInput("请同时给出开始和结束日期。", code="invalid_input.period")
    today = timezone.localdate()
    return month(today.year, today.month)

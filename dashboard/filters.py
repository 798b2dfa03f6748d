"""The dashboard's filters (period, category, unit, township), read from the URL, and the case
list behind any number: the same QueueFilterForm the queue pages use, so a count on the
dashboard and the list its link opens are one query."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import User
from cases.forms import QueueFilterForm
from cases.models import Case, CaseQuerySet, Category
from org.models import Unit
from stats.periods import Period, parse_period

BUCKETS = ("day", "week", "month")


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**31 else None


@dataclass(frozen=True)
class Filters:
    period: Period
    category: int | None = None
    unit: int | None = None
    township: int | None = None

    @classmethod
    def from_query(cls, q: QueryDict, user: User) -> Filters:
        """?period=2026-11 | 2026Q4 | 2026, or ?start=…&end=…; category, unit, township ids. A unit's
        staff are held to their own unit (they may not look at another unit's cases)."""
        period = parse_period(q.get("start"), q.get("end"), preset=q.get("period"))
        unit = _id(q.get("unit"))
        if user.is_unit_staff:
            unit = user.unit_id
        return cls(period, _id(q.get("category")), unit, _id(q.get("township")))

    def with_period(self, period: Period) -> Filters:
        return replace(self, period=period)

    def previous(self) -> Filters:
        return self.with_period(self.period.previous())

    # ---------------------------------------------------------------- the URL

    def params(self) -> dict[str, str]:
        p = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        for name in ("category", "unit", "township"):
            value = getattr(self, name)
            if value is not None:
                p[name] = str(value)
        return p

    def query(self, **extra: Any) -> str:
        params: dict[str, Any] = self.params()
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    # ---------------------------------------------------------------- the cases behind a number

    def _form_data(self, *, dated: bool = True, **extra: Any) -> dict[str, str]:
        data = {
            k: str(v)
            for k, v in (("category", self.category), ("unit", self.unit), ("township", self.township))
            if v is not None
        }
        if dated:
            data["date_from"] = self.period.start.isoformat()
            data["date_to"] = self.period.end.isoformat()
        data.update({k: str(v) for k, v in extra.items() if v is not None})
        return data

    def cases(self, user: User, *, dated: bool = True, **extra: Any) -> CaseQuerySet:
        """The cases this user may see that match the filters (registered in the period unless
        `dated=False`); `extra` narrows further with the queue filter's own fields (unit, state)."""
        form = QueueFilterForm(self._form_data(dated=dated, **extra), user=user)
        if not form.is_valid():  # e.g. a unit the user may not filter by: nothing, not everything
            return Case.objects.none()
        return form.apply(Case.objects.visible_to(user), user=user)

    def list_url(self, queue: str = "all", *, dated: bool = True, **extra: Any) -> str:
        """The queue page listing exactly those cases (its filter form takes the same fields)."""
        data = self._form_data(dated=dated, **extra)
        return f"{reverse('cases:queue', args=[queue])}?{urlencode(data)}"

    # ---------------------------------------------------------------- labels

    def labels(self) -> dict[str, str]:
        out = {"period": self.period.label}
        if self.category is not None:
            cat = Category.objects.filter(pk=self.category).first()
            out["category"] = cat.path.replace("/", " › ") if cat else "（未知分类）"
        for name in ("unit", "township"):
            pk = getattr(self, name)
            if pk is not None:
                u = Unit.objects.filter(pk=pk).first()
                out[name] = u.display_name if u else "（未知单位）"
        return out


def bucket_of(q: QueryDict) -> str:
    value = q.get("bucket") or "day"
    return value if value in BUCKETS else "day"

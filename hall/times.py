"""Waiting and handling times at the hall, per matter and per window: median and p90.

Waiting = minutes from 取号 to the first 叫号 (a ticket restored after 过号 keeps its first call);
handling = minutes from 开始办理 to 办理完成. Quantiles by the nearest rank (the value at rank
⌈q·n⌉ of the sorted list): a quantile is always a time someone really waited.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from hall.models import Ticket


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Times:
    key: str
    label: str
    tickets: int
    served: int
    wait_median: float | None
    wait_p90: float | None
    handle_median: float | None
    handle_p90: float | None


def _times(key: str, label: str, rows: list[Ticket]) -> Times:
    waited = [t.waited for t in rows if t.waited is not None]
    handled = [t.handled for t in rows if t.handled is not None]
    return Times(
        key, label, len(rows), len(handled),
        quantile(waited, 0.5), quantile(waited, 0.9), quantile(handled, 0.5), quantile(handled, 0.9),
    )  # fmt: skip


def _grouped(rows: Iterable[Ticket], key: Callable[[Ticket], tuple[str, str] | None]) -> list[Times]:
    groups: dict[tuple[str, str], list[Ticket]] = defaultdict(list)
    for t in rows:
        k = key(t)
        if k is not None:
            groups[k].append(t)
    return [_times(k, label, group) for (k, label), group in sorted(groups.items())]


def tickets_between(start: date, end: date) -> list[Ticket]:
    return list(
        Ticket.objects.filter(day__gte=start, day__lte=end).select_related("matter", "window").order_by("pk")
    )


def by_matter(rows: list[Ticket]) -> list[Times]:
    return _grouped(rows, lambda t: (t.matter.code or str(t.matter_id), t.matter.name))


def by_window(rows: list[Ticket]) -> list[Times]:
    """Per the window that called the ticket (the first call's window is kept on the ticket
    while served; a 过号 ticket has left the window and is counted under none)."""
    return _grouped(rows, lambda t: (t.window.number, t.window.name) if t.window else None)


def overall(rows: list[Ticket]) -> Times:
    return _times("all", "全部", rows)

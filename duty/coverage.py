"""The roster coverage check: the hours in a window that no shift of a unit covers.

Pure interval arithmetic over the shifts' (start, end), so a holiday week, a swap or a deleted
shift is judged by what the roster says now. The sweep warns each gap once (CoverageWarning).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from duty.models import Shift

Interval = tuple[datetime, datetime]


def uncovered(shifts: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of [start, end) that no interval covers, in order."""
    gaps: list[Interval] = []
    cursor = start
    for s, e in sorted(shifts):
        if e <= cursor:
            continue
        if s >= end:
            break
        if s > cursor:
            gaps.append((cursor, s))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def gaps_by_unit(unit_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, list[Interval]]:
    """Every unit's uncovered intervals in [start, end); units with none are left out."""
    ids = list(unit_ids)
    spans: dict[int, list[Interval]] = defaultdict(list)
    rows = Shift.objects.filter(unit_id__in=ids, ends_at__gt=start, starts_at__lt=end)
    for unit_id, s, e in rows.values_list("unit_id", "starts_at", "ends_at"):
        spans[unit_id].append((s, e))
    found = {uid: uncovered(spans.get(uid, []), start, end) for uid in ids}
    return {uid: gaps for uid, gaps in found.items() if gaps}


def hours(gap: Interval) -> float:
    return (gap[1] - gap[0]).total_seconds() / 3600

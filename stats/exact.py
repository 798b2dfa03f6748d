"""The exact path: a period's counters straight from the event log, with no fact table read.

`mochou stats recompute` prints it, and the tests hold the dashboard (stats.counting.count_units on
the fact tables) equal to it. It folds every case that can count in the window: those with an
event since the window's start, and those still open (an open case counts when its deadline
passes, with no event of its own then). A case closed before the window has all its moments
before it: each is the time of an event, or a deadline that the event closing it followed.

`exact_windows` counts several windows on one fold (`recompute --check`: the period and the one
before it, for the change shown): a case's fold does not depend on the window, and the earliest
window's candidates hold every later window's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

from cases.models import Case, CaseEvent
from stats.build import events_by_case, unit_infos
from stats.counting import Key, Window, by_unit, count_rows
from stats.facts import Folded, fold
from stats.periods import Period

BATCH = 2000


def candidate_cases(w: Window) -> list[int]:
    recent = CaseEvent.objects.filter(created_at__gte=w.start).values_list("case_id", flat=True).distinct()
    return sorted(set(recent) | set(Case.objects.open().values_list("pk", flat=True)))


def folded_cases(case_ids: list[int]) -> Iterator[tuple[int, Folded]]:
    units = unit_infos()
    for i in range(0, len(case_ids), BATCH):
        batch = case_ids[i : i + BATCH]
        grouped = events_by_case(batch)
        for case_id in batch:
            folded = fold(grouped.get(case_id, []), units)
            for items in (folded.stints, folded.answers, folded.callbacks):
                for item in items:
                    item.case_id = case_id
            yield case_id, folded


def exact_rows(period: Period, now: datetime | None = None) -> dict[Key, Counter[str]]:
    w = Window(period.since, period.as_of(now))
    rows: dict[Key, Counter[str]] = {}
    for _case_id, f in folded_cases(candidate_cases(w)):
        rows.update(count_rows(f.stints, f.answers, f.callbacks, w))
    return rows


def exact_counts(period: Period, now: datetime | None = None) -> dict[int | None, Counter[str]]:
    """Counters per assessed unit (None = the centre), folded from the log now."""
    return by_unit(exact_rows(period, now))


def exact_windows(windows: Sequence[Window]) -> list[dict[int | None, Counter[str]]]:
    """`exact_counts` of each window, folding each case once (the candidates of the earliest start)."""
    if not windows:
        return []
    earliest = min(windows, key=lambda w: w.start)
    rows: list[dict[Key, Counter[str]]] = [{} for _ in windows]
    for _case_id, f in folded_cases(candidate_cases(earliest)):
        for w, into in zip(windows, rows, strict=True):
            into.update(count_rows(f.stints, f.answers, f.callbacks, w))
    return [by_unit(r) for r in rows]

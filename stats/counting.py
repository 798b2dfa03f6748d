"""The counters behind the rates, counted two ways that must agree.

- `count_rows`: row by row over fact records (the fold's or the tables'), per case and unit —
  the ledger's columns and the exact recomputation;
- `count_facts`: the same predicates as SQL over the fact tables, grouped by assessed unit (a few
  indexed range scans; stats/tests/test_counting.py holds them equal). The dashboard reads
  stats.daily.count_units, which sums the daily counters for whole days and asks this for the rest.

A window is [start, as_of): the period's start, and its end or now, whichever is earlier.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Count, Q, QuerySet

from stats.facts import SATISFIED
from stats.models import AnswerFact, CallbackFact, StintFact

# Every counter, in the ledger's column order, with its Chinese header.
COUNTERS: dict[str, str] = {
    "dispatched": "派单数",
    "returned": "退单数",
    "accept_due": "应签收",
    "accepted_on_time": "按时签收",
    "handle_due": "应办结",
    "handled_on_time": "按时办结",
    "handled": "已办结",
    "response_due": "应响应",
    "responded": "按时响应",
    "answered": "答复数",
    "reopened": "重办数",
    "callback_due": "应回访",
    "called_back": "已回访",
    "rated": "回访接通",
    "resolved": "已解决",
    "satisfied": "满意",
    "unreachable": "未接通",
    "answered_at_intake": "直接办结",
    "disposed": "中心处置",
}


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def before_end(self, moment: datetime | None) -> bool:
        return moment is not None and moment < self.end


class StintLike(Protocol):
    start: str
    first_dispatch: bool
    started_at: datetime
    returned_at: datetime | None
    answered_at: datetime | None
    accept_anchor: datetime | None
    accept_on_time: bool | None
    handle_anchor: datetime | None
    handle_on_time: bool | None
    responded: bool | None


class AnswerLike(Protocol):
    intake: bool
    at: datetime
    called_back_at: datetime | None
    reopened_at: datetime | None


class CallbackLike(Protocol):
    at: datetime
    next_at: datetime | None
    reached: bool
    resolved: bool | None
    satisfaction: str


def stint_counts(s: StintLike, w: Window) -> Counter[str]:
    c: Counter[str] = Counter()
    if s.start != "reopen" and w.holds(s.started_at):
        c["dispatched"] += 1
        c["returned"] += w.before_end(s.returned_at)
        c["disposed"] += s.first_dispatch
    if w.holds(s.accept_anchor):
        c["accept_due"] += 1
        c["accepted_on_time"] += bool(s.accept_on_time)
    if w.holds(s.handle_anchor):
        c["handle_due"] += 1
        c["handled_on_time"] += bool(s.handle_on_time)
        c["handled"] += w.before_end(s.answered_at)
        if s.start != "reopen":
            c["response_due"] += 1
            c["responded"] += bool(s.responded)
    return c


def answer_counts(a: AnswerLike, w: Window) -> Counter[str]:
    c: Counter[str] = Counter()
    if w.holds(a.at):
        c["callback_due"] += 1
        c["called_back"] += w.before_end(a.called_back_at)
        if a.intake:
            c["answered_at_intake"] += 1
            c["disposed"] += 1
        else:
            c["answered"] += 1
            c["reopened"] += w.before_end(a.reopened_at)
    return c


def final_in(cb: CallbackLike, w: Window) -> bool:
    """The callback counts: made in the window, and not followed by another within it."""
    return w.holds(cb.at) and not w.before_end(cb.next_at)


def callback_counts(cb: CallbackLike, w: Window) -> Counter[str]:
    c: Counter[str] = Counter()
    if final_in(cb, w):
        if cb.reached:
            c["rated"] += 1
            c["resolved"] += bool(cb.resolved)
            c["satisfied"] += cb.satisfaction in SATISFIED
        else:
            c["unreachable"] += 1
    return c


Key = tuple[int, int | None]  # (case id, assessed unit id; None = the centre)


def count_rows(
    stints: Iterable[Any], answers: Iterable[Any], callbacks: Iterable[Any], w: Window
) -> dict[Key, Counter[str]]:
    """Counters per (case, assessed unit): each record brings its `case_id` and `assessed_unit_id`."""
    rows: dict[Key, Counter[str]] = defaultdict(Counter)
    for items, fn in ((stints, stint_counts), (answers, answer_counts), (callbacks, callback_counts)):
        for item in items:
            counts = fn(item, w)
            if counts:
                rows[(item.case_id, item.assessed_unit_id)].update(counts)
    return rows


def by_unit(rows: dict[Key, Counter[str]]) -> dict[int | None, Counter[str]]:
    totals: dict[int | None, Counter[str]] = defaultdict(Counter)
    for (_case, unit), counts in rows.items():
        totals[unit].update(counts)
    return {u: +c for u, c in totals.items() if +c}


# ---------------------------------------------------------------- the same, as SQL


def _held(field: str, w: Window) -> Q:
    return Q(**{f"{field}__gte": w.start, f"{field}__lt": w.end})


def _before_end(field: str, w: Window) -> Q:
    return Q(**{f"{field}__lt": w.end})


def _grouped(qs: QuerySet[Any], counters: dict[str, Q]) -> dict[int | None, Counter[str]]:
    rows = qs.values("assessed_unit_id").annotate(**{k: Count("pk", filter=q) for k, q in counters.items()})
    out: dict[int | None, Counter[str]] = {}
    for row in rows:
        unit = row.pop("assessed_unit_id")
        out[unit] = Counter({k: v for k, v in row.items() if v})
    return out


def count_facts(w: Window, *, case_ids: QuerySet[Any] | None = None) -> dict[int | None, Counter[str]]:
    """Counters per assessed unit from the fact tables (`case_ids`: a subquery narrowing the cases)."""
    not_reopen = ~Q(start=StintFact.Start.REOPEN)
    dispatch = not_reopen & _held("started_at", w)
    accept = _held("accept_anchor", w)
    handle = _held("handle_anchor", w)
    stints = StintFact.objects.filter(dispatch | accept | handle)
    answers = AnswerFact.objects.filter(_held("at", w))
    final = _held("at", w) & (Q(next_at__isnull=True) | Q(next_at__gte=w.end))
    callbacks = CallbackFact.objects.filter(final)
    if case_ids is not None:
        stints = stints.filter(case_id__in=case_ids)
        answers = answers.filter(case_id__in=case_ids)
        callbacks = callbacks.filter(case_id__in=case_ids)
    parts = [
        _grouped(stints, {
            "dispatched": dispatch,
            "returned": dispatch & _before_end("returned_at", w),
            "disposed": dispatch & Q(first_dispatch=True),
            "accept_due": accept,
            "accepted_on_time": accept & Q(accept_on_time=True),
            "handle_due": handle,
            "handled_on_time": handle & Q(handle_on_time=True),
            "handled": handle & _before_end("answered_at", w),
            "response_due": handle & not_reopen,
            "responded": handle & not_reopen & Q(responded=True),
        }),
        _grouped(answers, {
            "callback_due": Q(pk__isnull=False),
            "called_back": _before_end("called_back_at", w),
            "answered_at_intake": Q(intake=True),
            "disposed": Q(intake=True),
            "answered": Q(intake=False),
            "reopened": Q(intake=False) & _before_end("reopened_at", w),
        }),
        _grouped(callbacks, {
            "rated": Q(reached=True),
            "resolved": Q(reached=True, resolved=True),
            "satisfied": Q(reached=True, satisfaction__in=sorted(SATISFIED)),
            "unreachable": Q(reached=False),
        }),
    ]  # fmt: skip
    totals: dict[int | None, Counter[str]] = defaultdict(Counter)
    for part in parts:
        for unit, counts in part.items():
            totals[unit].update(counts)
    return {u: +c for u, c in totals.items() if +c}

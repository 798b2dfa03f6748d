"""The daily counters (stats.models.DayCount): a window of whole days read as a sum per unit.

The fact tables give a window's counters by grouped scans of every row anchored in it (a year at
1,000,000 cases is millions of rows). Here each fact row's counters are summed per assessed unit
and local day as the rows are written, so a window is a sum over units x days instead:

    count_units(w)       the dashboard's counters for a window (what stats.queries reads)
    apply(old, new)      the change of some cases' fact rows, added to the cells (stats.build)
    retally()            every cell again from the fact tables (after a bulk load; the sweep
                         does it when the counters were never built, e.g. after the upgrade)

A window [S, E) is read in up to three parts (S at a local midnight; E anywhere):
  - the whole days [S, T), T the midnight before E: the cells with S <= day < T and known < T;
  - rows anchored in [S, T) whose outcome came in [T, E) (today so far), from the fact tables;
  - rows anchored in [T, E), from the fact tables as stats.counting counts them.
Every contribution mirrors stats.counting's predicates one for one; stats/tests/test_daily.py holds
count_units equal to stats.counting.count_facts (and so to the exact fold) on many windows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from stats.counting import COUNTERS, AnswerLike, CallbackLike, StintLike, Window, _grouped, _held, count_facts
from stats.facts import SATISFIED
from stats.models import AnswerFact, BuildMark, CallbackFact, DayCount, StintFact

MARK = "tally"  # BuildMark: present when the cells hold every fact row's counters
CENTRE = 0  # the cells' unit for the centre (a fact row's assessed unit None)

Cell = tuple[int, date, date]  # (unit, day, known)
Cells = dict[Cell, Counter[str]]


def _day(moment: datetime) -> date:
    # The city's days (settings.TIME_ZONE), whichever time zone a request has activated.
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _known(day: date, moment: datetime) -> date:
    # An outcome before its anchor counts whenever the anchor does.
    return max(day, _day(moment))


def stint_cells(s: StintLike) -> Iterator[tuple[date, date, str]]:
    """(day, known, counter) of one spell: stats.counting.stint_counts by day."""
    if s.start != StintFact.Start.REOPEN:
        d = _day(s.started_at)
        yield d, d, "dispatched"
        if s.returned_at is not None:
            yield d, _known(d, s.returned_at), "returned"
        if s.first_dispatch:
            yield d, d, "disposed"
    if s.accept_anchor is not None:
        d = _day(s.accept_anchor)
        yield d, d, "accept_due"
        if s.accept_on_time:
            yield d, d, "accepted_on_time"
    if s.handle_anchor is not None:
        d = _day(s.handle_anchor)
        yield d, d, "handle_due"
        if s.handle_on_time:
            yield d, d, "handled_on_time"
        if s.answered_at is not None:
            yield d, _known(d, s.answered_at), "handled"
        if s.start != StintFact.Start.REOPEN:
            yield d, d, "response_due"
            if s.responded:
                yield d, d, "responded"


def answer_cells(a: AnswerLike) -> Iterator[tuple[date, date, str]]:
    """stats.counting.answer_counts by day."""
    d = _day(a.at)
    yield d, d, "callback_due"
    if a.called_back_at is not None:
        yield d, _known(d, a.called_back_at), "called_back"
    if a.intake:
        yield d, d, "answered_at_intake"
        yield d, d, "disposed"
    else:
        yield d, d, "answered"
        if a.reopened_at is not None:
            yield d, _known(d, a.reopened_at), "reopened"


def _callback_outcome(cb: CallbackLike) -> list[str]:
    if not cb.reached:
        return ["unreachable"]
    return (
        ["rated"]
        + (["resolved"] if cb.resolved else [])
        + (["satisfied"] if cb.satisfaction in SATISFIED else [])
    )


def callback_cells(cb: CallbackLike) -> Iterator[tuple[date, date, str, int]]:
    """stats.counting.callback_counts by day: counted from its day, no longer once replaced."""
    d = _day(cb.at)
    for counter in _callback_outcome(cb):
        yield d, d, counter, 1
        if cb.next_at is not None:
            yield d, _known(d, cb.next_at), counter, -1


def add_rows(cells: Cells, stints: Iterable[Any], answers: Iterable[Any], callbacks: Iterable[Any],
             *, sign: int = 1) -> None:  # fmt: skip
    """Add (sign 1) or take away (-1) these fact rows' counters; each row brings `assessed_unit_id`."""
    for s in stints:
        unit = s.assessed_unit_id or CENTRE
        for d, k, counter in stint_cells(s):
            cells.setdefault((unit, d, k), Counter())[counter] += sign
    for a in answers:
        unit = a.assessed_unit_id or CENTRE
        for d, k, counter in answer_cells(a):
            cells.setdefault((unit, d, k), Counter())[counter] += sign
    for cb in callbacks:
        unit = cb.assessed_unit_id or CENTRE
        for d, k, counter, n in callback_cells(cb):
            cells.setdefault((unit, d, k), Counter())[counter] += sign * n


def cells_of(stints: list[dict[str, Any]], answers: list[dict[str, Any]],
             callbacks: list[dict[str, Any]]) -> Cells:  # fmt: skip
    """The cells of fact rows given as column dicts (stats.build's, before they are inserted)."""
    cells: Cells = {}
    add_rows(cells, *([SimpleNamespace(**r) for r in rows] for rows in (stints, answers, callbacks)))
    return cells


# ---------------------------------------------------------------- keeping the cells


STINT_FIELDS = (
    "assessed_unit_id", "start", "first_dispatch", "started_at", "returned_at", "answered_at",
    "accept_anchor", "accept_on_time", "handle_anchor", "handle_on_time", "responded",
)  # fmt: skip
ANSWER_FIELDS = ("assessed_unit_id", "intake", "at", "called_back_at", "reopened_at")
CALLBACK_FIELDS = ("assessed_unit_id", "at", "next_at", "reached", "resolved", "satisfaction")


def fact_rows(case_ids: list[int] | None = None) -> tuple[Iterable[Any], Iterable[Any], Iterable[Any]]:
    """The fact rows (of these cases, or all) with the fields the cells need, as named tuples."""
    out = []
    for model, fields in (
        (StintFact, STINT_FIELDS),
        (AnswerFact, ANSWER_FIELDS),
        (CallbackFact, CALLBACK_FIELDS),
    ):
        qs: QuerySet[Any] = model.objects.all()
        if case_ids is not None:
            qs = qs.filter(case_id__in=case_ids)
        out.append(qs.values_list(*fields, named=True).iterator(chunk_size=5000))
    return out[0], out[1], out[2]


def ready() -> bool:
    """The cells hold every fact row's counters (else readers count on the fact tables)."""
    return BuildMark.objects.filter(name=MARK).exists()


def _columns() -> list[str]:
    return list(COUNTERS)


def upsert(cells: Cells) -> None:
    """Add the cells' numbers to the table (one INSERT … ON CONFLICT DO UPDATE per chunk; SQLite
    and PostgreSQL both have it). The caller holds stats.build's lock: two builders would add
    the same change twice."""
    rows = [(key, counts) for key, counts in cells.items() if any(counts.values())]
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(DayCount._meta.db_table)
    names = _columns()
    columns = ", ".join(qn(c) for c in ["unit", "day", "known", *names])
    sets = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in names)
    placeholders = "(" + ", ".join(["%s"] * (3 + len(names))) + ")"
    per = 30000 // (3 + len(names))
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per):
            chunk = rows[i : i + per]
            params: list[Any] = []
            for (unit, day, known), counts in chunk:
                params += [unit, adapt(day), adapt(known), *(counts.get(c, 0) for c in names)]
            # Quoted identifiers of our own model and placeholders only: no value is in the text.
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT (unit, day, known) DO UPDATE SET {sets}"
            )
            cursor.execute(sql, params)


def apply(case_ids: list[int], new: Cells) -> None:
    """Replace these cases' counters: their fact rows as they are now go out, `new` comes in.
    Called by stats.build before it replaces the rows, in the same transaction."""
    cells: Cells = defaultdict(Counter)
    add_rows(cells, *fact_rows(case_ids), sign=-1)
    for key, counts in new.items():
        cells[key].update(counts)
    upsert(cells)


def retally() -> int:
    """Every cell again from the fact tables; returns how many cells. The caller holds the lock."""
    DayCount.objects.all()._raw_delete(connection.alias)
    cells: Cells = {}
    add_rows(cells, *fact_rows())
    upsert(cells)
    BuildMark.objects.update_or_create(name=MARK, defaults={"built_at": timezone.now()})
    return len(cells)


# ---------------------------------------------------------------- reading a window


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _whole_days(start: date, end: date) -> dict[int | None, Counter[str]]:
    names = _columns()
    rows = (
        DayCount.objects.filter(day__gte=start, day__lt=end, known__lt=end)
        .values("unit").annotate(**{f"n_{c}": Sum(c) for c in names}).order_by()
    )  # fmt: skip
    out: dict[int | None, Counter[str]] = {}
    for row in rows:
        unit = row["unit"] or None
        out[unit] = Counter({c: row[f"n_{c}"] for c in names if row[f"n_{c}"]})
    return out


def _today_outcomes(s: datetime, t: datetime, e: datetime) -> tuple[Counter[Any], Counter[Any]]:
    """Rows anchored in [s, t) whose outcome came in [t, e): (what they add, what they take away)."""
    added: Counter[Any] = Counter()
    removed: Counter[Any] = Counter()
    before, today = Window(s, t), Window(t, e)
    not_reopen = ~Q(start=StintFact.Start.REOPEN)
    returned = not_reopen & _held("started_at", before) & _held("returned_at", today)
    handled = _held("handle_anchor", before) & _held("answered_at", today)
    stints = StintFact.objects.filter(returned | handled)
    called = _held("at", before) & _held("called_back_at", today)
    reopened = Q(intake=False) & _held("at", before) & _held("reopened_at", today)
    answers = AnswerFact.objects.filter(called | reopened)
    callbacks = CallbackFact.objects.filter(_held("at", before) & _held("next_at", today))
    parts = [
        (_grouped(stints, {"returned": returned, "handled": handled}), added),
        (_grouped(answers, {"called_back": called, "reopened": reopened}), added),
        (_grouped(callbacks, {
            "rated": Q(reached=True),
            "resolved": Q(reached=True, resolved=True),
            "satisfied": Q(reached=True, satisfaction__in=sorted(SATISFIED)),
            "unreachable": Q(reached=False),
        }), removed),
    ]  # fmt: skip
    for rows, into in parts:
        for unit, counts in rows.items():
            for counter, n in counts.items():
                into[(unit, counter)] += n
    return added, removed


def count_units(w: Window) -> dict[int | None, Counter[str]]:
    """Counters per assessed unit (None: the centre) for the window, equal to
    stats.counting.count_facts: from the cells for its whole days when they are built."""
    city = timezone.get_default_timezone()
    start = timezone.localtime(w.start, city)
    t = _midnight(_day(w.end))
    if start.time() != time.min or t <= w.start or not ready():
        return count_facts(w)
    totals: dict[int | None, Counter[str]] = defaultdict(Counter)
    for unit, counts in _whole_days(start.date(), t.date()).items():
        totals[unit].update(counts)
    if w.end > t:
        added, removed = _today_outcomes(w.start, t, w.end)
        for (unit, counter), n in added.items():
            totals[unit][counter] += n
        for (unit, counter), n in removed.items():
            totals[unit][counter] -= n
        for unit, counts in count_facts(Window(t, w.end)).items():
            totals[unit].update(counts)
    return {u: +c for u, c in totals.items() if +c}

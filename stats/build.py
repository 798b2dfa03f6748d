"""Keeping the fact tables in step with the event log: rebuild a case's rows whole, idempotently.

- `rebuild_cases(ids)`: fold each case's events (stats.facts) and replace its rows;
- `refresh()`: the cases with events the tables have not read yet (by CaseEvent id), before a page
  or an API answer reads the tables, so that they show what the log says now;
- `rebuild_day(day)`: every case with an event that day — the sweep runs it for today and
  yesterday, catching an event whose transaction committed after a later one was read;
- `rebuild_all()`: everything (after a bulk load such as bench.generate).

The daily counters (stats.daily) change with the rows, in the same transaction and under the
same lock; rebuild_all and a sweep that finds them never built count them again whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case, CaseEvent
from org.models import Unit, UnitKind
from stats import daily
from stats.facts import Event, Folded, UnitInfo, fold
from stats.models import AnswerFact, BuildMark, CallbackFact, Level, StintFact

BATCH = 2000
MARK = "facts"


def unit_infos() -> dict[str, UnitInfo]:
    """Every unit by code, with the unit it is assessed as and its group (one query)."""
    rows = list(Unit.objects.values_list("pk", "code", "kind", "parent_id"))
    by_id = {pk: (kind, parent) for pk, _, kind, parent in rows}
    infos: dict[str, UnitInfo] = {}
    for pk, code, kind, _parent in rows:
        assessed, level = pk, Level.DEPARTMENT
        if kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE):
            level = Level.TOWNSHIP
            node: int | None = pk
            while node is not None and by_id[node][0] == UnitKind.VILLAGE:
                node = by_id[node][1]
            assessed = node if node is not None and by_id[node][0] == UnitKind.TOWNSHIP else pk
        elif kind not in (UnitKind.DEPARTMENT,):
            infos[code] = UnitInfo(id=pk, assessed_id=None, level=Level.CENTRE)
            continue
        infos[code] = UnitInfo(id=pk, assessed_id=assessed, level=level)
    return infos


def events_by_case(case_ids: Sequence[int], *, before: datetime | None = None) -> dict[int, list[Event]]:
    rows = CaseEvent.objects.filter(case_id__in=case_ids)
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    grouped: dict[int, list[Event]] = defaultdict(list)
    for case_id, seq, action, at, payload in rows.order_by("case_id", "seq").values_list(
        "case_id", "seq", "action", "created_at", "payload"
    ):
        grouped[case_id].append(Event(seq=seq, action=action, at=at, payload=payload or {}))
    return grouped


def _rows(
    case_id: int, folded: Folded
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The fact rows of one case, by column attribute name."""
    stints = [
        {"case_id": case_id, "seq": s.seq, "unit_id": s.unit.id,
         "assessed_unit_id": s.unit.assessed_id or s.unit.id, "level": s.unit.level, "start": s.start,
         "first_dispatch": s.first_dispatch, "started_at": s.started_at,
         "accept_due_at": s.accept_due_at, "accepted_at": s.accepted_at, "returned_at": s.returned_at,
         "ruling": s.ruling, "handle_due_at": s.handle_due_at, "contacted_at": s.contacted_at,
         "answered_at": s.answered_at, "accept_anchor": s.accept_anchor, "accept_on_time": s.accept_on_time,
         "handle_anchor": s.handle_anchor, "handle_on_time": s.handle_on_time, "responded": s.responded}
        for s in folded.stints
    ]  # fmt: skip
    answers = [
        {"case_id": case_id, "seq": a.seq, "unit_id": a.unit.id if a.unit else None,
         "assessed_unit_id": a.unit.assessed_id if a.unit else None,
         "level": a.unit.level if a.unit else Level.CENTRE, "intake": a.intake, "at": a.at,
         "called_back_at": a.called_back_at, "reopened_at": a.reopened_at}
        for a in folded.answers
    ]  # fmt: skip
    callbacks = [
        {"case_id": case_id, "seq": c.seq, "unit_id": c.unit.id if c.unit else None,
         "assessed_unit_id": c.unit.assessed_id if c.unit else None,
         "level": c.unit.level if c.unit else Level.CENTRE, "at": c.at, "next_at": c.next_at,
         "reached": c.reached, "resolved": c.resolved, "satisfaction": c.satisfaction}
        for c in folded.callbacks
    ]  # fmt: skip
    return stints, answers, callbacks


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """A plain multi-row INSERT: the ORM's bulk_create spent most of a rebuild preparing values
    one field at a time. Datetimes are adapted as the backend stores them; the rest is plain."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite allows 32766 parameters per statement (since 3.32); PostgreSQL 65535.
    per = max(1, 30000 // len(fields))
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per):
            chunk = rows[i : i + per]
            params: list[Any] = []
            for row in chunk:
                params.extend(adapt(v) if isinstance(v, datetime) else v for v in (row[n] for n in names))
            # Only quoted identifiers of our own model and placeholders: no value is in the text.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))}"  # noqa: S608
            cursor.execute(sql, params)


def rebuild_cases(
    case_ids: Iterable[int], units: dict[str, UnitInfo] | None = None, *, tally: bool = True
) -> int:
    """Replace the fact rows of these cases by a fresh fold of their events; returns how many.
    The daily counters follow (unless `tally` is off: rebuild_all counts them again at the end)."""
    units = units if units is not None else unit_infos()
    done = 0
    with _one_builder():
        tally = tally and daily.ready()
        for batch in _batches(sorted(set(case_ids)), BATCH):
            grouped = events_by_case(batch)
            stints: list[dict[str, Any]] = []
            answers: list[dict[str, Any]] = []
            callbacks: list[dict[str, Any]] = []
            for case_id in batch:
                s, a, c = _rows(case_id, fold(grouped.get(case_id, []), units))
                stints += s
                answers += a
                callbacks += c
            if tally:
                # Before the old rows go: it takes their counters away and adds these.
                daily.apply(batch, daily.cells_of(stints, answers, callbacks))
            for model in (StintFact, AnswerFact, CallbackFact):
                model.objects.filter(case_id__in=batch)._raw_delete(connection.alias)
            _insert(StintFact, stints)
            _insert(AnswerFact, answers)
            _insert(CallbackFact, callbacks)
            done += len(batch)
    return done


@contextmanager
def _one_builder() -> Iterator[BuildMark]:
    """One rebuild at a time: two at once would both delete a case's rows and both insert them
    again (a unique violation on PostgreSQL), and both add the same change to the daily
    counters. The mark's row lock queues the second one (re-entered, it is a savepoint)."""
    BuildMark.objects.get_or_create(name=MARK)
    with transaction.atomic():
        yield BuildMark.objects.select_for_update().get(name=MARK)


def _last_read() -> int:
    return BuildMark.objects.filter(name=MARK).values_list("last_event_id", flat=True).first() or 0


def refresh() -> int:
    """Fold the cases with events newer than the tables have read; returns how many cases."""
    if not CaseEvent.objects.filter(pk__gt=_last_read()).exists():
        return 0  # the common case, without taking the lock
    with _one_builder() as mark:
        newest = CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        if newest <= mark.last_event_id:
            return 0  # another refresh did it while this one waited
        ids = CaseEvent.objects.filter(pk__gt=mark.last_event_id, pk__lte=newest)
        count = rebuild_cases(set(ids.values_list("case_id", flat=True)))
        mark.last_event_id, mark.built_at = newest, timezone.now()
        mark.save(update_fields=["last_event_id", "built_at"])
    return count


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def rebuild_day(day: date) -> int:
    """Fold again every case with an event on `day` (local time)."""
    start, end = _day_bounds(day)
    ids = CaseEvent.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "case_id", flat=True
    )
    return rebuild_cases(set(ids))


def rebuild_all() -> int:
    units = unit_infos()
    count = 0
    last = 0
    with _one_builder() as mark:
        newest = CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        while True:
            ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:20_000])
            if not ids:
                break
            count += rebuild_cases(ids, units, tally=False)
            last = ids[-1]
        daily.retally()
        mark.last_event_id, mark.built_at = newest, timezone.now()
        mark.save(update_fields=["last_event_id", "built_at"])
    return count


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def sweep(today: date | None = None) -> int:
    """The periodic task's work: refresh, then fold again the cases of today and yesterday, so an
    event whose transaction committed after a later event was read is never missed for long."""
    today = today or timezone.localdate()
    count = refresh() + rebuild_day(today) + rebuild_day(today - timedelta(days=1))
    if not daily.ready():
        retally()
    return count


def retally() -> int:
    """The daily counters again from the fact tables (`mochou stats rebuild --tally`); returns
    how many cells. Until this has run once, readers count on the fact tables."""
    refresh()
    with _one_builder():
        return daily.retally()

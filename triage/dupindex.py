"""The process's duplicate index over open cases of the last 30 days, kept fresh from the database.

Who holds one: the huey worker (triage runs there, after each registration commits) and the web
process, for the warning while an agent is still typing a request (possible_duplicates).

- Built once per process. The worker's triage waits for that first build (a suggestion must not
  miss duplicates because the worker just started); the web's warning does not: it starts the
  build in a background thread and answers with nothing meanwhile (the same caller's open cases
  are still shown, cases.intake_duplicates), so no request ever waits seconds for it.
- Every REBUILD_SECONDS a background thread builds a fresh index (dropping cases closed or merged
  since) and swaps it in; queries go on against the old one meanwhile.
- Each query first adds the cases registered since (a short indexed read, outside any lock, then
  the few rows added under the index's write lock). Queries share a read lock: they run side by
  side and wait only for those few milliseconds of writing, never for the database or for each
  other. Ids are not committed in order, so the catch-up reads back CATCH_UP_SLACK ids behind the
  newest indexed one and adds whichever are missing.

Candidates are checked against the database before they are proposed, so a stale index can only
miss, never mislead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.models import Case
from cases.workflow import OPEN_STATES

log = logging.getLogger(__name__)

WINDOW_DAYS = 30
REBUILD_SECONDS = 300
# How far behind the newest indexed id the catch-up reads again (cases committed out of id order).
CATCH_UP_SLACK = 200


class ReadWriteLock:
    """Many readers at once, or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass
class Live:
    """One built index, its lock and the newest case id it holds."""

    index: Any
    last_id: int
    built: float
    lock: ReadWriteLock = field(default_factory=ReadWriteLock)


_lock = threading.Lock()  # guards _state (the swap, the build flags); never held over a query
_build_lock = threading.Lock()  # one first build at a time
_state: dict[str, Any] = {"live": None, "building": False}


# (case id, text, place, phone, created_at, title): a row of triage.duplicates.build_index
Row = tuple[int, str, str, str, datetime, str]


def _row(case: Mapping[str, Any]) -> Row:
    place = " ".join(filter(None, [case["township__name"], case["address"]]))
    return (
        case["pk"],
        f"{case['title']} {case['content']}",
        place,
        case["citizen_phone"],
        case["created_at"],
        case["title"],  # indexed apart too: the title decides most real duplicates
    )


def _fetch(since_id: int = 0) -> list[Row]:
    cutoff = timezone.now() - timedelta(days=WINDOW_DAYS)
    rows = (
        Case.objects.filter(pk__gt=since_id, created_at__gte=cutoff, state__in=OPEN_STATES)
        .order_by("pk")
        .values("pk", "title", "content", "address", "citizen_phone", "created_at", "township__name")
    )
    return [_row(r) for r in rows.iterator(chunk_size=2000)]


def reset() -> None:
    with _lock:
        _state.update(live=None, building=False)


def _build() -> Live:
    from triage.duplicates import DuplicateIndex

    index = DuplicateIndex()
    rows = _fetch()
    index.add_many(rows)
    return Live(index=index, last_id=max((r[0] for r in rows), default=0), built=time.monotonic())


def _rebuild_in_background() -> None:
    """Build a fresh index and swap it in (a thread of its own; its database connection closes)."""
    try:
        live = _build()
        with _lock:
            _state["live"] = live
    except Exception:
        log.exception("rebuilding the duplicate index failed; the old one stays in use")
    finally:
        with _lock:
            _state["building"] = False
        connection.close()


def _start_rebuild() -> None:
    """Start a background rebuild unless one is running. Tests build in place: their data lives in
    one uncommitted transaction that another thread's connection would not see."""
    with _lock:
        if _state["building"]:
            return
        _state["building"] = True
    if settings.TESTING:
        live = _build()
        with _lock:
            _state.update(live=live, building=False)
        return
    threading.Thread(target=_rebuild_in_background, name="dupindex-rebuild", daemon=True).start()


def _catch_up(live: Live) -> None:
    """Add the cases registered since the index's newest: read outside any lock, written under
    the index's write lock (a few rows: milliseconds)."""
    rows = _fetch(max(0, live.last_id - CATCH_UP_SLACK))
    if not rows:
        return
    with live.lock.writing():
        new = [r for r in rows if r[0] not in live.index]
        live.index.add_many(new)
        live.last_id = max(live.last_id, rows[-1][0])


def _fresh_index() -> Live:
    """The live index, brought up to date; the first caller builds it, the others wait for that."""
    with _lock:
        live: Live | None = _state["live"]
    if live is None:
        with _build_lock:  # the first callers wait for one build, not one each
            with _lock:
                live = _state["live"]
            if live is None:
                live = _build()
                with _lock:
                    _state["live"] = live
    elif time.monotonic() - live.built > REBUILD_SECONDS:
        _start_rebuild()  # the old index answers meanwhile
    _catch_up(live)
    return live


def _fresh_index_if_built() -> Live | None:
    """As _fresh_index, but never waits for the first build: None while it runs in the background."""
    with _lock:
        live: Live | None = _state["live"]
    if live is None and not settings.TESTING:
        _start_rebuild()
        return None
    return _fresh_index()


def candidates_for(case: Case, k: int = 5) -> list[dict[str, Any]]:
    """Open cases like this one (other than itself), best first: number, score, same phone, reason."""
    live = _fresh_index()  # triage (in the worker) waits for the first build
    township = case.township.name if case.township is not None else ""
    place = " ".join(filter(None, [township, case.address]))
    with live.lock.reading():
        found = live.index.query(
            f"{case.title} {case.content}",
            place,
            case.citizen_phone,
            timezone.now(),
            k=k + 1,
            title=case.title,
        )
    ids = [c.case_id for c in found if c.case_id != case.pk]
    still_open = dict(Case.objects.filter(pk__in=ids, state__in=OPEN_STATES).values_list("pk", "number"))
    return [
        {"number": still_open[c.case_id], "score": c.score, "same_phone": c.same_phone, "reason": c.reason}
        for c in found
        if c.case_id in still_open
    ][:k]


def possible_duplicates(
    text: str, phone: str = "", township: str = "", *, title: str = "", address: str = "", k: int = 5
) -> list[dict[str, Any]]:
    """A request not yet registered (the agent is still typing it) against the open cases: the
    answer of cases.hooks.possible_duplicates. Candidates still open are checked by the caller.
    Never waits for a build (see the module docstring)."""
    live = _fresh_index_if_built()
    if live is None:  # the first build is running in the background: no warning yet
        return []
    place = " ".join(filter(None, [township, address]))
    with live.lock.reading():
        found = live.index.query(f"{title} {text}", place, phone, timezone.now(), k=k, title=title or None)
    return [
        {"case_id": c.case_id, "score": c.score, "same_phone": c.same_phone, "reason": c.reason}
        for c in found
    ]

"""The process's duplicate index over open cases of the last 30 days, kept fresh from the database.

Built once per process on first use; each query first adds the cases registered since (by id) and
every few minutes rebuilds, which drops cases that were closed or merged. Candidates are checked
against the database before they are proposed, so a stale index can only miss, never mislead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case
from cases.workflow import OPEN_STATES

WINDOW_DAYS = 30
REBUILD_SECONDS = 300
_lock = threading.Lock()
_state: dict[str, Any] = {"index": None, "last_id": 0, "built": 0.0}


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
        _state.update(index=None, last_id=0, built=0.0)


def _fresh_index() -> Any:
    """The index, brought up to date. A full rebuild (every few minutes, dropping closed cases) is
    built outside the lock and swapped in, so registrations on other threads never wait for it."""
    from triage.duplicates import DuplicateIndex

    with _lock:
        due = _state["index"] is None or time.monotonic() - _state["built"] > REBUILD_SECONDS
        if due:
            _state["built"] = time.monotonic()  # one thread rebuilds; the others keep using the old index
    if due:
        index = DuplicateIndex()
        rows = _fetch()
        index.add_many(rows)
        with _lock:
            _state.update(index=index, last_id=max((r[0] for r in rows), default=0))
    with _lock:
        index = _state["index"]
        if index is not None:
            rows = _fetch(_state["last_id"])
            index.add_many(rows)
            if rows:
                _state["last_id"] = rows[-1][0]
            return index
    # Another thread's first build is still running: answer from a private index meanwhile.
    index = DuplicateIndex()
    index.add_many(_fetch())
    return index


def candidates_for(case: Case, k: int = 5) -> list[dict[str, Any]]:
    """Open cases like this one (other than itself), best first: number, score, same phone, reason."""
    index = _fresh_index()
    township = case.township.name if case.township is not None else ""
    place = " ".join(filter(None, [township, case.address]))
    found = index.query(
        f"{case.title} {case.content}", place, case.citizen_phone, timezone.now(), k=k + 1, title=case.title
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
    answer of cases.hooks.possible_duplicates. Candidates still open are checked by the caller."""
    place = " ".join(filter(None, [township, address]))
    found = _fresh_index().query(f"{title} {text}", place, phone, timezone.now(), k=k, title=title or None)
    return [
        {"case_id": c.case_id, "score": c.score, "same_phone": c.same_phone, "reason": c.reason}
        for c in found
    ]

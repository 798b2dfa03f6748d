"""Duplicate candidates from the database engine (issue 17) — opt-in, not yet wired in.

On PostgreSQL with pg_trgm, the open cases of the window most similar to a text are chosen by
``similarity()`` in the engine, then scored by triage.duplicates' scorer on those candidates
only, so no process needs the in-memory index of every open case (triage.dupindex).

Not done yet (see the report of issue 17): the jieba-segmented column with its GIN index (this
scans the window's title+content), the switch in dupindex, the measurement. Note that the scorer
weighs words by IDF over the index it is given: scored over the candidates alone, the weights
differ from the full index's, so scores are not identical to today's until IDF comes from the
whole window.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from cases.models import Case
from cases.workflow import OPEN_STATES
from triage.dupindex import WINDOW_DAYS, _row

log = logging.getLogger(__name__)

POOL = 200  # candidates the engine returns for the scorer to rank

_available: bool | None = None


def available() -> bool:
    """Whether the engine search can run here: PostgreSQL with pg_trgm installed (said once)."""
    global _available
    if _available is None:
        _available = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                _available = cur.fetchone() is not None
            if not _available:
                log.warning("pg_trgm is not installed: duplicates use the in-memory index")
    return _available


def reset() -> None:
    global _available
    _available = None


def candidate_ids(text: str, limit: int = POOL) -> list[int]:
    """The open cases of the window whose title+content is most similar to ``text`` (pg_trgm)."""
    cutoff = timezone.now() - timedelta(days=WINDOW_DAYS)
    table = Case._meta.db_table
    sql = (
        f"SELECT id FROM {table} WHERE created_at >= %s AND state = ANY(%s) "  # noqa: S608 (names are ours)
        "ORDER BY similarity(title || ' ' || content, %s) DESC LIMIT %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [cutoff, list(OPEN_STATES), text, limit])
        return [r[0] for r in cur.fetchall()]


def possible_duplicates(
    text: str, phone: str = "", township: str = "", *, title: str = "", address: str = "", k: int = 5
) -> list[dict[str, Any]]:
    """As dupindex.possible_duplicates, the candidates chosen by the engine."""
    from triage.duplicates import DuplicateIndex

    ids = candidate_ids(f"{title} {text}")
    rows = Case.objects.filter(pk__in=ids).values(
        "pk", "title", "content", "address", "citizen_phone", "created_at", "township__name"
    )
    index = DuplicateIndex()
    index.add_many(_row(r) for r in rows)
    place = " ".join(filter(None, [township, address]))
    found = index.query(f"{title} {text}", place, phone, timezone.now(), k=k, title=title or None)
    return [
        {"case_id": c.case_id, "score": c.score, "same_phone": c.same_phone, "reason": c.reason}
        for c in found
    ]

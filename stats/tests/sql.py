"""What a page reads from the fact tables, for the tests that hold a page to counting each window once."""

from __future__ import annotations

from collections import Counter

from stats.models import AnswerFact, BuildMark, CallbackFact, DayCount, StintFact

FACT_TABLES = tuple(m._meta.db_table for m in (StintFact, AnswerFact, CallbackFact))


def fact_scans(queries: list[dict[str, str]]) -> Counter[str]:
    """The grouped counts read from each fact table and from the daily counters (stats.daily:
    the cells once per window; a running window's day so far twice from each fact table, its
    outcomes and its rows), and the refreshes (each reads the build mark's event id once)."""
    out: Counter[str] = Counter()
    for q in queries:
        sql = q["sql"]
        for table in FACT_TABLES:
            out[table] += table in sql and "GROUP BY" in sql
        out["cells"] += DayCount._meta.db_table in sql and "GROUP BY" in sql
        out["refresh"] += BuildMark._meta.db_table in sql and "last_event_id" in sql
    return out

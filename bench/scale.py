"""Multiply a generated database in SQL: `python -m bench.scale --factor 10` (PostgreSQL only).

bench.generate builds each case by walking its path through the transition table: honest, but
200–1,300 cases/s on this machine, so 1,000,000 cases would take from 15 minutes to an hour and a
half. This command takes what is there (typically `bench.generate --cases 100000 --seed 5`) and
adds `factor − 1` copies of it with INSERT … SELECT, one copy per transaction:

- every row the generator writes (bench.tables.TABLES: the case, its events, assignments, replies,
  callbacks, 督办单 and their events, extensions, suspensions, 派单异议) gets a new id: copy k
  adds k × (the table's largest id) to the id and to every foreign key that points into a copied
  table (the case, the merged case's parent, the notice, the previous notice); keys to users,
  units, categories and limit versions are kept;
- every time (the DateTimeField columns, and the times inside the event payloads: the deadlines
  the services write there, PAYLOAD_TIMES) moves back by k × `--step` seconds (60), so that every
  relation between two times of a case (on time or late, before or after) is the original's and
  each month holds `factor` times its volume with the same shape;
- 受理编号: the day's next free numbers (after the largest one issued on that day, in time order
  within the copy), the day being the copy's own local registration date; CaseNumberCounter.last
  is raised to the largest issued, so register_case carries on after them (also when the day
  numbers from the sequence: `last + (n − base)`); 督办单 numbers are `DB<year>-<id>` as
  supervision.services.notices writes them;
- ids in the payloads (reply, suspension, extension, dispute) move with their rows; the merged
  case's parent number and the 督办单 number in the payloads are the copies' numbers.

Refused when the database holds rows this cannot copy faithfully: any other table pointing at a
case, a reply or a notice (SMS, notifications, triage suggestions, hotspot members …: the
generator writes none, services do), or a payload key it does not know. Afterwards the id
sequences are brought forward, the foreign keys into copied tables are checked (the copy runs with
the foreign-key triggers off, as bench.generate does), VACUUM ANALYZE runs, and the statistics'
fact tables are rebuilt from the event log (`mochou stats rebuild --all`, stats.build.rebuild_all)
unless `--no-facts`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

import bench  # noqa: F401  (sets Django up)
from bench.tables import (
    CASE,
    DISPUTE,
    EVENT,
    EXTENSION,
    NOTICE,
    NOTICE_EVENT,
    REPLY,
    SUSPENSION,
    TABLES,
    Table,
)
from cases.models import CaseNumberCounter

# What the services write into CaseEvent/NoticeEvent payloads, by what copying does to it.
PAYLOAD_TIMES = ("accept_due_at", "due_at", "previous_due_at", "due_at_before", "limit_at", "respond_by")
PAYLOAD_IDS = {"reply": REPLY, "suspension": SUSPENSION, "extension": EXTENSION, "dispute": DISPUTE}
PAYLOAD_NUMBERS = ("parent", "notice")  # a case's 受理编号, a 督办单's number
PAYLOAD_NESTED = ("before", "after")  # 按现行时限重算's deadlines before and after: the same rules inside
PAYLOAD_KEPT = (
    "late", "checks", "attempt", "reached", "resolved", "satisfaction", "approved", "days", "category",
    "co_units", "lead_unit", "limit_version", "moves", "reopen", "return", "carried", "channel",
    "amend_catalogue", "decided_unit", "unit", "upheld", "kept_extension", "reopen_count", "files",
    "template", "reason", "document", "overran", "suspended_hours", "colour", "target", "suggested_unit",
    "way",
)  # fmt: skip
# Derived from the event log and rebuilt afterwards, not copied.
REBUILT = ("stats_stintfact", "stats_answerfact", "stats_callbackfact")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  -- datetime.isoformat() of the local time: microseconds only when there are any
  SELECT to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS')
      || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN '' ELSE to_char(t, '.US') END
      || to_char(t, 'TZH:TZM')
$$;
CREATE OR REPLACE FUNCTION pg_temp.moved(p jsonb, shift interval, times text[], offsets jsonb, nested text[])
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY nested LOOP
    IF jsonb_typeof(p -> k) = 'object' THEN
      p := jsonb_set(p, ARRAY[k], pg_temp.moved(p -> k, shift, times, offsets, ARRAY[]::text[]));
    END IF;
  END LOOP;
  FOREACH k IN ARRAY times LOOP
    IF jsonb_typeof(p -> k) = 'string' THEN
      p := jsonb_set(p, ARRAY[k], to_jsonb(pg_temp.iso((p ->> k)::timestamptz - shift)));
    END IF;
  END LOOP;
  FOR k IN SELECT jsonb_object_keys(offsets) LOOP
    IF jsonb_typeof(p -> k) = 'number' THEN
      p := jsonb_set(p, ARRAY[k], to_jsonb((p ->> k)::bigint + (offsets ->> k)::bigint));
    END IF;
  END LOOP;
  RETURN p;
END $$;
"""


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fetch(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _run(sql: str, params: Any = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


class Plan:
    """The largest id of each copied table when the command starts: copy k adds k times it."""

    def __init__(self) -> None:
        self.top = {
            t.db_table: int(_fetch(f"SELECT COALESCE(max(id), 0) FROM {q(t.db_table)}")[0][0]) for t in TABLES
        }
        self.by_model = {t.model: t for t in TABLES}

    def offset(self, table: Table, k: int) -> int:
        return k * self.top[table.db_table]


# ---------------------------------------------------------------- what must hold before copying


def refuse_what_cannot_be_copied(plan: Plan, factor: int) -> None:
    copied = {t.db_table for t in TABLES}
    pointing = _fetch(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)""",
        [list(copied)],
    )
    held = []
    for table, column, target in pointing:
        if table in copied or table in REBUILT:
            continue
        if _fetch(f"SELECT EXISTS (SELECT 1 FROM {q(table)} WHERE {q(column)} IS NOT NULL)")[0][0]:
            held.append(f"{table}.{column} → {target}")
    if held:
        raise SystemExit(
            "bench.scale: rows the generator does not write point at cases here, and copying would "
            "leave their copies out: " + ", ".join(held) + ". Scale a database bench.generate filled."
        )
    known = (
        set(PAYLOAD_TIMES) | set(PAYLOAD_IDS) | set(PAYLOAD_NUMBERS) | set(PAYLOAD_KEPT) | set(PAYLOAD_NESTED)
    )
    objects = ["payload", *(f"payload -> '{n}'" for n in PAYLOAD_NESTED)]
    for table in (EVENT, NOTICE_EVENT):
        keys = set()
        for obj in objects:
            keys |= {
                k
                for (k,) in _fetch(
                    f"SELECT DISTINCT jsonb_object_keys({obj}) FROM {q(table.db_table)} "
                    f"WHERE jsonb_typeof({obj}) = 'object'"
                )
            }
        if keys - known:
            raise SystemExit(
                f"bench.scale: {table.db_table} payloads have keys this command does not know "
                f"({', '.join(sorted(keys - known))}): say in bench/scale.py whether each is a time, an "
                "id, a number or kept as it is."
            )
    # The payload times must come back unchanged through pg_temp.iso, or moving them would also
    # reformat them.
    for table in (EVENT, NOTICE_EVENT):
        for obj, key in ((obj, key) for obj in objects for key in PAYLOAD_TIMES):
            bad = _fetch(
                f"SELECT count(*) FROM {q(table.db_table)} WHERE jsonb_typeof({obj} -> %s) = 'string' "
                f"AND pg_temp.iso(({obj} ->> %s)::timestamptz) <> {obj} ->> %s",
                [key, key, key],
            )[0][0]
            if bad:
                raise SystemExit(
                    f"bench.scale: {bad} {table.db_table} payloads hold {key} in another format."
                )
    top_day = _fetch(
        "SELECT left(number, 8), count(*), max(substr(number, 9)::int) FROM cases_case "
        "GROUP BY 1 ORDER BY 3 DESC LIMIT 1"
    )
    if top_day and top_day[0][2] + top_day[0][1] * (factor - 1) > 99999:
        raise SystemExit(f"bench.scale: day {top_day[0][0]} would pass 99999 cases; 受理编号 has 5 digits.")


# ---------------------------------------------------------------- the copy


def column_expressions(plan: Plan, table: Table, k: int) -> list[str]:
    """The SELECT list copying `table`'s rows as copy k, in db_columns() order (source alias s)."""
    fields = {f.attname: f for f in table.model._meta.concrete_fields}  # type: ignore[attr-defined]
    out = []
    for attname in table.columns:
        field = fields[attname]
        col = f"s.{q(field.column)}"
        if field.primary_key:
            out.append(f"{col} + {plan.offset(table, k)}")
        elif field.is_relation and field.related_model in plan.by_model:
            out.append(f"{col} + {plan.offset(plan.by_model[field.related_model], k)}")
        elif table is CASE and attname == "number":
            out.append("s.new_number")
        elif table is NOTICE and attname == "number":
            new_id = f"(s.id + {plan.offset(NOTICE, k)})::text"
            out.append(
                f"'DB' || to_char(s.created_at - %(shift)s::interval, 'YYYY') || '-' "
                f"|| lpad({new_id}, greatest(5, length({new_id})), '0')"
            )
        elif attname == "payload" and table in (EVENT, NOTICE_EVENT):
            out.append(payload_expression(plan, k))
        elif isinstance(field, models.DateTimeField):
            out.append(f"{col} - %(shift)s::interval")
        else:
            out.append(col)
    return out


def payload_expression(plan: Plan, k: int) -> str:
    offsets = (
        "jsonb_build_object("
        + ", ".join(f"'{key}', {plan.offset(t, k)}" for key, t in PAYLOAD_IDS.items())
        + ")"
    )
    moved = f"pg_temp.moved(s.payload, %(shift)s::interval, %(times)s::text[], {offsets}, %(nested)s::text[])"
    watched = [*PAYLOAD_TIMES, *PAYLOAD_IDS, *PAYLOAD_NESTED]
    expr = (
        f"CASE WHEN s.payload ?| ARRAY[{', '.join(repr(w) for w in watched)}] THEN {moved} ELSE s.payload END"
    )
    case_off, notice_off = plan.offset(CASE, k), plan.offset(NOTICE, k)
    # Numbers in a payload name rows of the original; the copy names the same rows' copies (a NULL
    # here would blank the payload: copy() checks that none did).
    parent = (
        "(SELECT n.number FROM cases_case o JOIN cases_case n ON n.id = o.id + "
        f"{case_off} WHERE o.number = s.payload ->> 'parent')"
    )
    notice = (
        "(SELECT n.number FROM supervision_notice o JOIN supervision_notice n ON n.id = o.id + "
        f"{notice_off} WHERE o.number = s.payload ->> 'notice')"
    )
    for key, number in (("parent", parent), ("notice", notice)):
        renamed = f"jsonb_set({expr}, '{{{key}}}', to_jsonb({number}))"
        expr = f"CASE WHEN s.payload ? '{key}' THEN {renamed} ELSE {expr} END"
    return expr


def copy_cases(plan: Plan, k: int, params: dict[str, Any]) -> int:
    """The cases of copy k: the day's next 受理编号 after the largest issued, in time order."""
    cols = ", ".join(q(c) for c in CASE.db_columns())
    exprs = ", ".join(column_expressions(plan, CASE, k))
    local_day = "((c.created_at - %(shift)s::interval) AT TIME ZONE %(tz)s)::date"
    sql = f"""
        INSERT INTO cases_case ({cols})
        SELECT {exprs} FROM (
            SELECT c.*, to_char({local_day}, 'YYYYMMDD')
                || lpad((COALESCE(d.last, 0) + row_number() OVER (
                       PARTITION BY {local_day} ORDER BY c.created_at, c.id))::text, 5, '0') AS new_number
            FROM cases_case c LEFT JOIN pg_temp.day_last d ON d.day = {local_day}
            WHERE c.id <= {plan.top[CASE.db_table]}
        ) s
    """  # quoted identifiers and integers of our own in the text; values go as parameters
    n = _run(sql, params)
    # The largest number issued per day, counting this copy's.
    _run(
        f"""INSERT INTO pg_temp.day_last (day, last)
            SELECT to_date(left(number, 8), 'YYYYMMDD'), max(substr(number, 9)::int) FROM cases_case
            WHERE id > {plan.offset(CASE, k)} AND id <= {plan.offset(CASE, k + 1)} GROUP BY 1
            ON CONFLICT (day) DO UPDATE SET last = greatest(pg_temp.day_last.last, EXCLUDED.last)"""
    )
    return n


def copy_rows(plan: Plan, table: Table, k: int, params: dict[str, Any]) -> int:
    cols = ", ".join(q(c) for c in table.db_columns())
    exprs = ", ".join(column_expressions(plan, table, k))
    top = plan.top[table.db_table]
    name = q(table.db_table)
    return _run(f"INSERT INTO {name} ({cols}) SELECT {exprs} FROM {name} s WHERE s.id <= {top}", params)


def copy(plan: Plan, k: int, step: int, log: Callable[[str], None]) -> dict[str, int]:
    """Copy k of everything, in one transaction."""
    params = {
        "shift": f"{k * step} seconds",
        "tz": settings.TIME_ZONE,
        "times": list(PAYLOAD_TIMES),
        "nested": list(PAYLOAD_NESTED),
    }
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with transaction.atomic():
        if _own_superuser_transaction():
            # As bench.generate: foreign keys are checked once at the end (check_keys), not per row.
            _run("SET LOCAL session_replication_role = replica")
        counts[CASE.db_table] = copy_cases(plan, k, params)
        # Notices before the events, whose payloads name them.
        for table in (NOTICE, *(t for t in TABLES if t not in (CASE, NOTICE))):
            counts[table.db_table] = copy_rows(plan, table, k, params)
        blank = _fetch(
            f"SELECT count(*) FROM cases_caseevent WHERE id > {plan.offset(EVENT, k)} AND payload IS NULL"
        )[0][0]
        if blank:
            raise SystemExit(
                f"bench.scale: copy {k}: {blank} payloads lost a number they name; nothing kept."
            )
    log(f"  copy {k}: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return counts


@contextmanager
def local_time() -> Iterator[None]:
    """The session's TimeZone set to the project's while copying (to_char writes local times, as
    the services' isoformat() does), and put back after: Django's connection expects its own."""
    before = _fetch("SELECT current_setting('TimeZone')")[0][0]
    _fetch("SELECT set_config('TimeZone', %s, false)", [settings.TIME_ZONE])
    try:
        yield
    finally:
        _fetch("SELECT set_config('TimeZone', %s, false)", [before])


def _own_superuser_transaction() -> bool:
    """SET LOCAL lasts to the end of this copy's own transaction, never a caller's (a test's)."""
    if connection.in_atomic_block and len(connection.atomic_blocks) > 1:
        return False
    return _fetch("SELECT current_setting('is_superuser')")[0][0] == "on"


# ---------------------------------------------------------------- afterwards


def check_keys() -> list[str]:
    """Foreign keys into the copied tables that point at nothing (the copy ran without triggers)."""
    broken = []
    by_model = {t.model: t for t in TABLES}
    for table in TABLES:
        for field in table.model._meta.concrete_fields:  # type: ignore[attr-defined]
            if not (field.is_relation and field.related_model in by_model):
                continue
            target = by_model[field.related_model].db_table
            n = _fetch(
                f"SELECT count(*) FROM {q(table.db_table)} s WHERE s.{q(field.column)} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {q(target)} t WHERE t.id = s.{q(field.column)})"
            )[0][0]
            if n:
                broken.append(f"{table.db_table}.{field.column}: {n}")
    dup = _fetch("SELECT count(*) - count(DISTINCT number) FROM cases_case")[0][0]
    if dup:
        broken.append(f"cases_case.number: {dup} repeated")
    return broken


def bring_counters_forward() -> None:
    """Id sequences past the copies; each day's CaseNumberCounter.last past its largest number."""
    for table in TABLES:
        _run(
            f"SELECT setval(pg_get_serial_sequence('{q(table.db_table)}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {q(table.db_table)}), 1))"
        )
    counter = CaseNumberCounter._meta.db_table
    _run(
        f"""INSERT INTO {q(counter)} (day, last)
            SELECT to_date(left(number, 8), 'YYYYMMDD'), max(substr(number, 9)::int)
            FROM cases_case GROUP BY 1
            ON CONFLICT (day) DO UPDATE SET last = greatest({q(counter)}.last, EXCLUDED.last)"""
    )


def scale(
    factor: int, *, step: int = 60, facts: bool = True, log: Callable[[str], None] = print
) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise SystemExit(
            "bench.scale: PostgreSQL only (INSERT … SELECT with jsonb); use bench.generate elsewhere."
        )
    if factor < 2:
        raise SystemExit("bench.scale: --factor must be at least 2.")
    for table in TABLES:
        table.check()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        cursor.execute("DROP TABLE IF EXISTS pg_temp.day_last")
        cursor.execute(
            "CREATE TEMP TABLE day_last AS SELECT to_date(left(number, 8), 'YYYYMMDD') AS day, "
            "max(substr(number, 9)::int) AS last FROM cases_case GROUP BY 1"
        )
        cursor.execute("ALTER TABLE pg_temp.day_last ADD PRIMARY KEY (day)")
    plan = Plan()
    totals: dict[str, int] = {t.db_table: 0 for t in TABLES}
    with local_time():
        refuse_what_cannot_be_copied(plan, factor)
        log(
            f"bench.scale: {plan.top[CASE.db_table]:,} cases (largest id) × {factor}, "
            f"times back by k × {step} s"
        )
        for k in range(1, factor):
            for name, n in copy(plan, k, step, log).items():
                totals[name] += n
    copied = time.perf_counter()
    broken = check_keys()
    if broken:
        raise SystemExit("bench.scale: broken references after copying: " + "; ".join(broken))
    bring_counters_forward()
    checked = time.perf_counter()
    if not connection.in_atomic_block:
        for name in (*(t.db_table for t in TABLES), CaseNumberCounter._meta.db_table):
            _run(f"VACUUM ANALYZE {q(name)}")
    vacuumed = time.perf_counter()
    fact_s = 0.0
    if facts:
        from stats.build import rebuild_all

        log("  rebuilding the fact tables from the event log (stats.build.rebuild_all) …")
        rebuild_all()
        fact_s = time.perf_counter() - vacuumed
    return {
        "rows": totals,
        "seconds_copy": copied - started,
        "seconds_check": checked - copied,
        "seconds_vacuum": vacuumed - checked,
        "seconds_facts": fact_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=10, help="how many times the data there should be (10)")
    parser.add_argument(
        "--step", type=int, default=60, help="copy k's times move back by k × STEP seconds (60)"
    )
    parser.add_argument("--no-facts", action="store_true", help="do not rebuild the stats fact tables")
    args = parser.parse_args(argv)
    db = connection.settings_dict
    print(f"bench.scale: ×{args.factor} in {connection.vendor} {db['NAME']}")
    result = scale(args.factor, step=args.step, facts=not args.no_facts)
    rows = sum(result["rows"].values())
    print(
        f"done: {rows:,} rows added in {result['seconds_copy']:.1f} s "
        f"(checks {result['seconds_check']:.1f} s, "
        f"vacuum {result['seconds_vacuum']:.1f} s, facts {result['seconds_facts']:.1f} s)"
    )
    for name, n in result["rows"].items():
        print(f"  {name:<28} {n:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

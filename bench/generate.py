"""Generate realistic cases in bulk: `python -m bench.generate --cases 1000000`.

Data shape (what one run adds, on top of whatever the database already holds)
-----------------------------------------------------------------------------
Reference data, created only if missing (the demo seeders org.demo / cases.taxonomy /
accounts.demo when present, else a minimal set of our own): the working calendar
(worktime.seeding.seed_available_years), the 12345 centre, the city departments, the 31 townships
of mochou/data/streets-zhongxiang.csv, the category tree of mochou/data/category-taxonomy.csv,
version 1 of its time limits (published, in force since 2000-01-01, as
cases.taxonomy.seed_first_limits writes it), centre staff (agents, a dispatcher, a supervisor, a
leader) and a clerk plus a leader per unit. Each case pins the limits version in force at its
registration (limit_version_id) and its deadlines come from that version's limits, read as
Category.limits_for does. With Mix.limits_revised (the tests' mix) a version 2 with shorter
handling limits is added, in force since 10 days ago (bench.reference.revise_limits), so that
running cases can be re-pinned.

Cases, over the last `--days` (730) days, on working days and within working hours
(settings.MOCHOU_WORK_HOURS), ids and 受理编号 in time order, each planned towards one of:

    target             share  how old (working days)
    closed (已办结)      80 %  uniform over the window, minus the last 20 working days
    in_progress          7 %  exponential, mean 8    → about a third past due_at (overdue)
    replied              3 %  exponential, mean 10
    pending_approval   1.5 %  exponential, mean 10
    dispatched         1.5 %  exponential, mean 0.3  → some past accept_due_at
    registered           1 %  exponential, mean 0.5
    called_back          1 %  exponential, mean 10
    merged             2.5 %  uniform
    transferred        2.5 %  uniform

How it is built
---------------
A case's life is a path of `cases.workflow.Action`s with their times (bench.paths.Planner); actions
later than the start of the run are cut, so a few recent cases end earlier in the loop than planned.
The path is walked through `cases.workflow.next_state` (bench.emitters.walk): the state of every
event and of the case row is what the table returns, never a state written here. Each action has
one emitter (bench.emitters.EMITTERS) that writes the rows the matching service writes: the
CaseEvent's payload with the service's keys, Assignments (pending/accepted/returned/done), Replies
(submitted/approved/rejected), Callbacks, Extensions, Suspensions, 派单异议 (Dispute) and 督办单
(supervision.Notice, with its event), and the case's columns; accept_due_at, due_at and
suspended_until come from worktime.calendar, so they honour holidays and 调休.
bench/tests/test_generate.py checks the result against the services' invariants and payloads.

Side roads (bench.paths.Mix): 5 % of dispatches are returned (退单, with its 派单异议: a Dispute
row), 10 % of those again, at most three times; the centre rules on each return before anything else
happens (派单异议审核): a first return is upheld 80 % of the time (dispatched to another unit, the
returning one excluded), the others are rejected (退单异议不成立: back to the same unit and its
co-handlers with fresh deadlines); a case returned or re-done MOCHOU_ESCALATION_MOVES times is
flagged right then by the system (提级办理, a 问题工单); 8 % have a co-handling unit that
contributes (协办意见); 3 % of handled cases ask for an extension (85 % granted; open ones
may leave it pending); 0.5 % ask to stop the clock (挂起: 85 %
granted, then resumed, 15 % of those after the suspension's own limit; due_at moves by the working
hours suspended, and what else would have happened meanwhile waits, but for 协办 and 督办, which a
suspended case allows; a case still open may be left suspended or with its request pending);
2 % of the cases running when a newer limits version comes into force are re-pinned to it
(按现行时限重算; none on a database with one version); 4 % are supervised (督办单); 6 % of
replies are rejected once and resubmitted; 12 % of callbacks need one or two unreachable attempts
first, 2 % stay unreachable for all MOCHOU_CALLBACK_ATTEMPTS; 30 % of consultations are answered at
intake (直接办结, no unit); 30 % of the unsatisfied citizens of a case headed for closing get it
reopened (重办) and answered again. Satisfaction: 85 % satisfied, 10 % basically, 5 % unsatisfied
(the close then carries a reason). About 8 % of replies come after due_at (is_overdue_closed). A
closed case has on average about 7 events. Titles and bodies are sampled from
mochou/data/messages-labelled.csv (body cut at 300 characters), with the message's first-level
subject choosing the category; phones are random valid mobiles (5 % landlines); lead units follow
the category's default unit, the township, or a skewed draw over departments. No notifications, SMS,
audit records, triage events, reply checks or 更正已办结工单 (OVERRIDE: it needs a permission no
bench user has) are generated.

Speed: on PostgreSQL rows go in with COPY (psycopg 3 `cursor.copy`) in chunks of `--chunk`
cases, one transaction per chunk, with foreign-key triggers off for the chunk
(`session_replication_role = replica`, when the role may set it and the chunk is its own
transaction: the generator writes only references it has just read or written). Elsewhere (SQLite)
it uses bulk_create. Afterwards the id sequences and CaseNumberCounter are brought forward, so later
register_case calls neither collide on ids nor on 受理编号; on PostgreSQL the tables are then
VACUUM ANALYZEd (unless inside a transaction, as in tests).

Also on SQLite:  MOCHOU_VAR_DIR=/tmp/benchsqlite python -m bench.generate --cases 200
(run `python -m django migrate` against that database first, or pass --migrate).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from bench.clock import Clock
from bench.emitters import CaseDraft, Ctx, case_row, walk
from bench.paths import Mix, Planner, Traits, pick
from bench.reference import Ref, ensure_reference_data, load_ref, revise_limits
from bench.tables import CASE, TABLES, Output, Row
from bench.texts import CHANNELS, GIVEN, KINDS, SURNAMES
from cases.demo_texts import place_in
from cases.models import Case, CaseNumberCounter, Urgency
from cases.services.common import NUMBER_SEQUENCE
from cases.workflow import State
from org.demo import short_township_name

# ---------------------------------------------------------------- the target distribution

TARGETS: tuple[tuple[State, float, str, float], ...] = (
    # target, share, age kind ("uniform" / "closed" / "exp"), mean age in working days for "exp"
    (State.CLOSED, 0.80, "closed", 0),
    (State.IN_PROGRESS, 0.07, "exp", 8),
    (State.REPLIED, 0.03, "exp", 10),
    (State.PENDING_APPROVAL, 0.015, "exp", 10),
    (State.DISPATCHED, 0.015, "exp", 0.3),
    (State.REGISTERED, 0.01, "exp", 0.5),
    (State.CALLED_BACK, 0.01, "exp", 10),
    (State.MERGED, 0.025, "uniform", 0),
    (State.TRANSFERRED, 0.025, "uniform", 0),
)
CLOSED_RECENT_GAP = 20  # closed cases are registered at least this many working days ago
NOT_MERGEABLE = (State.MERGED, State.TRANSFERRED)  # services.merge refuses these as parents


def issued_numbers() -> dict[date, int]:
    """The last 受理编号 already issued on each day, so the generated ones follow them.

    On PostgreSQL a day numbered from the sequence has issued up to `last + (sequence − base)`
    (cases.services.common._sequence_number); the sequence's current value over-counts at worst,
    and gaps are allowed."""
    issued = dict(CaseNumberCounter.objects.values_list("day", "last"))
    if connection.vendor != "postgresql":
        return issued
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {NUMBER_SEQUENCE}")  # a constant name, not input
        current = int(cursor.fetchone()[0])
    for day, last, base in CaseNumberCounter.objects.filter(sequence_base__isnull=False).values_list(
        "day", "last", "sequence_base"
    ):
        issued[day] = last + max(0, current - (base or 0))
    return issued


class Generator:
    def __init__(self, ref: Ref, clock: Clock, seed: int, mix: Mix | None = None) -> None:
        self.ref, self.clock = ref, clock
        self.rng = random.Random(seed)
        self.out = Output()
        self.ctx = Ctx(self.rng, ref, self.out)
        self.planner = Planner(self.rng, clock, mix or Mix(), ref.changes())
        self.urgent_share = self.planner.mix.urgent
        self.counters: dict[date, int] = issued_numbers()
        self.recent: list[tuple[int, str]] = []  # (id, number) of recent cases a duplicate may join

    def starts(self, count: int) -> list[tuple[datetime, State]]:
        """When each case is registered and where it is headed, in time order."""
        rng, clock = self.rng, self.clock
        last = clock.latest_idx()
        first = clock.first_idx
        closed_last = max(first, last - CLOSED_RECENT_GAP)
        shares = [s for _, s, _, _ in TARGETS]
        out = []
        for target, _, kind, mean in rng.choices(TARGETS, weights=shares, k=count):
            if kind == "closed":
                idx = rng.randint(first, closed_last)
            elif kind == "uniform":
                idx = rng.randint(first, last)
            else:
                idx = max(first, last - int(rng.expovariate(1 / mean)))
            out.append((clock.sample(rng, idx), target))
        out.sort(key=lambda s: s[0])
        return out

    def build(self, t0: datetime, target: State) -> None:
        """Plan one case's path, walk it through the transition table, and keep its rows."""
        c = self.draft(t0)
        traits = Traits(c.kind, c.urgency == Urgency.URGENT, c.limits[1], c.co_handled)
        steps = self.planner.path(t0, target, traits, self.recent)
        state = walk(self.ctx, c, steps)
        self.out.add(CASE, case_row(c, state))
        c.own_rows(self.out)
        if state not in NOT_MERGEABLE:
            self.recent.append((c.id, c.number))
            if len(self.recent) > 2000:
                del self.recent[:1000]

    def draft(self, t0: datetime) -> CaseDraft:
        """A new case's columns as register_case would write them (its state comes from the walk)."""
        ref, rng = self.ref, self.rng
        msg = rng.choice(ref.messages)
        category = rng.choice(ref.leaves_by_subject.get(msg.subject) or ref.leaves)
        version = ref.version_at(t0)  # as register_case pins LimitVersion.in_force(now)
        kind = pick(rng, KINDS)
        urgent = rng.random() < self.urgent_share
        township = rng.choice(ref.townships) if rng.random() < 0.85 else None
        co_handled = rng.random() < self.planner.mix.co_handled
        agent = rng.choice(ref.agents)
        return CaseDraft(
            id=self.out.next_id(CASE),
            number=self.number(t0),
            channel=pick(rng, CHANNELS),
            kind=kind,
            title=msg.title,
            content=msg.content,
            citizen_name=self.citizen_name(),
            citizen_phone=self.phone(),
            address=self.address(township),
            township_id=township,
            category_id=category,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            limit_version_id=version.id if version else None,
            registered_by_id=agent[0],
            created_at=t0,
            version=version,
            limits=ref.limits(version, category, urgent),
            agent=agent,
            dispatcher=rng.choice(ref.dispatchers),
            co_handled=co_handled,
        )

    def number(self, t0: datetime) -> str:
        """The next 受理编号 of t0's day, as cases.services._next_number counts them."""
        day = t0.astimezone(self.clock.tz).date()
        seq = self.counters.get(day, 0) + 1
        if seq > 99999:
            raise SystemExit(f"bench.generate: more than 99999 cases on {day}: 受理编号 has 5 digits.")
        self.counters[day] = seq
        return f"{day:%Y%m%d}{seq:05d}"

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return f"0724-{rng.randint(2000000, 8999999)}"
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"

    def citizen_name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + (
            rng.choice(("先生", "女士")) if rng.random() < 0.7 else rng.choice(GIVEN)
        )

    def address(self, township: int | None) -> str:
        """As the demo writes them: inside the township, with generic road, estate and village names
        (no source of 钟祥's real ones is shipped, see mochou/data/PROVENANCE.md)."""
        if not township:
            return f"钟祥市某某路{self.rng.randint(1, 300)}号"
        name = short_township_name(self.ref.unit_name[township])
        return place_in(name, self.ref.unit_code[township], self.rng)

    def take_rows(self) -> dict[str, list[Row]]:
        return self.out.take()


# ---------------------------------------------------------------- writing


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def write_chunk(rows: dict[str, list[Row]]) -> None:
    """One transaction per chunk: COPY on PostgreSQL, executemany elsewhere (plain rows both ways)."""
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if _postgres():
            _copy(rows, fk_checks=not own_transaction)
        else:
            _insert(rows)


def _copy(rows: dict[str, list[Row]], *, fk_checks: bool) -> None:
    with connection.cursor() as cursor:
        if not fk_checks:
            cursor.execute("SELECT current_setting('is_superuser')")
            if cursor.fetchone()[0] == "on":  # else keep the foreign-key checks
                # SET LOCAL lasts to the end of the chunk's own transaction (never a caller's).
                cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor
        for table in TABLES:
            data = rows[table.db_table]
            if not data:
                continue
            cols = ", ".join(f'"{c}"' for c in table.db_columns())
            with raw.copy(f'COPY "{table.db_table}" ({cols}) FROM STDIN') as copy:
                for row in data:
                    copy.write_row(row)


def _insert(rows: dict[str, list[Row]]) -> None:
    """SQLite (or any other backend): INSERT through the cursor, values adapted as the ORM would."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for table in TABLES:
            data = rows[table.db_table]
            if not data:
                continue
            cols = ", ".join(connection.ops.quote_name(c) for c in table.db_columns())
            marks = ", ".join(["%s"] * len(table.columns))
            sql = f"INSERT INTO {connection.ops.quote_name(table.db_table)} ({cols}) VALUES ({marks})"
            params = [[adapt(v) if isinstance(v, datetime) else v for v in row] for row in data]
            cursor.executemany(sql, params)


def finish(gen: Generator) -> None:
    """Bring id sequences and the 受理编号 counters past what was written."""
    rows = [CaseNumberCounter(day=d, last=n) for d, n in gen.counters.items()]
    CaseNumberCounter.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["day"], update_fields=["last"]
    )
    if _postgres():
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.db_table}\"', 'id'), "
                    f'GREATEST((SELECT max(id) FROM "{table.db_table}"), 1))'
                )


def vacuum_analyze() -> None:
    # VACUUM cannot run inside a transaction (a test's, or a caller's atomic block).
    if _postgres() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f'VACUUM ANALYZE "{table.db_table}"')


def generate(
    count: int,
    *,
    days: int = 730,
    chunk: int = 10_000,
    seed: int = 12345,
    mix: Mix | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Add `count` cases; returns timings and row counts. `mix` changes how often side roads are taken."""
    for table in TABLES:
        table.check()
    started = time.perf_counter()
    now = timezone.now()
    clock = Clock(now, days)
    ensure_reference_data()
    if mix is not None and mix.limits_revised:
        revise_limits(now, log)
    ref = load_ref()
    gen = Generator(ref, clock, seed + Case.objects.count(), mix)
    starts = gen.starts(count)
    prepared = time.perf_counter()
    totals = {t.db_table: 0 for t in TABLES}
    done = 0
    for batch in _batches(starts, chunk):
        for t0, target in batch:
            gen.build(t0, target)
        rows = gen.take_rows()
        write_chunk(rows)
        for name, data in rows.items():
            totals[name] += len(data)
        done += len(batch)
        elapsed = time.perf_counter() - started
        rows_so_far = sum(totals.values())
        log(f"  {done:>9,} cases  {rows_so_far:>11,} rows  {elapsed:7.1f}s  {done / elapsed:8,.0f} cases/s")
    finish(gen)
    written = time.perf_counter()
    vacuum_analyze()
    ended = time.perf_counter()
    return {
        "cases": count,
        "rows": totals,
        "seconds_setup": prepared - started,
        "seconds_write": written - prepared,
        "seconds_vacuum": ended - written,
        "seconds_total": ended - started,
    }


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="how many cases to add (default 10000)")
    parser.add_argument("--days", type=int, default=730, help="spread them over this many past days (730)")
    parser.add_argument("--chunk", type=int, default=10_000, help="cases per transaction (10000)")
    parser.add_argument(
        "--seed", type=int, default=12345, help="random seed (offset by the existing case count)"
    )
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    args = parser.parse_args(argv)
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    db = connection.settings_dict
    print(f"bench.generate: {args.cases:,} cases into {connection.vendor} {db['NAME']}")
    result = generate(args.cases, days=args.days, chunk=args.chunk, seed=args.seed)
    rows = sum(result["rows"].values())
    write = max(result["seconds_write"], 1e-9)
    print(
        f"done: {result['cases']:,} cases, {rows:,} rows in {result['seconds_total']:.1f}s "
        f"(write {write:.1f}s = {result['cases'] / write:,.0f} cases/s, {rows / write:,.0f} rows/s; "
        f"vacuum {result['seconds_vacuum']:.1f}s)"
    )
    for name, n in result["rows"].items():
        print(f"  {name:<28} {n:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

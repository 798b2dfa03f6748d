"""Time the case loop at scale: `python -m bench.run --cases 1000000 --repeat 5`.

With DATABASE_URL pointing at PostgreSQL it makes sure N cases exist (bench.generate adds the
missing ones), ANALYZEs, then measures

(a) writes through cases.services: register_case (median, p95, creations/s over --creations
    calls), then dispatch and accept of those cases;
(b) every queue of cases.queues.queue_cases for a dispatcher, a unit clerk and a unit leader of
    the busiest unit, an agent and a supervisor: the first page (50 rows, select_related as the
    queue page does) and the count, each with EXPLAIN ANALYZE to see which index serves it, and
    the full page /cases/queue/<slug>/ through django.test.Client when the URL resolves;
(c) the case page /cases/<number>/ and the API list /api/v1/cases?limit=50 when they resolve.

Figures are medians of --repeat runs (after one warm-up). The results go to stdout and, unless
--no-doc, to docs/benchmarks.md. The cases created in (a) stay in the database.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from accounts.models import ApiToken, Role, User
from bench.docsection import with_section
from bench.generate import generate
from cases import services
from cases.models import Case, Category, Channel, Kind
from cases.queues import queue_cases, queues_for
from cases.workflow import State
from org.models import Unit, UnitKind
from supervision.models import Notice

PAGE = 50
RELATED = ("category", "township", "lead_unit")  # what cases/views/queues.py selects
BIG_TABLES = ("cases_case", "cases_caseevent", "cases_assignment", "supervision_notice", "cases_reply")
ROOT = Path(settings.BASE_DIR).parent


def ms(seconds: float) -> float:
    return seconds * 1000


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time in ms over `repeat` runs, after `warmup` runs."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(ms(time.perf_counter() - start))
    return statistics.median(runs), runs


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# ---------------------------------------------------------------- who we measure as


def pick_users() -> dict[str, User]:
    """A dispatcher, an agent, a supervisor, and the clerk and leader of the busiest unit."""
    users: dict[str, User] = {}
    for role in (Role.DISPATCHER, Role.AGENT):
        users[role] = User.objects.filter(role=role, is_active=True).order_by("pk").first()  # type: ignore[assignment]
    busiest = Notice.objects.values("supervisor").annotate(n=Count("id")).order_by("-n").first()
    if busiest:
        users[Role.SUPERVISOR] = User.objects.get(pk=busiest["supervisor"])
    else:
        users[Role.SUPERVISOR] = User.objects.filter(role=Role.SUPERVISOR, is_active=True).first()  # type: ignore[assignment]
    staffed = set(User.objects.filter(role=Role.CLERK, is_active=True).values_list("unit_id", flat=True))
    top = (
        Case.objects.filter(lead_unit_id__in=staffed)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    unit_id = top["lead_unit"] if top else next(iter(staffed))
    users[Role.CLERK] = User.objects.filter(role=Role.CLERK, unit_id=unit_id, is_active=True).first()  # type: ignore[assignment]
    users[Role.UNIT_LEADER] = User.objects.filter(
        role=Role.UNIT_LEADER, unit_id=unit_id, is_active=True
    ).first()  # type: ignore[assignment]
    missing = [r for r, u in users.items() if u is None]
    if missing:
        raise SystemExit(f"bench.run: no user for roles {missing}")
    return users


# ---------------------------------------------------------------- (a) writes


def bench_writes(n: int, users: dict[str, User]) -> dict[str, Any]:
    agent, dispatcher, clerk = users[Role.AGENT], users[Role.DISPATCHER], users[Role.CLERK]
    township = Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).first()
    category = Category.objects.filter(level=3, is_active=True).order_by("pk").first()
    unit = clerk.unit
    if unit is None:
        raise SystemExit(f"bench.run: the clerk {clerk.username} has no unit")

    def register(i: int) -> Case:
        return services.register_case(
            actor=agent,
            channel=Channel.HOTLINE,
            kind=Kind.COMPLAINT,
            title=f"压测工单{i}：小区路灯不亮",
            content="莫愁湖路12号小区门口的路灯已经坏了一个多星期，晚上出行很不方便，请尽快维修。",
            citizen_name="张女士",
            citizen_phone=f"138{i % 100_000_000:08d}",
            address="郢中街道莫愁湖路12号",
            township=township,
            category=category,
        )

    register(-1)  # warm-up
    created: list[Case] = []
    reg: list[float] = []
    started = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        created.append(register(i))
        reg.append(ms(time.perf_counter() - t))
    reg_total = time.perf_counter() - started
    disp: list[float] = []
    acc: list[float] = []
    for case in created:
        t = time.perf_counter()
        services.dispatch(case, actor=dispatcher, lead_unit=unit)
        disp.append(ms(time.perf_counter() - t))
    for case in created:
        t = time.perf_counter()
        services.accept(case, actor=clerk)
        acc.append(ms(time.perf_counter() - t))
    return {
        "n": n,
        "register": (statistics.median(reg), p95(reg), n / reg_total),
        "dispatch": (statistics.median(disp), p95(disp), n / (sum(disp) / 1000)),
        "accept": (statistics.median(acc), p95(acc), n / (sum(acc) / 1000)),
    }


# ---------------------------------------------------------------- (b) queues


@dataclass
class QueueResult:
    role: str
    user: str
    slug: str
    rows: int = 0
    total: int = 0
    page_ms: float = 0.0
    count_ms: float = 0.0
    view_ms: float | None = None
    view_queries: int | None = None
    counts_ms: float | None = None
    page_plan: str = ""
    count_plan: str = ""
    indexes: list[str] = field(default_factory=list)
    seq_scans: list[str] = field(default_factory=list)
    page_sql: str = ""
    count_sql: str = ""


def explain(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_facts(plan: str) -> tuple[list[str], list[str]]:
    found = re.findall(r"Index (?:Only )?Scan(?: Backward)? using (\w+)", plan)
    found += re.findall(r"Bitmap Index Scan on (\w+)", plan)
    indexes = sorted(set(found))
    seqs = sorted({t for t in re.findall(r"Seq Scan on (\w+)", plan) if t in BIG_TABLES})
    return indexes, seqs


def count_sql(qs: Any) -> tuple[str, Any]:
    """The SQL that qs.count() runs (captured, since Django builds it on the fly)."""
    with CaptureQueriesContext(connection) as ctx:
        qs.count()
    return ctx.captured_queries[-1]["sql"], None


def bench_queues(users: dict[str, User], repeat: int, pages: bool) -> list[QueueResult]:
    results = []
    postgres = connection.vendor == "postgresql"
    for role, user in users.items():
        client = None
        if pages:
            client = Client()
            client.force_login(user)
        for queue in queues_for(user):
            now = timezone.now()
            res = QueueResult(role=Role(role).label, user=user.username, slug=queue.slug)
            qs = queue_cases(user, queue.slug, now)

            def first_page(qs: Any = qs) -> list[Case]:
                return list(qs.select_related(*RELATED)[:PAGE])

            def count(qs: Any = qs) -> int:
                return qs.count()

            res.page_ms, _ = timed(first_page, repeat)
            res.count_ms, _ = timed(count, repeat)
            res.rows, res.total = len(first_page()), count()
            if postgres:
                sql, params = qs.select_related(*RELATED)[:PAGE].query.sql_with_params()
                res.page_sql = sql
                res.page_plan = explain(sql, params)
                csql, _ = count_sql(qs)
                res.count_sql = csql
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + csql)
                    res.count_plan = "\n".join(r[0] for r in cursor.fetchall())
                i1, s1 = plan_facts(res.page_plan)
                i2, s2 = plan_facts(res.count_plan)
                res.indexes = sorted(set(i1) | set(i2))
                res.seq_scans = sorted({f"page: {t}" for t in s1} | {f"count: {t}" for t in s2})
            url = f"/cases/queue/{queue.slug}/"
            if client is not None and resolves(url):
                page_client: Client = client

                def view(url: str = url, client: Client = page_client, who: str = user.username) -> None:
                    response = client.get(url)
                    if response.status_code != 200:
                        raise SystemExit(f"bench.run: GET {url} as {who} → {response.status_code}")

                res.view_ms, _ = timed(view, repeat)
                with CaptureQueriesContext(connection) as ctx:
                    view()
                res.view_queries = len(ctx.captured_queries)
                counts_url = f"/cases/queue/{queue.slug}/counts/"
                if resolves(counts_url):
                    res.counts_ms, _ = timed(partial(page_client.get, counts_url), repeat)
            results.append(res)
            print(
                f"  {res.role:<6} {res.slug:<12} rows {res.rows:>2} of {res.total:>8,}  "
                f"page {res.page_ms:7.1f} ms  count {res.count_ms:7.1f} ms  view {_fmt(res.view_ms)} ms  "
                + " ".join(res.seq_scans)
            )
    return results


def _fmt(value: float | None) -> str:
    return f"{value:7.1f}" if value is not None else "      –"


# ---------------------------------------------------------------- (c) case page and API


def bench_pages(users: dict[str, User], repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    dispatcher = users[Role.DISPATCHER]
    case = (
        Case.objects.filter(state=State.CLOSED, lead_unit=users[Role.CLERK].unit)
        .order_by("-created_at")
        .first()
        or Case.objects.order_by("-created_at").first()
    )
    if case is not None and resolves(f"/cases/{case.number}/"):
        for role in (Role.DISPATCHER, Role.CLERK):
            client = Client()
            client.force_login(users[role])
            url = f"/cases/{case.number}/"

            def get(client: Client = client, url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"bench.run: GET {url} → {response.status_code}")

            median, _ = timed(get, repeat)
            with CaptureQueriesContext(connection) as ctx:
                get()
            out[f"case page ({Role(role).label})"] = (median, len(ctx.captured_queries), url)
    api_url = "/api/v1/cases"
    if resolves(api_url) or resolves(api_url + "/"):
        for role in (Role.DISPATCHER, Role.CLERK):
            user = users[role] if role != Role.DISPATCHER else dispatcher
            token = ApiToken.issue(user, name="bench")
            client = Client(headers={"Authorization": f"Bearer {token}"})
            url = f"{api_url}?limit=50"

            def api(client: Client = client, url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(
                        f"bench.run: GET {url} → {response.status_code} {response.content[:200]!r}"
                    )

            median, _ = timed(api, repeat)
            with CaptureQueriesContext(connection) as ctx:
                api()
            out[f"API list ({Role(role).label})"] = (median, len(ctx.captured_queries), url)
    return out


# ---------------------------------------------------------------- machine and report


def machine() -> dict[str, str]:
    info = {
        "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": str(os.cpu_count()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
    }
    try:
        with open("/proc/meminfo") as fh:
            info["memory"] = f"{int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB"
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
            info["cpu"] = model
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgres"] = cursor.fetchone()[0]
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "max_parallel_workers_per_gather",
            ):
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)), reltuples::bigint "
                "FROM pg_class "
                "WHERE relname = ANY(%s) ORDER BY pg_total_relation_size(oid) DESC",
                [[*BIG_TABLES, "cases_callback"]],
            )
            info["tables"] = ", ".join(f"{n} {s} ({t:,} rows)" for n, s, t in cursor.fetchall())
    return info


# The report's own section of docs/benchmarks.md: a run replaces it and leaves the other commands'
# sections (bench.stats, bench.intake …) as they are.
RUN_MARKERS = "<!-- run:begin -->", "<!-- run:end -->"


def write_doc(path: Path, ctx: dict[str, Any]) -> None:
    section = "\n".join([RUN_MARKERS[0], *_report_lines(ctx), RUN_MARKERS[1]])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    begin, end = RUN_MARKERS
    if begin in text and end in text:
        text = with_section(text, begin, end, section)
    else:
        # A report written before the markers is the start of the file, up to the first other
        # command's section.
        others = text.find("\n<!-- ")
        text = section + ("\n" + text[others:] if others >= 0 else "\n")
    path.write_text(text, encoding="utf-8")


def _report_lines(ctx: dict[str, Any]) -> list[str]:
    return [
        *_doc_header(ctx),
        *_doc_generation(ctx.get("generation")),
        *_doc_writes(ctx["writes"]),
        *_doc_queues(ctx["queues"]),
        *_doc_pages(ctx["pages"]),
        "",
        ctx.get("notes", "").rstrip(),
        "",
        *_doc_slow_plans(ctx["queues"]),
    ]


def _doc_header(ctx: dict[str, Any]) -> list[str]:
    info = ctx["machine"]
    return [
        "# Benchmarks",
        "",
        f"Measured {info['date']} with `python -m bench.run --cases {ctx['cases']} "
        f"--repeat {ctx['repeat']}`: {ctx['total']:,} cases in the database. Figures are medians of "
        f"{ctx['repeat']} runs after one warm-up "
        "(writes: median and p95 over the calls), wall time in the Python process, milliseconds.",
        "",
        *([f"Data: {ctx['data']}", ""] if ctx.get("data") else []),
        "## Machine",
        "",
        f"- {info.get('cpu', '?')}, {info['cpus']} CPUs, {info.get('memory', '?')} RAM; {info['platform']}",
        f"- PostgreSQL {info.get('postgres', '–')} on the same machine "
        f"(shared_buffers {info.get('shared_buffers')}, "
        f"work_mem {info.get('work_mem')}, max_parallel_workers_per_gather "
        f"{info.get('max_parallel_workers_per_gather')}); Python {info['python']}, Django {info['django']}",
        f"- Tables: {info.get('tables', '–')}",
        "",
        "## Reproduce",
        "",
        "```sh",
        "psql -h 127.0.0.1 -U postgres -d test -c 'create database mochou_bench'",
        "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mochou_bench",
        ".venv/bin/python -m django migrate --settings=mochou.settings",
        f".venv/bin/python -m bench.generate --cases {ctx['cases']}  # optional",
        f".venv/bin/python -m bench.run --cases {ctx['cases']} --repeat {ctx['repeat']}",
        "```",
        "",
        "On SQLite (a smoke check of the generator, no timings worth keeping):",
        "",
        "```sh",
        "MOCHOU_VAR_DIR=/tmp/benchsqlite .venv/bin/python -m bench.generate --cases 200 --migrate",
        "```",
        "",
    ]


def _doc_generation(g: dict[str, Any] | None) -> list[str]:
    if not g:
        return []
    rows = sum(g["rows"].values())
    return [
        "## Generation",
        "",
        f"{g['cases']:,} cases and {rows:,} rows in {g['seconds_total']:.0f} s "
        f"({g['cases'] / g['seconds_write']:,.0f} cases/s, "
        f"{rows / g['seconds_write']:,.0f} "
        f"rows/s while writing; VACUUM ANALYZE {g['seconds_vacuum']:.0f} s): "
        + ", ".join(f"{k} {v:,}" for k, v in g["rows"].items()),
        "",
    ]


def _doc_writes(writes: dict[str, Any]) -> list[str]:
    lines = [
        "## Writes through cases.services",
        "",
        f"{writes['n']} cases registered, then dispatched, then accepted, one after the other "
        "(each call is one "
        "transaction; register_case also queues the citizen's SMS).",
        "",
        "| service | median ms | p95 ms | per second |",
        "|---|---:|---:|---:|",
    ]
    for name in ("register", "dispatch", "accept"):
        med, p, rate = writes[name]
        lines.append(f"| {name} | {med:.1f} | {p:.1f} | {rate:,.0f} |")
    return lines


def _doc_queues(queues: list[QueueResult]) -> list[str]:
    lines = [
        "",
        "## Queues",
        "",
        "`queue_cases(user, slug)` for each queue the user's role has: *page* = the first 50 rows with "
        f"`select_related{RELATED}`, *count* = `.count()`, *view* = GET `/cases/queue/<slug>/` through "
        "django.test.Client (the table and the template; the nav's counts come in a second request, "
        "*nav counts ms* = GET `/cases/queue/<slug>/counts/`, the same for every queue of a user). "
        "Unit staff are the clerk and leader of the unit with the most cases.",
        "",
        "| role | queue | rows in queue | page ms | count ms | view ms | view queries | nav counts ms | "
        "indexes used | seq scans on big tables |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in queues:
        view = f"{r.view_ms:.1f}" if r.view_ms is not None else "–"
        nq = str(r.view_queries) if r.view_queries is not None else "–"
        lines.append(
            f"| {r.role} | {r.slug} | {r.total:,} | {r.page_ms:.1f} | {r.count_ms:.1f} | {view} | {nq} | "
            f"{_fmt(r.counts_ms).strip()} | {', '.join(r.indexes) or '–'} | {', '.join(r.seq_scans) or '–'} |"
        )
    if not any(r.view_ms is not None for r in queues):
        lines += ["", "The queue page did not resolve when this was measured: the querysets only."]
    return lines


def _doc_pages(pages: dict[str, tuple[float, int, str]]) -> list[str]:
    lines = ["", "## Case page and API", ""]
    if not pages:
        return [*lines, "Neither the case page nor the API list resolved when this was measured."]
    lines += ["| request | median ms | queries |", "|---|---:|---:|"]
    for name, (med, nq, url) in pages.items():
        lines.append(f"| {name} `{url}` | {med:.1f} | {nq} |")
    return lines


def _doc_slow_plans(queues: list[QueueResult]) -> list[str]:
    slow = [r for r in queues if r.seq_scans]
    if not slow:
        return []
    lines = ["## Plans with sequential scans on big tables", ""]
    seen = set()
    for r in slow:
        for kind, plan, sql in (("page", r.page_plan, r.page_sql), ("count", r.count_plan, r.count_sql)):
            if not any(s.startswith(kind) for s in r.seq_scans) or (kind, sql) in seen:
                continue
            seen.add((kind, sql))
            lines += [
                f"### {r.role} · {r.slug} · {kind}",
                "",
                "```sql",
                sql,
                "```",
                "",
                "```",
                plan,
                "```",
                "",
            ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cases", type=int, default=1_000_000, help="cases the database should hold (1000000)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is reported (5)")
    parser.add_argument("--creations", type=int, default=200, help="register_case calls to time (200)")
    parser.add_argument("--no-pages", action="store_true", help="skip the HTML pages and the API")
    parser.add_argument("--no-writes", action="store_true", help="skip (a), e.g. to rerun only the pages")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--notes",
        default=str(Path(__file__).with_name("notes.md")),
        help="a Markdown file appended to the report (index notes)",
    )
    parser.add_argument(
        "--data", default="", help="how the database was filled, for the report's header (e.g. bench.scale)"
    )
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench.run: DATABASE_URL does not point at PostgreSQL; the figures will not mean much.")
    settings.DEBUG = False
    reset_queries()
    have = Case.objects.count()
    generation = None
    if have < args.cases:
        print(f"bench.run: {have:,} cases, generating {args.cases - have:,} …")
        generation = generate(args.cases - have)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    users = pick_users()
    print("users: " + ", ".join(f"{Role(r).label}={u.username}" for r, u in users.items()))
    writes = None
    if not args.no_writes:
        print(f"(a) {args.creations} × register_case, dispatch, accept …")
        writes = bench_writes(args.creations, users)
        for name in ("register", "dispatch", "accept"):
            med, p, rate = writes[name]
            print(f"  {name:<9} median {med:6.1f} ms  p95 {p:6.1f} ms  {rate:6.0f}/s")
    print("(b) queues …")
    queues = bench_queues(users, args.repeat, pages=not args.no_pages)
    print("(c) case page and API …")
    pages = {} if args.no_pages else bench_pages(users, args.repeat)
    for name, (med, nq, url) in pages.items():
        print(f"  {name:<22} {med:7.1f} ms  {nq:>3} queries  {url}")
    if not args.no_doc and writes is not None:
        notes = Path(args.notes).read_text(encoding="utf-8") if Path(args.notes).exists() else ""
        ctx = {
            "machine": machine(),
            "cases": args.cases,
            "repeat": args.repeat,
            "total": Case.objects.count(),
            "writes": writes,
            "queues": queues,
            "pages": pages,
            "generation": generation,
            "notes": notes,
            "data": args.data,
        }
        write_doc(Path(args.doc), ctx)
        print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    started = datetime.now()
    code = main()
    print(f"bench.run: {(datetime.now() - started).total_seconds():.0f} s")
    sys.exit(code)

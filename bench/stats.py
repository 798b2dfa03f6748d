"""Time the statistics at scale: `python -m bench.stats --cases 100000 --repeat 5`.

Makes sure the database holds N cases (bench.generate adds the missing ones), folds the event log
into the fact tables (stats.build.rebuild_all, timed), checks that the exact recomputation from the
log equals the fact tables for the last full month, then times what the dashboard and the monthly
report read (stats.queries), each as the median of --repeat runs after one warm-up:

- the rates of every unit for the last full month, quarter and year (unit_rates, which sums the
  daily counters, stats.daily), and the year counted on the fact tables for comparison
  (stats.counting.count_facts: what the pages read before the daily counters);
- the monthly ranking under the default scheme (ranking: the month and the month before);
- the dashboard's series: volume by day and channel, by category, by township, overdue and
  supervised by unit;
- the ledger of the busiest unit for the month as .xlsx; the monthly report as .xlsx;
- the exact recomputation of the month from the event log (`mochou stats recompute`).

Results go to stdout and, unless --no-doc, to the stats section of docs/benchmarks.md (between
its markers; the rest of the file is left as it is).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from accounts.models import Role, User
from bench.docsection import with_section
from cases.models import Case, CaseEvent
from stats import queries
from stats.build import rebuild_all, refresh, retally
from stats.counting import Window, count_facts
from stats.daily import count_units
from stats.exact import exact_counts
from stats.export import ledger_workbook, report_workbook
from stats.ledger import ledger
from stats.models import StintFact
from stats.periods import Period, month, parse_period, quarter, year
from stats.report import monthly_report

ROOT = Path(settings.BASE_DIR).parent
# One section per database, each between its own markers: a run replaces only its own.
MARKERS = "<!-- stats:begin:{} -->", "<!-- stats:end:{} -->"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), runs


def last_full_month() -> Period:
    """The last month wholly before the newest case (the generator's data may end before today)."""
    newest = Case.objects.aggregate(m=Max("created_at"))["m"]
    day = timezone.localtime(newest).date() if newest else timezone.localdate()
    before = day.replace(day=1) - timedelta(days=1)
    return month(before.year, before.month)


def pages(leader: User, m: Period, y: Period) -> list[tuple[str, Callable[[], Any]]]:
    """What a leader's browser asks for, through django.test.Client (views, templates, JSON): the
    leader's home, each chart of the dashboard for the month, the rates page for the month and
    the year."""
    from django.test import Client
    from django.urls import reverse

    from dashboard.views import CHART_ORDER

    client = Client()
    client.force_login(leader)

    def get(url: str) -> Callable[[], Any]:
        def fetch() -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"bench.stats: GET {url} answered {response.status_code}")
            return response

        return fetch

    month_q, year_q = f"period={m.start:%Y-%m}", f"period={y.start:%Y}"
    out = [("页面：领导首页 /dashboard/", get(reverse("dashboard:home")))]
    out += [
        (f"页面：数据大屏图表 {key}（月）", get(f"{reverse('dashboard:chart_json', args=[key])}?{month_q}"))
        for key in CHART_ORDER
    ]
    out += [
        ("页面：各单位比率 /stats/（月）", get(f"{reverse('stats:rates')}?{month_q}")),
        ("页面：各单位比率 /stats/（年）", get(f"{reverse('stats:rates')}?{year_q}")),
    ]
    return out


def measure(repeat: int, chosen: str | None = None, *, exports: bool = True) -> dict[str, Any]:
    m = parse_period(None, None, preset=chosen) if chosen else last_full_month()
    q = quarter(m.start.year, (m.start.month - 1) // 3 + 1)
    y = year(m.start.year)
    busiest = (
        StintFact.objects.filter(started_at__gte=m.since, started_at__lt=m.until)
        .values("assessed_unit_id").annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    unit_id = busiest["assessed_unit_id"] if busiest else None
    leader = User.objects.filter(role=Role.LEADER).first() or User.objects.filter(is_superuser=True).first()
    views: list[tuple[str, Callable[[], Any]]] = [
        (f"各单位比率·月（{m.label}）", lambda: queries.unit_rates(m)),
        (f"月度排名（默认方案，含上月）（{m.label}）", lambda: queries.ranking(m)),
        (f"各单位比率·季度（{q.label}）", lambda: queries.unit_rates(q)),
        (f"各单位比率·年（{y.label}）", lambda: queries.unit_rates(y)),
        (f"对照：年的计数直读统计事实表（{y.label}）", lambda: count_facts(Window(y.since, y.as_of()))),
        ("受理量·按日与渠道（月）", lambda: queries.volume(m, bucket="day")),
        ("受理量·按一级分类（月）", lambda: queries.categories(m)),
        ("受理量·按乡镇（月）", lambda: queries.townships(m)),
        (
            "超期（当前）与督办（月）·按单位",
            lambda: (queries.overdue_by_unit(), queries.supervised_by_unit(m)),
        ),
        ("refresh()（无新事件时）", refresh),
    ]
    if exports and unit_id is not None and leader is not None:
        views.append(("最忙单位的月台账 .xlsx", lambda: ledger_workbook(
            ledger(m, user=leader, unit_id=unit_id), title="bench", personal=False)))  # fmt: skip
    if exports:
        views.append(("月度报告 .xlsx", lambda: report_workbook(monthly_report(m))))
    if leader is not None:
        views += pages(leader, m, y)
    results = []
    for name, fn in views:
        median, runs = timed(fn, repeat)
        results.append((name, median, runs))
        print(f"{name:<40} median {median:9.1f} ms  runs {', '.join(f'{r:.0f}' for r in runs)}")
    start = time.perf_counter()
    exact = exact_counts(m)
    exact_ms = (time.perf_counter() - start) * 1000
    equal = exact == count_units(Window(m.since, m.as_of()))
    print(f"exact recompute of {m.label}: {exact_ms:.0f} ms, equal to the dashboard's counters: {equal}")
    return {"month": m, "views": results, "exact_ms": exact_ms, "equal": equal}


def write_doc(path: Path, ctx: dict[str, Any]) -> None:
    db = connection.settings_dict
    begin, end = (m.format(connection.vendor) for m in MARKERS)
    lines = [
        begin,
        f"## Statistics (stats) on {'PostgreSQL' if connection.vendor == 'postgresql' else 'SQLite'}",
        "",
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M} CST with "
        f"`python -m bench.stats --cases {ctx['cases']} "
        f"--repeat {ctx['repeat']}{ctx.get('flags', '')}` on {connection.vendor} ({db['NAME']}): "
        f"{ctx['cases_in_db']:,} cases, "
        f"{ctx['events']:,} events; Python {platform.python_version()}, Django {django.get_version()}. "
        "Medians of the runs after one warm-up, wall time in the Python process, milliseconds.",
        "",
        (
            f"Folding the whole event log into the fact tables (`mochou stats rebuild --all`): "
            f"{ctx['rebuild_s']:.1f} s for {ctx['cases_in_db']:,} cases ({ctx['fact_rows']:,} fact rows)."
            if ctx["rebuild_s"]
            else f"The fact tables ({ctx['fact_rows']:,} rows) were built before this run (`--no-rebuild`)."
        ),
        "",
        f"The daily counters (stats.daily): {ctx['cells']:,} cells"
        + (
            f", counted again from the fact tables in {ctx['retally_s']:.1f} s"
            " (`mochou stats rebuild --tally`)."
            if ctx["retally_s"]
            else "."
        ),
        "",
        "| view | median ms | runs |",
        "|---|---:|---|",
        *(
            f"| {name} | {median:.1f} | {', '.join(f'{r:.0f}' for r in runs)} |"
            for name, median, runs in ctx["views"]
        ),
        "",
        f"Exact recomputation of {ctx['month'].label} from the event log (what `mochou stats recompute` "
        f"does, no fact table read): {ctx['exact_ms']:.0f} ms; equal to the dashboard's counters: "
        f"{'yes' if ctx['equal'] else 'NO'}.",
        "",
        ctx.get("scale_note", ""),
        end,
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = "\n".join(lines)
    path.write_text(with_section(text, begin, end, section), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases the database should hold (100000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-rebuild", action="store_true", help="the fact tables are already built")
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument(
        "--retally", action="store_true", help="time counting the daily counters again (rebuild --tally)"
    )
    parser.add_argument(
        "--no-exports",
        action="store_true",
        help="skip the two .xlsx exports (not dashboard views; minutes at 1M)",
    )
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--note", default="", help="a sentence appended to the section (the scale measured)")
    parser.add_argument(
        "--month", default=None, help="the month to time (2026-08); default the last full one"
    )
    args = parser.parse_args(argv)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    have = Case.objects.count()
    if have < args.cases:
        from bench.generate import generate

        generate(args.cases - have)
    rebuild_s = 0.0
    if not args.no_rebuild:
        start = time.perf_counter()
        rebuild_all()
        rebuild_s = time.perf_counter() - start
        print(f"rebuild_all: {rebuild_s:.1f} s")
    retally_s, cells = 0.0, 0
    if args.retally:
        start = time.perf_counter()
        cells = retally()
        retally_s = time.perf_counter() - start
        print(f"retally: {retally_s:.1f} s, {cells:,} cells")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("stats_stintfact", "stats_answerfact", "stats_callbackfact", "stats_daycount"):
                cursor.execute(f"ANALYZE {table}")
    from stats.models import AnswerFact, CallbackFact, DayCount

    ctx = measure(args.repeat, args.month, exports=not args.no_exports)
    ctx |= {
        "cases": args.cases, "repeat": args.repeat, "cases_in_db": Case.objects.count(),
        "events": CaseEvent.objects.count(), "rebuild_s": rebuild_s, "retally_s": retally_s,
        "cells": DayCount.objects.count(),
        "fact_rows": StintFact.objects.count() + AnswerFact.objects.count() + CallbackFact.objects.count(),
        "scale_note": args.note,
        "flags": "".join(f" --{f}" for f in ("no-rebuild", "no-exports", "retally") if getattr(args, f.replace("-", "_"))),  # noqa: E501
    }  # fmt: skip
    if not args.no_doc:
        write_doc(Path(args.doc), ctx)
    return 0 if ctx["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())

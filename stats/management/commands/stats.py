"""`mochou stats recompute --start … --end …` and `mochou stats rebuild [--all | --day …]`.

recompute folds the event log itself (stats.exact: no fact table is read) and prints, per unit,
every counter and rate as the page shows them; `--check` also reads what the page reads and fails
if any number the page shows differs (stats.crosscheck): the counters of the period and of the
period before, the rates, and under the default scheme (or `--scheme CODE`, or `--scheme all`)
each unit's score, grade, rank, boards and change from the period before. rebuild re-folds the
fact tables (after a bulk load); `rebuild --tally` counts the daily counters again from the fact
tables (after the upgrade that brought them, if the sweep has not done it yet).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mochou.errors import DomainError
from stats.build import rebuild_all, rebuild_day, refresh, retally
from stats.crosscheck import check, exact_side
from stats.exact import exact_counts
from stats.models import Scheme
from stats.periods import parse_period
from stats.queries import RatesTable, rates_from_counts
from stats.store import scheme, schemes_in_force


def table_json(table: RatesTable) -> list[dict[str, Any]]:
    """One object per unit (and the centre and the city): counters and rates as the page shows them."""
    out = []
    for row in [*table.rows, table.centre, table.city]:
        out.append({
            "unit_id": row.unit_id, "unit": row.name, "level": row.level,
            "counts": dict(sorted(row.counts.items())),
            "rates": {code: v.shown for code, v in row.rates.items()},
        })  # fmt: skip
    return out


class Command(BaseCommand):
    help = "统计考核：从事件日志重算任意统计期（recompute），或重建统计事实表（rebuild）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        recompute = sub.add_parser("recompute", help="从事件日志重算，每个单位一行 JSON")
        recompute.add_argument("--start", help="开始日期 2026-11-01")
        recompute.add_argument("--end", help="结束日期 2026-11-30（含）")
        recompute.add_argument("--period", help="或：月份 2026-11、季度 2026Q4、年份 2026")
        recompute.add_argument("--level", choices=["township", "department"])
        recompute.add_argument(
            "--check", action="store_true",
            help="与页面逐项核对（本期与上期计数、比率、得分、分档、排名、较上期变化），不一致则失败",
        )  # fmt: skip
        recompute.add_argument(
            "--scheme",
            help="与 --check 一起：核对此考核方案的得分（方案代码；all 为全部现行方案；默认为默认方案）",
        )
        rebuild = sub.add_parser("rebuild", help="重建统计事实表")
        rebuild.add_argument("--all", action="store_true", help="全部工单")
        rebuild.add_argument("--day", help="某一天有事件的工单 2026-11-05")
        rebuild.add_argument("--tally", action="store_true", help="由统计事实表重算日计数（升级后）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "recompute":
                self._recompute(options)
            else:
                self._rebuild(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _recompute(self, options: dict[str, Any]) -> None:
        period = parse_period(options.get("start"), options.get("end"), preset=options.get("period"))
        level = options.get("level")
        if options.get("scheme") and not options["check"]:
            raise CommandError("--scheme 只与 --check 一起使用。")
        schemes = self._schemes(options.get("scheme")) if options["check"] else []
        as_of = period.as_of()
        # With --check the period before is counted on the same fold (for the change from it).
        exact = exact_side(period, as_of, schemes, level) if options["check"] else None
        if exact is not None:
            table = exact.table
        else:
            table = rates_from_counts(period, as_of, exact_counts(period, now=as_of), level)
        for line in table_json(table):
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if exact is not None:
            result = check(period, as_of, schemes, level, exact)
            if result.differences:
                raise CommandError(result.failure())
            self.stderr.write(result.summary())

    @staticmethod
    def _schemes(code: str | None) -> list[Scheme]:
        if code == "all":
            return schemes_in_force()
        return [scheme(code or None)[0]]

    def _rebuild(self, options: dict[str, Any]) -> None:
        if options["tally"]:
            self.stdout.write(f"已重算日计数 {retally()} 格。")
            return
        if options["all"]:
            count = rebuild_all()
        elif options.get("day"):
            try:
                count = rebuild_day(date.fromisoformat(options["day"]))
            except ValueError as exc:
                raise CommandError("日期写作 2026-11-05。") from exc
        else:
            count = refresh()
        self.stdout.write(f"已重建 {count} 件工单的统计行。")

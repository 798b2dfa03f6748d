"""`mochou hotspots find FILE.csv | evaluate | recompute`: 高频事 from the command line."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "高频事：对留言文件找出高频事（每行一个 JSON），在人工分组上评估，或从工单重新计算。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        find = sub.add_parser(
            "find", help="对 CSV（留言编号、留言主题、留言时间、留言详情[、点赞数、反对数]）输出高频事"
        )
        find.add_argument("file", help="CSV 文件（'-' 为标准输入）")
        find.add_argument(
            "--window-days", type=float, default=None, help="滑动窗口天数（默认：整个文件为一个窗口）"
        )
        find.add_argument("--end", default=None, help="窗口结束时间（默认：文件中最晚一条之后）")
        find.add_argument("--limit", type=int, default=0, help="只输出最热的前 N 个（0 为全部）")
        evaluate = sub.add_parser("evaluate", help="在人工分组（开发/测试划分）上评估，写入 docs/hotspots.md")
        evaluate.add_argument("--doc", default="docs/hotspots.md")
        evaluate.add_argument("--no-doc", action="store_true", help="只打印，不写文件")
        sub.add_parser("recompute", help="从工单重新计算高频事（与定时任务相同）")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "find":
            from hotspots.method import Params
            from hotspots.offline import find_lines, parse_time, read_items

            path = options["file"]
            if path != "-" and not Path(path).is_file():
                raise CommandError(f"找不到文件：{path}")
            end: datetime | None = None
            if options["end"]:
                end = parse_time(options["end"])
                if end is None:
                    raise CommandError(f"无法识别的时间：{options['end']}")
            started = time.perf_counter()
            items = read_items(path)
            lines = find_lines(items, replace(Params(), window_days=options["window_days"]), end=end)
            if options["limit"]:
                lines = lines[: options["limit"]]
            for line in lines:
                self.stdout.write(line)
            self.stderr.write(
                f"{len(items)} 条留言，{len(lines)} 个高频事，用时 {time.perf_counter() - started:.1f} 秒"
            )
        elif verb == "evaluate":
            from hotspots.evaluate import evaluate

            report = evaluate(None if options["no_doc"] else Path(options["doc"]))
            self.stdout.write(report["markdown"])
        else:
            from hotspots.services import recompute

            self.stdout.write(json.dumps(recompute(), ensure_ascii=False))

"""`mochou supervision extract FILE | evaluate | sweep`: the 督查室's commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError


class Command(BaseCommand):
    help = (
        "督查督办：从会议纪要识别待审事项（每行一个 JSON），在人工标注的纪要上评估识别效果，"
        "或运行督办单扫描。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        extract = sub.add_parser(
            "extract", help="识别纪要中的决策承诺：每项一行 JSON（text, plan, lead_unit, deadline, target）"
        )
        extract.add_argument("file", help=".txt 或 .docx 文件（'-' 为标准输入）")
        extract.add_argument("--held-on", default=None, help="会议日期 YYYY-MM-DD（识别“年底前”等）")
        sub.add_parser(
            "evaluate",
            help="在 supervision/data/labels/ 的人工标注纪要上评估（精确率、召回率、时限与目标准确率）",
        )
        sub.add_parser("sweep", help="扫描督办事项，发出到期的三色督办单（与定时任务相同）")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "extract":
            from supervision.extract import read_docx
            from supervision.extract_db import extract_from_db

            path = options["file"]
            if path == "-":
                import sys

                text = sys.stdin.read()
            elif not Path(path).is_file():
                raise CommandError(f"找不到文件：{path}")
            elif path.lower().endswith(".docx"):
                text = read_docx(Path(path).read_bytes())
            else:
                text = Path(path).read_text(encoding="utf-8-sig")
            held = options["held_on"]
            try:
                year = date.fromisoformat(held).year if held else None
            except ValueError:
                raise CommandError(f"无法识别的日期：{held}") from None
            try:
                drafts = extract_from_db(text, year=year)
            except DatabaseError:  # no migrated database: the shipped plans and demo units
                from supervision.extract import extract
                from supervision.extract_db import spec_plans
                from supervision.extract_eval import demo_units

                self.stderr.write("数据库未就绪，按内置的八大计划和演示单位识别。")
                drafts = extract(text, plans=spec_plans(), units=demo_units(), year=year)
            for draft in drafts:
                self.stdout.write(json.dumps(draft.as_json(), ensure_ascii=False))
        elif verb == "evaluate":
            from supervision.extract_eval import evaluate_all, report

            self.stdout.write(report(evaluate_all()))
        else:
            from django.utils import timezone

            from supervision.task_sweeps import sweep_tasks

            self.stdout.write(json.dumps(sweep_tasks(timezone.now()), ensure_ascii=False))

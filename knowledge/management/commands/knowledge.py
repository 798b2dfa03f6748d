"""`mochou knowledge evaluate`: the hit rates of guide search on the shipped question set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "莫愁指南：用随包的群众问法评估检索效果（top-1 / top-3 命中率），并写入 docs/knowledge.md。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        evaluate = sub.add_parser("evaluate", help="评估检索命中率")
        evaluate.add_argument("--doc", default="docs/knowledge.md", help="写入成绩的文档（'-' 为不写）")

    def handle(self, *args: Any, **options: Any) -> None:
        from knowledge import evaluate

        rank, titles = evaluate.demo_ranker()
        result = evaluate.evaluate(rank, evaluate.load_questions(), titles)
        body = evaluate.report(result)
        self.stdout.write(body)
        if options["doc"] != "-":
            evaluate.write_doc(Path(options["doc"]), "Measured with `mochou knowledge evaluate`:\n\n" + body)
            self.stdout.write(f"\n已写入 {options['doc']}")

"""`mochou load_taxonomy`: build the 事项分类 tree from the shipped taxonomy CSV (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.taxonomy import TAXONOMY_CSV, load_taxonomy


class Command(BaseCommand):
    help = (
        "从分类表（一级分类,二级分类,三级分类）创建或更新事项分类树，并设置时限和默认承办单位（可重复执行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=TAXONOMY_CSV, help="分类表 CSV（默认为内置分类表）")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_taxonomy(options["file"])
        self.stdout.write(
            self.style.SUCCESS(f"事项分类已就绪：一级{counts[1]}个，二级{counts[2]}个，三级{counts[3]}个。")
        )

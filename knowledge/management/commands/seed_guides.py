"""`mochou seed_guides`: load the demo 莫愁指南 (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "导入演示用的办事指南（已发布）；可重复运行。需要先有演示单位（mochou seed_demo）。"

    def handle(self, *args: Any, **options: Any) -> None:
        from knowledge.demo import seed_guides

        counts = seed_guides()
        self.stdout.write(
            f"办事指南：新建 {counts['created']} 条，已有 {counts['kept']} 条，"
            f"缺少责任单位而跳过 {counts['skipped']} 条。"
        )

"""`mochou seed_org`: create or update the demo city's units (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from org.demo import seed_org
from org.models import UnitKind


class Command(BaseCommand):
    help = "创建或更新钟祥市的单位：12345热线中心、市直部门、31个乡镇场库及其574个村（社区）（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_org()
        summary = "，".join(f"{UnitKind(kind).label}{n}个" for kind, n in counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"单位已就绪：{summary}。"))

"""`mochou seed_demo [--cases N] [--seed S] [--force]`: the demo city with N cases in every state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.demo import DEMO_PASSWORD
from cases.workflow import State
from mochou.demo import seed_demo
from org.models import UnitKind


class Command(BaseCommand):
    help = (
        "生成演示数据：工作日历、钟祥市单位、事项分类、演示用户，以及分布在近60天、覆盖各办理状态的工单"
        "（全部通过业务服务生成）。数据库中已有工单时跳过工单生成，除非使用 --force。"
    )

    # No checks before seeding: on a fresh database they would only warn about the calendar that
    # this command is about to fill.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="生成的工单数量（默认300）")
        parser.add_argument("--seed", type=int, default=42, help="随机种子：相同种子生成相同数据（默认42）")
        parser.add_argument("--force", action="store_true", help="即使已有工单也再生成一批")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = seed_demo(options["cases"], seed=options["seed"], force=options["force"])
        write = self.stdout.write
        write(
            f"工作日历：{report.calendar_years[0]}–{report.calendar_years[-1]}年（chinese_calendar 数据包）。"
        )
        if report.provisional_years:
            years = "、".join(str(y) for y in report.provisional_years)
            write(
                self.style.WARNING(
                    f"{years}年尚无法定节假日数据，已按“仅周末休息”生成临时日历，请管理员修正。"
                )
            )
        write("单位：" + "，".join(f"{UnitKind(k).label}{n}个" for k, n in report.units.items() if n) + "。")
        c = report.categories
        write(f"事项分类：一级{c[1]}个，二级{c[2]}个，三级{c[3]}个。")
        write(f"演示用户：{report.users}个，密码均为 {DEMO_PASSWORD}。")
        if report.enterprises:
            firms = report.enterprises
            write(f"企业：{firms['enterprises']}家（店小二诉求 {firms['appeals']} 件）。")
            if report.enterprises.get("link"):
                write(f"演示企业诉求链接：{report.enterprises['link']}")
        if report.cases is None:
            write(self.style.WARNING("数据库中已有工单，未再生成（如需追加请加 --force）。"))
        else:
            states = "，".join(f"{State(s).label}{report.cases.get(s, 0)}" for s in State.values)
            write(f"工单：{sum(report.cases.values())}件（{states}）。")
        write(self.style.SUCCESS(f"演示数据已就绪，用时{time.monotonic() - started:.1f}秒。"))

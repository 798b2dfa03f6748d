"""manage.py calendar seed|add-year|show — maintain the working-day calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mochou.errors import DomainError
from worktime.models import CalendarDay
from worktime.seeding import WEEKEND, add_weekend_year, known_years, seed_year

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class Command(BaseCommand):
    help = "维护工作日历：导入法定节假日（seed）、添加临时年份（add-year）、查看某年安排（show）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seed = actions.add_parser("seed", help="从 chinese_calendar 导入节假日与调休")
        seed.add_argument("--year", type=int, action="append", help="只导入指定年份（可重复），默认全部")
        seed.add_argument("--force", action="store_true", help="同时覆盖管理员修改过的日期")
        add_year = actions.add_parser("add-year", help="添加仅含周末的临时年份，供管理员补录节假日")
        add_year.add_argument("year", type=int)
        show = actions.add_parser("show", help="列出某年的节假日与调休上班日")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "seed":
                self.seed(options["year"] or known_years(), force=options["force"])
            elif action == "add-year":
                self.add_year(options["year"])
            else:
                self.show(options["year"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def seed(self, years: list[int], *, force: bool) -> None:
        for year in years:
            written = seed_year(year, overwrite_admin=force)
            kept = 0 if force else _days_in(year) - written
            note = f"，保留管理员修改的 {kept} 天" if kept else ""
            self.stdout.write(f"{year}年：已导入 {written} 天{note}。")

    def add_year(self, year: int) -> None:
        added = add_weekend_year(year)
        if not added:
            self.stdout.write(f"{year}年的工作日历已存在，未做修改。")
            return
        self.stdout.write(f"{year}年：已添加 {added} 天（仅周六、周日休息）。")
        self.stdout.write("请在后台“工作日历”中按国务院通知补录节假日与调休。")

    def show(self, year: int) -> None:
        days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
        if not days:
            raise CommandError(f"{year}年的工作日历尚未配置。")
        workdays = sum(d.is_workday for d in days)
        self.stdout.write(f"{year}年：工作日 {workdays} 天，休息日 {len(days) - workdays} 天。")
        self.stdout.write("节假日：")
        for run in _holiday_runs(days):
            self.stdout.write("  " + _describe_run(run))
        self.stdout.write("调休上班：")
        for day in days:
            if day.is_workday and day.date.weekday() >= 5:
                self.stdout.write(f"  {day.date.isoformat()}（{WEEKDAYS[day.date.weekday()]}）{day.name}")


def _days_in(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def _is_holiday(day: CalendarDay) -> bool:
    """A rest day that is not just an ordinary weekend."""
    return not day.is_workday and (day.date.weekday() < 5 or day.name not in ("", WEEKEND))


def _holiday_runs(days: list[CalendarDay]) -> list[list[CalendarDay]]:
    """Consecutive rest days that contain a holiday, weekends included, as a notice counts them."""
    runs: list[list[CalendarDay]] = []
    for day in days:
        if day.is_workday:
            continue
        if runs and runs[-1][-1].date + timedelta(days=1) == day.date:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [run for run in runs if any(_is_holiday(d) for d in run)]


def _describe_run(run: list[CalendarDay]) -> str:
    names = list(dict.fromkeys(d.name or "休息" for d in run if _is_holiday(d)))
    first, last = run[0].date, run[-1].date
    span = first.isoformat() if first == last else f"{first.isoformat()} 至 {last.isoformat()}"
    return f"{span} {'、'.join(names)}（{len(run)}天）"

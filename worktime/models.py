"""The working-day calendar: one row per day of every configured year."""

from __future__ import annotations

from django.db import models


class CalendarSource(models.TextChoices):
    CHINESE_CALENDAR = "chinese_calendar", "chinese_calendar 数据包"
    ADMIN = "admin", "管理员"


class CalendarDay(models.Model):
    """One day of the statutory calendar.

    Every day of a configured year has a row, so "is the year configured?" is one EXISTS query
    and a missing year can never be mistaken for "no holidays that year".
    """

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("工作日", help_text="勾选表示当天上班（包括调休上班的周末）。")
    name = models.CharField("说明", max_length=64, blank=True, help_text="如“国庆节”“国庆节调休上班”“周末”。")
    source = models.CharField(
        "来源",
        max_length=32,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMIN,
        help_text="管理员修改过的日期不会被重新导入覆盖。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作日历日期"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "工作日" if self.is_workday else "休息日"
        return f"{self.date.isoformat()} {kind}{'（' + self.name + '）' if self.name else ''}"

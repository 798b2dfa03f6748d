"""System check mochou.W001: deadlines need next year's calendar before the year turns."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError
from django.utils import timezone

from worktime.models import CalendarDay

# The State Council publishes next year's holidays around November; from then on a missing
# calendar is worth nagging about.
WARN_FROM_MONTH = 11


def _year_configured(year: int) -> bool:
    return CalendarDay.objects.filter(date__year=year).exists()


def calendar_coverage_warnings(today: date) -> list[CheckMessage]:
    """Warnings for the current year, and from November for next year, having no calendar."""
    years = [today.year]
    if today.month >= WARN_FROM_MONTH:
        years.append(today.year + 1)
    return [
        Warning(
            f"{year}年的工作日历尚未配置，涉及该年的工单期限将无法计算。",
            hint=(
                f"运行“manage.py calendar seed --year {year}”导入节假日；若 chinese_calendar 尚无该年数据，"
                f"运行“manage.py calendar add-year {year}”后在后台“工作日历”中补录节假日与调休。"
            ),
            obj="worktime.CalendarDay",
            id="mochou.W001",
        )
        for year in years
        if not _year_configured(year)
    ]


@register()
def check_calendar_coverage(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        return calendar_coverage_warnings(timezone.localdate())
    except DatabaseError:
        # Before the first migrate there is no table to look at; migrate itself runs checks.
        return []

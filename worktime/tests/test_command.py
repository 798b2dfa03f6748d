from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from worktime.models import CalendarDay


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_one_year() -> None:
    assert run("seed", "--year", "2025") == "2025年：已导入 365 天。\n"
    assert CalendarDay.objects.filter(date__year=2025).count() == 365


@pytest.mark.django_db
def test_seed_reports_kept_admin_days() -> None:
    run("seed", "--year", "2025")
    CalendarDay.objects.filter(date="2025-09-30").update(source="admin")
    assert run("seed", "--year", "2025") == "2025年：已导入 364 天，保留管理员修改的 1 天。\n"
    assert run("seed", "--year", "2025", "--force") == "2025年：已导入 365 天。\n"


@pytest.mark.django_db
def test_seed_unknown_year_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="没有2099年的节假日数据"):
        run("seed", "--year", "2099")


@pytest.mark.django_db
def test_add_year_then_show() -> None:
    assert "2099年：已添加 365 天（仅周六、周日休息）。" in run("add-year", "2099")
    assert run("add-year", "2099") == "2099年的工作日历已存在，未做修改。\n"
    shown = run("show", "2099")
    # 2099 has 52 Saturdays and 52 Sundays; no holidays and no 调休 yet.
    assert shown == "2099年：工作日 261 天，休息日 104 天。\n节假日：\n调休上班：\n"


@pytest.mark.django_db
def test_show_lists_holidays_and_adjusted_workdays() -> None:
    run("seed", "--year", "2025")
    shown = run("show", "2025")
    assert "  2025-10-01 至 2025-10-08 国庆节、中秋节（8天）\n" in shown
    assert "  2025-01-28 至 2025-02-04 春节（8天）\n" in shown
    assert "  2025-09-28（周日）国庆节调休上班\n" in shown
    assert "  2025-10-11（周六）国庆节调休上班\n" in shown
    assert "  2025-09-27" not in shown  # an ordinary weekend is not a holiday


@pytest.mark.django_db
def test_show_missing_year() -> None:
    with pytest.raises(CommandError, match="2099年的工作日历尚未配置"):
        run("show", "2099")

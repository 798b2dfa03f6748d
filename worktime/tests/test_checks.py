from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core import checks

from worktime.checks import calendar_coverage_warnings, check_calendar_coverage
from worktime.seeding import add_weekend_year, seed_year


@pytest.mark.django_db
def test_no_warning_when_current_year_is_configured_before_november() -> None:
    seed_year(2025)
    assert calendar_coverage_warnings(date(2025, 10, 31)) == []


@pytest.mark.django_db
def test_warns_from_november_when_next_year_is_missing() -> None:
    seed_year(2025)
    warnings = calendar_coverage_warnings(date(2025, 11, 1))
    assert [(w.id, w.level) for w in warnings] == [("mochou.W001", checks.WARNING)]
    assert "2026年的工作日历尚未配置" in warnings[0].msg
    assert "calendar seed --year 2026" in (warnings[0].hint or "")

    seed_year(2026)
    assert calendar_coverage_warnings(date(2025, 12, 31)) == []


@pytest.mark.django_db
def test_warns_when_current_year_is_missing() -> None:
    warnings = calendar_coverage_warnings(date(2099, 3, 1))
    assert [w.msg for w in warnings] == ["2099年的工作日历尚未配置，涉及该年的工单期限将无法计算。"]
    add_weekend_year(2099)  # a provisional calendar is enough to silence it
    assert calendar_coverage_warnings(date(2099, 3, 1)) == []


@pytest.mark.django_db
def test_check_is_registered_and_uses_local_today() -> None:
    seed_year(2025)
    # 2025-10-31 16:30 UTC is already 1 November in Shanghai.
    with time_machine.travel("2025-10-31T16:30:00Z", tick=False):
        found = check_calendar_coverage()
    assert check_calendar_coverage in checks.registry.registry.get_checks()
    assert [m.msg for m in found] == ["2026年的工作日历尚未配置，涉及该年的工单期限将无法计算。"]

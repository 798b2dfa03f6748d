"""`mochou stats recompute --check` over the known world (stats/tests/world.py): what the leaders see
(rates, scores, grades, ranks, the change from the period before), from the event log and from the
page's path, held equal; a tampered daily cell or fact row fails it, naming the unit and the field."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from cases.models import Satisfaction
from stats.models import CallbackFact, DayCount
from stats.periods import month
from stats.queries import ranking
from stats.store import schemes_in_force
from stats.tests.world import at, build

# October: housing's B rated 基本满意 on 10-10; the period before, September, has A's and E's
# callbacks (housing) and C's (the township), so every unit has a change from it.
OCTOBER = ("--period", "2025-10", "--check")


@pytest.fixture
def world(city, clock):
    return build(city, clock)


def recompute(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", "recompute", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failure(*args: str) -> list[str]:
    with pytest.raises(CommandError) as caught:
        recompute(*args)
    assert caught.value.returncode == 1  # the exit status from the command line
    return str(caught.value).splitlines()


def tamper_day(unit: int, day: date, counter: str, by: int = -1) -> None:
    cells = DayCount.objects.filter(unit=unit, day=day, **{f"{counter}__gt": 0})
    assert cells.update(**{counter: F(counter) + by}) == 1


def test_check_passes_on_the_known_world_and_says_what_it_checked(world):
    ranked = ranking(month(2025, 10))
    housing = next(r for r in ranked.rows if r.name == "市住建局")
    assert housing.score is not None
    assert housing.previous_score is not None  # a change to check
    out, err = recompute(*OCTOBER)
    assert [json.loads(line)["unit"] for line in out.splitlines()] == [
        "市教育局", "市住建局", "郢中街道", "12345热线中心", "全市"
    ]  # fmt: skip
    assert err.startswith("核对一致（2025年10月，截至 2025-10-20 10:00）")
    # 3 units and the centre x 19 counters x 2 periods; 5 rows x 10 rates.
    assert "3 个单位及中心、全市的 152 个计数（本期和上期 2025年9月）、50 个比率" in err
    assert f"方案“{ranked.scheme.name}”（第1版）的 1 个得分（另 2 个单位不参评）、1 个分档、1 个排名" in err
    assert "及较上期的变化，页面所示与事件日志重算的完全相同。" in err


def test_check_passes_under_every_scheme_in_force_and_for_one_level(world):
    _out, err = recompute(*OCTOBER, "--scheme", "all")
    for scheme in schemes_in_force():
        assert f"方案“{scheme.name}”" in err
    out, err = recompute("--start", "2025-09-22", "--end", "2025-10-31", "--check", "--level", "township")
    assert err.startswith("核对一致")
    assert "1 个单位及中心、全市" in err
    assert "郢中街道" in out
    assert "市住建局" not in out


def test_a_tampered_day_cell_fails_naming_the_unit_and_each_figure_that_differs(world):
    recompute(*OCTOBER)  # the facts and the cells are built, and agree
    tamper_day(world.city.housing.pk, date(2025, 10, 10), "satisfied")  # B's 基本满意 gone
    lines = failure(*OCTOBER, "--scheme", "bengbu")
    assert lines[0] == "页面与事件日志重算不一致（2025年10月，11 处）："
    assert lines[-1] == "请运行 mochou stats rebuild --all 后再核对。"
    assert [line.strip() for line in lines[1:-1]] == [
        "市住建局 计数“满意”：页面 0，事件日志 1",
        "市住建局 满意率：页面 0.00%，事件日志 100.00%",
        "全市 满意率：页面 0.00%，事件日志 100.00%",
        # 蚌埠: housing falls from first to second, and from 优秀 to 不合格; 教育局 moves up.
        "市教育局 排名：页面 1，事件日志 2",
        "市教育局 较上期名次变化：页面 1，事件日志 0",
        "市住建局 得分：页面 40.0，事件日志 100.0",
        "市住建局 得分率：页面 40.0，事件日志 100.0",
        "市住建局 分档：页面 不合格，事件日志 优秀",
        "市住建局 排名：页面 2，事件日志 1",
        "市住建局 较上期得分变化：页面 -45.83，事件日志 14.17",
        "市住建局 较上期名次变化：页面 -1，事件日志 0",
    ]


def test_a_tampered_cell_of_the_period_before_fails_on_the_change_alone(world):
    recompute(*OCTOBER)
    tamper_day(world.city.housing.pk, date(2025, 9, 24), "satisfied")  # A's 满意, in September
    differences = [line.strip() for line in failure(*OCTOBER)[1:-1]]
    # October's own counters, rates and scores agree: only the period before and the change differ.
    assert differences == [
        "市住建局 上期计数“满意”：页面 1，事件日志 2",
        "市住建局 上期得分：页面 74.17，事件日志 96.67",
        "市住建局 上期分档：页面 合格，事件日志 优秀",
        "市住建局 较上期得分变化：页面 -24.17，事件日志 -46.67",
    ]


def test_a_tampered_fact_row_counted_today_fails(world, clock):
    clock.move_to(at(10, month=10, hour=15))  # B's callback at 10:00 is today's: read from the fact table
    recompute(*OCTOBER)
    rows = CallbackFact.objects.filter(case=world.cases["B"], satisfaction=Satisfaction.BASICALLY)
    assert rows.update(satisfaction=Satisfaction.UNSATISFIED) == 1
    differences = [line.strip() for line in failure(*OCTOBER)[1:-1]]
    assert differences[:2] == [
        "市住建局 计数“满意”：页面 0，事件日志 1",
        "市住建局 满意率：页面 0.00%，事件日志 100.00%",
    ]
    assert any(d.startswith("市住建局 得分：") for d in differences)


def test_a_scheme_is_chosen_only_with_check_and_must_exist(world):
    assert failure("--period", "2025-10", "--scheme", "bengbu") == ["--scheme 只与 --check 一起使用。"]
    assert failure(*OCTOBER, "--scheme", "nowhere") == ["没有代码为“nowhere”的现行考核方案。"]

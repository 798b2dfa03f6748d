"""The daily counters give what the fact tables give, for any window, as cases change.

The known world (stats/tests/world.py) has returns, reopenings, replaced callbacks and an
unreachable citizen across September and October 2025; every window below is read both ways.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from cases import services
from cases.models import Case, Satisfaction
from stats import daily
from stats.build import rebuild_all, rebuild_cases, refresh, retally, sweep
from stats.counting import Window, count_facts
from stats.exact import exact_counts
from stats.models import BuildMark, DayCount
from stats.periods import Period
from stats.tests.world import END_OF_WORLD, build

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(city, clock):
    w = build(city, clock)
    refresh()
    return w


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


def windows() -> list[Window]:
    """Starts at midnights from before the first case to after the last; ends at midnights and
    at moments within a day (a running period's now), 09:00, 14:30, 23:59."""
    first = date(2025, 9, 20)
    starts = [_midnight(first + timedelta(days=d)) for d in range(0, 32, 3)]
    ends = []
    for d in range(0, 34, 2):
        day = first + timedelta(days=d)
        ends += [_midnight(day), _midnight(day).replace(hour=9), _midnight(day).replace(hour=14, minute=30)]
    ends.append(_midnight(date(2025, 10, 9)).replace(hour=23, minute=59))
    return [Window(s, e) for s in starts for e in ends if e > s]


def _differences(ws: list[Window]) -> list[tuple[Window, dict, dict]]:
    out = []
    for w in ws:
        fast, facts = daily.count_units(w), count_facts(w)
        if fast != facts:
            out.append((w, fast, facts))
    return out


def test_every_window_reads_the_same_from_the_cells_as_from_the_fact_tables(world):
    assert daily.ready()
    assert DayCount.objects.exists()
    ws = windows()
    assert len(ws) > 300
    assert _differences(ws) == []
    # Not an empty agreement: the windows counted something, returns and replaced callbacks too.
    october = Window(_midnight(date(2025, 9, 22)), END_OF_WORLD)
    counts = daily.count_units(october)
    assert sum(c["returned"] for c in counts.values()) >= 1
    assert sum(c["reopened"] for c in counts.values()) >= 1
    assert sum(c["unreachable"] for c in counts.values()) == 1


def test_a_period_from_the_cells_is_what_the_event_log_says(world):
    for period in (
        Period(date(2025, 9, 22), date(2025, 10, 31)),
        Period(date(2025, 9, 1), date(2025, 9, 30)),
    ):
        w = Window(period.since, period.as_of())
        assert daily.count_units(w) == exact_counts(period)


def test_cases_changed_later_move_the_cells_with_them(world, clock):
    u = world.city.users
    edu_leader = User.objects.get(username="edu_leader")
    next_day = _midnight(END_OF_WORLD.date() + timedelta(days=1))
    # The next day 教育局 accepts F at last (late) and answers H; H is called back the day after,
    # so its answer's 回访 is known a day after the answer is counted.
    clock.move_to(next_day.replace(hour=10))
    services.accept(Case.objects.get(pk=world.cases["F"].pk), actor=u["outsider"])
    h = Case.objects.get(pk=world.cases["H"].pk)
    services.submit_reply(h, actor=u["outsider"], body="经核实，该小区属第三学区，已书面告知。")
    services.approve_reply(h, actor=edu_leader)
    clock.move_to(next_day.replace(hour=10) + timedelta(days=1))
    h = Case.objects.get(pk=h.pk)
    services.callback(h, actor=u["agent"], reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    assert refresh() == 2
    october = _midnight(date(2025, 10, 1))
    later = [Window(october, next_day + timedelta(hours=h)) for h in (12, 24, 35, 48)]
    ws = [*windows(), *later]
    assert _differences(ws) == []
    called = [sum(c["called_back"] for c in daily.count_units(w).values()) for w in later]
    assert called[1:] == [called[0], called[0] + 1, called[0] + 1]  # H's, from the moment it came
    # Folding the same cases again changes nothing (each fold takes away what the last one added).
    ids = [c.pk for c in world.cases.values()]
    rebuild_cases(ids)
    rebuild_cases(ids)
    assert _differences(ws) == []


def test_counting_again_gives_the_same_cells(world):
    before = sorted(DayCount.objects.values_list("unit", "day", "known", "handled", "rated", "dispatched"))
    assert retally() > 0
    again = sorted(DayCount.objects.values_list("unit", "day", "known", "handled", "rated", "dispatched"))
    assert [r for r in again if any(r[3:])] == [r for r in before if any(r[3:])]
    assert rebuild_all() == len(world.cases)
    assert daily.ready()
    assert _differences(windows()) == []


def test_without_the_cells_the_pages_count_on_the_fact_tables_and_the_sweep_builds_them(world):
    BuildMark.objects.filter(name=daily.MARK).delete()
    DayCount.objects.all().delete()
    w = Window(_midnight(date(2025, 9, 22)), END_OF_WORLD)
    assert not daily.ready()
    assert daily.count_units(w) == count_facts(w)  # from the fact tables, not the empty cells
    rebuild_cases([c.pk for c in world.cases.values()])  # not counted into cells never built
    assert not DayCount.objects.exists()
    sweep(END_OF_WORLD.date())
    assert daily.ready()
    assert _differences(windows()) == []

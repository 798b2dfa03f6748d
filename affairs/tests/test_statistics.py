"""政务服务统计 on a small known world of September 2025, each figure asserted exactly.

A1 online, accepted and granted the day it came, posted           → 当日办结, 按时, 提前, 网办, 0 trips
A2 at the window, granted after its promise, collected at the window, rated 1 → 超期, 2 trips, 差评
A3 online, 补正 at the window, accepted, never concluded (past its promise) → 超期, 网办, 1 trip
A4 online, withdrawn                                               → not counted
A5 a 即办件 at the window, granted and collected the same day, rated 5 → 当日办结, 按时, 1 trip (one day)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from affairs.models import Application
from affairs.services import applications as svc
from affairs.statistics import BY_CODE, drill, table, visits
from affairs.workflow import Channel, Delivery
from stats.periods import month

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
SEPTEMBER = month(2025, 9)
NOW = datetime(2025, 10, 10, 10, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0, month_: int = 9) -> datetime:
    return datetime(2025, month_, day, hour, minute, tzinfo=TZ)


def _approve(app: Application, city: Any, when: datetime, grant: bool = True) -> Application:
    app = svc.approve_step(app, actor=city.users["clerk"], now=when)
    return svc.grant(app, actor=city.users["unit_leader"], now=when) if grant else app


@pytest.fixture
def world(city: Any, matter: Any, quick_matter: Any, window: Any, person: Any) -> dict[str, Application]:
    names = [m["name"] for m in matter.materials]
    a1 = svc.submit(matter, person, provided=names, channel=Channel.ONLINE, now=at(24, 9))
    a1 = svc.accept(a1, actor=window, now=at(24, 9, 30))
    a1 = _approve(a1, city, at(24, 11))
    a1 = svc.deliver(a1, actor=window, delivery=Delivery.POST, tracking_number="SF1", now=at(24, 15))

    a2 = svc.submit(matter, person, provided=names, channel=Channel.WINDOW, actor=window, now=at(24, 10))
    a2 = svc.accept(a2, actor=window, now=at(24, 10, 5))
    a2 = _approve(a2, city, at(30, 11))  # promised by 29 Sep 10:05
    a2 = svc.deliver(a2, actor=window, delivery=Delivery.WINDOW, now=at(30, 16))
    a2 = svc.rate(a2, rating=1, note="等太久", actor=window, now=at(30, 16, 5))

    a3 = svc.submit(matter, person, provided=names[:1], channel=Channel.ONLINE, now=at(24, 11))
    a3 = svc.notify(a3, actor=window, items=[names[1]], now=at(24, 14))
    a3 = svc.correct(a3, provided=names, actor=window, now=at(25, 9))
    a3 = svc.accept(a3, actor=window, now=at(25, 9, 10))  # promised by 30 Sep, still approving

    a4 = svc.submit(matter, person, provided=names, channel=Channel.ONLINE, now=at(24, 12))
    svc.withdraw(a4, token=a4.token, now=at(24, 13))

    a5 = svc.submit(
        quick_matter, person, provided=["身份证"], channel=Channel.WINDOW, actor=window, now=at(26, 9)
    )
    a5 = svc.accept(a5, actor=window, now=at(26, 9, 2))
    a5 = svc.grant(a5, actor=window, now=at(26, 9, 5))
    a5 = svc.deliver(a5, actor=window, delivery=Delivery.WINDOW, now=at(26, 9, 6))
    a5 = svc.rate(a5, rating=5, actor=window, now=at(26, 9, 7))
    return {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5}


def _figures(world: Any, by: str = "department") -> Any:
    return table(Application.objects.all(), SEPTEMBER, by=by, now=NOW)


def test_each_figure_of_the_month_is_exact(world: Any) -> None:
    total = _figures(world).total.figures
    got = {code: (f.hits, f.count, f.value) for code, f in total.items()}
    assert got == {
        "volume": (0, 4, 4.0),
        "immediate": (2, 4, 0.5),
        "on_time": (2, 3, 2 / 3),
        "early": (1, 3, 1 / 3),
        "overdue": (0, 2, 2.0),
        "online": (2, 4, 0.5),
        "visits": (4, 4, 1.0),
        "good": (1, 2, 0.5),
    }


def test_trips_are_the_days_at_the_hall(world: Any) -> None:
    trips = visits(Application.objects.filter(pk__in=[a.pk for a in world.values()]))
    assert {k: trips[a.pk] for k, a in world.items()} == {"A1": 0, "A2": 2, "A3": 1, "A4": 0, "A5": 1}


def test_per_matter_the_rows_add_up_to_the_total(world: Any, matter: Any, quick_matter: Any) -> None:
    t = _figures(world, by="matter")
    rows = {r.key: r.figures for r in t.rows}
    assert rows[matter.pk]["volume"].count == 3
    assert rows[quick_matter.pk]["volume"].count == 1
    assert rows[quick_matter.pk]["immediate"].value == 1.0
    assert rows[matter.pk]["overdue"].count == 2
    assert rows[matter.pk]["visits"].hits == 3


def test_every_figure_lists_the_applications_behind_it(world: Any) -> None:
    def numbers(code: str, part: str = "hits") -> set[str]:
        rows = drill(Application.objects.all(), SEPTEMBER, BY_CODE[code], part=part, now=NOW)
        return {k for k, a in world.items() if rows.filter(pk=a.pk).exists()}

    assert numbers("volume") == {"A1", "A2", "A3", "A5"}
    assert numbers("immediate") == {"A1", "A5"}
    assert numbers("on_time") == {"A1", "A5"}
    assert numbers("on_time", "all") == {"A1", "A2", "A5"}
    assert numbers("early") == {"A1"}
    assert numbers("overdue") == {"A2", "A3"}
    assert numbers("online") == {"A1", "A3"}
    assert numbers("good") == {"A5"}
    assert numbers("good", "all") == {"A2", "A5"}


def test_another_month_counts_nothing_of_september(world: Any) -> None:
    total = table(Application.objects.all(), month(2025, 8), now=NOW).total.figures
    assert total["volume"].count == 0
    assert total["on_time"].value is None


def test_a_department_sees_only_its_own_figures(world: Any, outsider: Any) -> None:
    t = table(Application.objects.visible_to(outsider), SEPTEMBER, now=NOW)
    assert t.rows == []
    assert t.total.figures["volume"].count == 0

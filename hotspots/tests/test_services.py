"""高频事 on the cases: the known world's hotspots stored in order, recomputed idempotently, the
supervisors told once, a hotspot taken up as one task whose result shows on each of its cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from cases.models import Case, Category
from hotspots import services
from hotspots.models import Hotspot, HotspotMember, ProactiveTask
from hotspots.queries import newest_hotspots, top_hotspots
from hotspots.tests.world import EXPECTED, REQUESTS, when
from hotspots.workflow import State
from mochou.errors import NotPermitted
from notifications.models import Notification
from org.models import Unit, UnitKind
from tests.factories import City, make_case

RESULT = "已对莫愁湖路阳光小区门口的下水道管网清淤改造，并建立每周巡查制度。"


def build_world(city: City) -> dict[int, Case]:
    other = Unit.objects.create(code="420881100", name="石牌镇", kind=UnitKind.TOWNSHIP)
    townships = {"a": city.township, "b": other}
    return {
        k: make_case(city, title=t, content=c, address="", township=townships[ts], now=when(d))
        for k, t, c, d, ts in REQUESTS
    }


def stored(cases: dict[int, Case]) -> list[list[int]]:
    key_of = {case.pk: k for k, case in cases.items()}
    out = []
    for h in Hotspot.objects.filter(is_active=True).order_by("-heat", "pk"):
        out.append(sorted(key_of[m.case_id] for m in h.members.filter(in_window=True)))
    return out


def told(city: City) -> int:
    return Notification.objects.filter(user=city.users["supervisor"], kind="hotspot_new").count()


@pytest.fixture
def world(city: City) -> dict[int, Case]:
    return build_world(city)


def test_recompute_stores_the_expected_hotspots_in_heat_order(city: City, world: dict[int, Case]) -> None:
    result = services.recompute(now=when(7))
    assert result["hotspots"] == 3
    assert result["new"] == 3
    assert stored(world) == EXPECTED
    sewer = Hotspot.objects.order_by("-heat").first()
    assert sewer is not None
    assert sewer.township_id == city.township.pk
    assert sewer.category_id == city.category.pk
    assert sewer.count == 4
    assert sewer.previous == 0
    assert sewer.is_new


def test_recompute_is_idempotent_and_tells_the_supervisors_once(city: City, world: dict[int, Case]) -> None:
    services.recompute(now=when(7))
    first = {h.pk: (h.title, h.heat) for h in Hotspot.objects.all()}
    # Sewer (4 new cases) and fumes (3) are fast-growing new hotspots; the pair in 石牌镇 is too small.
    assert told(city) == 2
    message = Notification.objects.filter(kind="hotspot_new").order_by("pk").first()
    assert message is not None
    assert "阳光小区门口下水道" in message.message
    again = services.recompute(now=when(7))
    assert again["new"] == 0
    assert again["notified"] == 0
    assert {h.pk: (h.title, h.heat) for h in Hotspot.objects.all()} == first
    assert stored(world) == EXPECTED
    # One more sewer case a day later: the same hotspot grows, nobody is told again.
    make_case(city, title="阳光小区下水道堵塞还没修", content=REQUESTS[0][2], address="", now=when(8))
    later = services.recompute(now=when(9))
    assert later["new"] == 0
    assert told(city) == 2
    sewer = Hotspot.objects.get(pk=min(first))
    assert sewer.count == 5
    assert HotspotMember.objects.filter(hotspot=sewer).count() == 5


def test_a_hotspot_that_fades_keeps_its_row(city: City, world: dict[int, Case]) -> None:
    services.recompute(now=when(7))
    faded = services.recompute(now=when(7) + timedelta(days=61))  # both windows empty
    assert faded["hotspots"] == 0
    assert faded["faded"] == 3
    assert Hotspot.objects.filter(is_active=False).count() == 3


def test_a_taken_up_hotspot_shows_its_result_on_each_case(
    city: City, world: dict[int, Case], client: Client
) -> None:
    services.recompute(now=when(7))
    sewer = Hotspot.objects.order_by("-heat").first()
    assert sewer is not None
    task = services.take_up(
        sewer,
        unit=city.housing,
        actor=city.users["supervisor"],
        instruction="请系统整治该处下水道。",
        days=10,
    )
    assert task.state == State.ASSIGNED
    assert task.due_at == task.created_at + timedelta(days=10)
    assert Notification.objects.filter(user=city.users["clerk"], kind="proactive_task").count() == 1
    with pytest.raises(NotPermitted):
        services.report(task, actor=city.users["outsider"], result=RESULT)
    services.report(task, actor=city.users["clerk"], result=RESULT)
    task = ProactiveTask.objects.get(pk=task.pk)
    assert task.state == State.REPORTED
    assert task.result == RESULT
    assert [e.action for e in task.events.all()] == ["assign", "report"]
    client.force_login(city.users["supervisor"])
    for k in EXPECTED[0]:
        page = client.get(reverse("cases:detail", args=[world[k].number])).content.decode()
        assert RESULT in page, k
    # A case outside the hotspot shows nothing of it.
    page = client.get(reverse("cases:detail", args=[world[5].number])).content.decode()
    assert RESULT not in page
    # Once the hotspot has faded (its cases out of the window), its cases still show the result.
    services.recompute(now=when(7) + timedelta(days=61))
    page = client.get(reverse("cases:detail", args=[world[1].number])).content.decode()
    assert RESULT in page


def test_only_supervisors_and_leaders_take_up_a_hotspot(city: City, world: dict[int, Case]) -> None:
    services.recompute(now=when(7))
    sewer = Hotspot.objects.order_by("-heat").first()
    assert sewer is not None
    with pytest.raises(NotPermitted):
        services.take_up(sewer, unit=city.housing, actor=city.users["clerk"], instruction="x", days=5)
    services.take_up(sewer, unit=city.housing, actor=city.users["leader"], instruction="请整治。", days=5)


def test_top_hotspots_for_the_reports(city: City, world: dict[int, Case]) -> None:
    services.recompute(now=when(7))
    top = top_hotspots(when(0), when(7), limit=2)
    assert [h.count for h in top] == [4, 3]
    assert [h.period_count for h in top] == [4, 3]  # type: ignore[attr-defined]
    # Only the cases of days 0–2: sewer 1, 2 and fumes 5 (and 石牌镇 8).
    early = top_hotspots(when(0), when(2) + timedelta(hours=1), limit=5)
    assert [h.period_count for h in early] == [2, 1, 1]  # type: ignore[attr-defined]
    other = Unit.objects.get(code="420881100")
    assert [h.count for h in top_hotspots(when(0), when(7), township=other.pk)] == [2]


def test_the_leaders_home_lists_the_newest_hotspots_first(
    city: City, world: dict[int, Case], client: Client
) -> None:
    services.recompute(now=when(7))
    by_heat = top_hotspots(when(0), when(7), limit=5)
    coolest = by_heat[-1]
    # The coolest was found a day after the others: on the home it comes first, hot or not.
    Hotspot.objects.filter(pk=coolest.pk).update(first_seen_at=coolest.first_seen_at + timedelta(days=1))
    newest = newest_hotspots(when(0), when(7), limit=5)
    assert [h.pk for h in newest] == [coolest.pk] + [h.pk for h in by_heat[:-1]]
    client.force_login(city.users["leader"])
    home = client.get(reverse("dashboard:home"), {"period": when(0).strftime("%Y-%m")}).content.decode()
    section = home[home.index('id="hotspots"') :]
    assert section.index(coolest.title) < section.index(by_heat[0].title)


def test_the_home_filtered_by_a_first_level_category_lists_its_hotspots_and_a_unit_leader_sees_none(
    city: City, world: dict[int, Case], client: Client
) -> None:
    services.recompute(now=when(7))
    # The hotspots carry the leaf; the filter names the first level.
    top = Category.objects.get(path=city.category.path.split("/")[0])
    assert top.level == 1
    month = when(0).strftime("%Y-%m")
    assert {h.pk for h in newest_hotspots(when(0), when(7), category=top.pk)} == {
        h.pk for h in newest_hotspots(when(0), when(7))
    }
    client.force_login(city.users["leader"])
    home = client.get(reverse("dashboard:home"), {"period": month, "category": str(top.pk)}).content.decode()
    assert "莫愁湖路阳光小区门口下水道堵塞" in home[home.index('id="hotspots"') :]
    # 高频事 is the supervisors' and leaders' (hotspots.guards): a unit leader's home has no section
    # whose links would answer 403.
    client.force_login(city.users["unit_leader"])
    unit_home = client.get(reverse("dashboard:home"), {"period": month}).content.decode()
    assert 'id="hotspots"' not in unit_home
    assert 'href="/hotspots/"' not in unit_home
    assert not re.search(r'href="/hotspots/\d+/"', unit_home)


def test_pages_and_api(city: City, world: dict[int, Case], client: Client) -> None:
    services.recompute(now=when(7))
    client.force_login(city.users["leader"])
    page = client.get(reverse("hotspots:list")).content.decode()
    assert page.index("莫愁湖路阳光小区门口下水道堵塞") < page.index("阳春大街夜市烧烤油烟扰民")
    sewer = Hotspot.objects.order_by("-heat").first()
    assert sewer is not None
    detail = client.get(reverse("hotspots:detail", args=[sewer.pk])).content.decode()
    assert all(world[k].number in detail for k in EXPECTED[0])
    assert "take-up-form" in detail
    client.force_login(city.users["clerk"])
    assert client.get(reverse("hotspots:list")).status_code == 403
    token = ApiToken.issue(city.users["supervisor"])
    answer = client.get(
        "/api/v1/hotspots",
        {"start": "2026-05-01", "end": "2026-05-08"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    rows = answer.json()
    assert [r["count"] for r in rows] == [4, 3, 2]
    assert rows[0]["cases"] == sorted(world[k].number for k in EXPECTED[0])
    schema = client.get("/api/openapi.json").json()
    assert {"start", "end", "township", "category"} <= {
        p["name"] for p in schema["paths"]["/api/v1/hotspots"]["get"]["parameters"]
    }
    clerk = ApiToken.issue(city.users["clerk"])
    assert client.get("/api/v1/hotspots", headers={"Authorization": f"Bearer {clerk}"}).status_code == 403


def test_the_monthly_report_lists_the_hotspots_hottest_first(city: City, world: dict[int, Case]) -> None:
    from stats.periods import month
    from stats.report import monthly_report

    services.recompute(now=when(7))
    sewer = Hotspot.objects.order_by("-heat").first()
    assert sewer is not None
    start = when(0)
    report = monthly_report(month(start.year, start.month), now=when(7))
    assert report.hotspots is not None  # the hotspot app is installed: the section is there
    assert report.hotspots[0]["title"] == sewer.title
    assert report.hotspots[0]["url"] == reverse("hotspots:detail", args=[sewer.pk])
    assert [h["heat"] for h in report.hotspots] == sorted((h["heat"] for h in report.hotspots), reverse=True)

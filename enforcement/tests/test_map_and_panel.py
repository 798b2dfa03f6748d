"""The map of open violations, the report form's villages, who is offered the form, and the 12345
case page's 违建 section (cases.hooks.violation_panel)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from enforcement import map as violation_map
from enforcement import services
from enforcement.guards import may_report
from enforcement.models import Violation
from enforcement.services.hotline import violation_from_case
from enforcement.tests.conftest import Control, png, report, violation_in
from enforcement.tests.test_hotline import construction_case
from enforcement.workflow import State
from org.models import Unit, UnitKind
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_map_groups_open_points_colours_the_overdue_and_labels_townships(control: Control) -> None:
    fresh_report = violation_in(control, State.REPORTED)
    ordered = violation_in(control, State.ORDERED, lat=31.20, lng=112.60)
    violation_in(control, State.CLOSED)  # resolved: not on the map
    unplaced = violation_in(control, State.CONFIRMED, lat=None, lng=None)
    assert ordered.demolish_by is not None
    data = violation_map.build(Violation.objects.all(), ordered.demolish_by + timedelta(hours=1))
    series = {s["key"]: s for s in data.spec["series"]}
    # Past the 自拆 deadline, and the report past its 24-hour check: both drawn as 超期.
    assert {p["url"] for p in series["overdue"]["data"]} == {
        reverse("enforcement:detail", args=[ordered.number]),
        reverse("enforcement:detail", args=[fresh_report.number]),
    }
    assert series["check"]["data"] == []
    assert series["handling"]["data"] == []
    early = violation_map.build(Violation.objects.all(), fresh_report.reported_at)
    assert {s["key"]: len(s["data"]) for s in early.spec["series"]}["check"] == 1
    assert [lbl["name"] for lbl in data.spec["labels"]] == ["郢中街道"]
    label = data.spec["labels"][0]["value"]
    assert label == pytest.approx([(112.5880 + 112.60) / 2, (31.1675 + 31.20) / 2])
    assert len(data.rows) == 3
    assert data.unplaced == 1
    assert "未销号违建共3件" in data.summary
    assert "1件未填写坐标" in data.summary
    assert unplaced.number in {r["number"] for r in data.rows}
    # Confirmed and not stopped within 24 hours: 超期 in the table too.
    assert next(r for r in data.rows if r["number"] == unplaced.number)["overdue"]


def test_the_map_page_filters_and_shows_summary_table_and_figures(control: Control) -> None:
    violation_in(control, State.REPORTED)
    violation_in(control, State.ORDERED, built_on=timezone.localdate().replace(year=2019))
    page = login("kwb_clerk").get(reverse("enforcement:map"), {"kind": "old"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="map-summary"' in html
    assert "未销号违建共1件" in html
    assert "无底图" in html
    assert "echarts-5.6.0.min.js" in html
    assert 'id="map-table"' in html
    spec = json.loads(html.split('<script id="map-spec" type="application/json">')[1].split("</script>")[0])
    assert sum(len(s["data"]) for s in spec["series"]) == 1
    assert login("hzjd_clerk").get(reverse("enforcement:map")).content.decode().count("/enforcement/v/") == 0


def test_the_form_offers_the_villages_of_the_chosen_township_only(control: Control) -> None:
    other_village = Unit.objects.create(
        code="V-HZ-HC", name="皇城社区", kind=UnitKind.VILLAGE, parent=control.other_township
    )
    office = login("kwb_clerk")
    options = office.get(reverse("enforcement:villages"), {"township": control.township.pk}).content.decode()
    assert "莫愁湖社区" in options
    assert "皇城社区" not in options
    options = office.get(
        reverse("enforcement:villages"), {"township": control.other_township.pk}
    ).content.decode()
    assert "皇城社区" in options
    assert "莫愁湖社区" not in options
    # A township's clerk gets only its own township's, whatever it asks for.
    town = login("yzjd_clerk")
    asked = town.get(
        reverse("enforcement:villages"), {"township": control.other_township.pk}
    ).content.decode()
    assert "皇城社区" not in asked
    page = town.get(reverse("enforcement:new")).content.decode()
    assert "莫愁湖社区" in page
    assert other_village.name not in page
    assert 'hx-get="/enforcement/new/villages/"' in page


def test_a_department_clerk_is_not_offered_the_report_form(control: Control) -> None:
    clerk = control.city.users["clerk"]  # 市住建局
    assert not may_report(clerk)
    assert may_report(control.users["town_clerk"])
    assert may_report(control.users["kwb_clerk"])
    assert login("clerk").get(reverse("enforcement:new")).status_code == 403
    village_staff = make_user("mch_clerk", Role.CLERK, control.village)
    assert may_report(village_staff)


def test_the_case_page_offers_the_conversion_then_shows_the_violation_state(control: Control) -> None:
    case = construction_case(control)
    url = reverse("cases:detail", args=[case.number])
    town = login("yzjd_clerk")
    html = town.get(url).content.decode()
    assert 'id="btn-convert-violation"' in html
    assert reverse("enforcement:convert", args=[case.number]) in html
    # Not for the centre's agent (cannot convert), nor for a case of another category.
    assert 'id="btn-convert-violation"' not in login("dispatcher").get(url).content.decode()
    other = make_case(control.city, title="路灯不亮", content="郢中街道某路段路灯不亮已有三天。")
    assert (
        'id="case-violation"'
        not in login("dispatcher").get(reverse("cases:detail", args=[other.number])).content.decode()
    )
    v = violation_from_case(case, report(control, photos=[png()]), actor=control.users["town_clerk"])
    html = town.get(url).content.decode()
    assert 'id="btn-convert-violation"' not in html
    assert 'id="case-violation-state"' in html
    assert "待核查" in html
    assert v.number in html
    services.dismiss(
        v, actor=control.users["kwb_clerk"], reason="unfounded", note="现场为临时堆放，无建设行为"
    )
    html = login("dispatcher").get(url).content.decode()
    assert "不属实/合法" in html
    assert 'id="case-violation-outcome"' in html

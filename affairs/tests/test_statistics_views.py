"""The statistics pages: the table with its formulas, every figure one click from its
applications, the printable page, the .xlsx export (audited) and the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken
from affairs.services import applications as svc
from affairs.workflow import Channel

pytestmark = pytest.mark.django_db
SEPTEMBER = {"period": "2025-09"}


@pytest.fixture
def two(matter: Any, person: Any, window: Any, clock: Any) -> list[Any]:
    names = [m["name"] for m in matter.materials]
    online = svc.submit(matter, person, provided=names, channel=Channel.ONLINE)
    at_window = svc.submit(matter, person, provided=names, channel=Channel.WINDOW, actor=window)
    return [online, at_window]


def test_the_page_shows_each_figure_with_its_formula_and_link(client: Client, two: Any, window: Any) -> None:
    client.force_login(window)
    page = client.get(reverse("affairs:stats"), SEPTEMBER)
    body = page.content.decode()
    assert page.status_code == 200
    assert "网上申报的办件 ÷ 办件量" in body
    assert "50.0%" in body
    assert "1/2" in body
    drill = (
        reverse("affairs:stats_list") + "?start=2025-09-01&amp;end=2025-09-30&amp;metric=online&amp;part=hits"
    )
    assert drill in body
    listed = client.get(
        reverse("affairs:stats_list"), {"period": "2025-09", "metric": "online", "part": "hits"}
    )
    text = listed.content.decode()
    assert two[0].number in text
    assert two[1].number not in text
    assert client.get(reverse("affairs:stats_list"), {"metric": "nope"}).status_code == 404
    assert client.get(reverse("affairs:stats"), {"period": "2025-13"}).status_code == 422
    printable = client.get(reverse("affairs:stats"), {**SEPTEMBER, "print": "1"}).content.decode()
    assert "钟祥市政务服务办件统计" in printable
    assert "stats-filters" not in printable


def test_the_export_is_a_clean_workbook_and_audited(client: Client, two: Any, window: Any) -> None:
    client.force_login(window)
    response = client.get(reverse("affairs:stats_export"), SEPTEMBER)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按部门", "按事项", "口径"]
    sheet = book["按部门"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][:3] == ["部门/事项", "办件量", "即办率"]
    total = [c for c in sheet[sheet.max_row]]
    assert total[0].value == "合计"
    assert total[1].value == 2
    assert total[6].number_format == "0.00%"
    assert AuditRecord.objects.filter(action="affairs.stats_export").count() == 1


def test_people_without_a_role_in_the_service_are_refused(client: Client, agent: Any) -> None:
    client.force_login(agent)
    assert client.get(reverse("affairs:stats")).status_code == 403


def test_the_api_gives_numerators_denominators_and_formulas(client: Client, two: Any, window: Any) -> None:
    headers = {"Authorization": f"Bearer {ApiToken.issue(window)}"}
    body = client.get("/api/v1/affairs/stats?period=2025-09&by=matter", headers=headers).json()
    online = next(f for f in body["total"]["figures"] if f["code"] == "online")
    assert online == {
        "code": "online",
        "name": "网办率",
        "kind": "rate",
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
    }
    assert body["formulas"]["online"] == "网上申报的办件 ÷ 办件量"
    assert client.get("/api/v1/affairs/stats?by=x", headers=headers).status_code == 422
    assert client.get("/api/v1/affairs/stats?start=2025-09-01", headers=headers).status_code == 422
    assert client.get("/api/v1/affairs/stats?period=abc", headers=headers).status_code == 422

"""/api/v1/stats/…: the rates with their ledger links, the ledger workbook, the series."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken
from mochou.api import api
from stats.tests.world import build

RANGE = "start=2025-09-22&end=2025-10-31"


@pytest.fixture
def world(city, clock):
    return build(city, clock)


def get(user, path):
    token = ApiToken.issue(user, "stats")
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_rates_by_level_with_scores_and_the_links_behind_each_number(world):
    response = get(world.city.users["leader"], f"/api/v1/stats/rates?{RANGE}&level=department")
    assert response.status_code == 200
    body = response.json()
    assert body["scheme"]["code"] == "three-rates"
    units = {u["unit"]: u for u in body["units"]}
    assert set(units) == {"市住建局", "市教育局"}  # departments only
    housing = units["市住建局"]
    assert housing["rates"]["handle_on_time"]["shown"] == "75.00%"
    assert housing["rates"]["handle_on_time"]["numerator"] == 3
    assert housing["rates"]["handle_on_time"]["denominator_url"].startswith("/stats/ledger/?")
    assert (housing["score"], housing["grade"], housing["rank"]) == (81.67, "良好", 1)
    assert body["centre"]["rates"]["intake"]["shown"] == "14.29%"
    assert {f["code"] for f in body["formulas"]} >= {"response", "resolution", "satisfaction"}


def test_rates_under_another_scheme_and_an_unknown_one(world):
    leader = world.city.users["leader"]
    body = get(leader, f"/api/v1/stats/rates?{RANGE}&scheme=lianyungang").json()
    assert body["scheme"]["code"] == "lianyungang"
    missing = get(leader, f"/api/v1/stats/rates?{RANGE}&scheme=nowhere")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found.scheme"


def test_a_reversed_period_is_422_with_a_chinese_message(world):
    response = get(world.city.users["leader"], "/api/v1/stats/rates?start=2025-10-31&end=2025-09-01")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input.period"


def test_a_clerk_is_refused(world):
    response = get(world.city.users["clerk"], f"/api/v1/stats/rates?{RANGE}")
    assert response.status_code == 403


def test_the_ledger_workbook_over_the_api_is_audited(world):
    housing = world.city.housing
    response = get(world.city.users["leader"], f"/api/v1/stats/ledger.xlsx?{RANGE}&unit={housing.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["台账"]
    numbers = {row[0].value for row in sheet.iter_rows(min_row=3)}
    assert {world.cases[k].number for k in "ABCE"} == numbers
    assert AuditRecord.objects.filter(action="stats.export_ledger").count() == 1


def test_series_for_the_dashboard(world):
    leader = world.city.users["leader"]
    volume = get(leader, f"/api/v1/stats/series/volume?{RANGE}&bucket=month").json()
    assert sum(v["count"] for v in volume) == 8
    assert {v["bucket"] for v in volume} == {"2025-09-01", "2025-10-01"}
    townships = get(leader, f"/api/v1/stats/series/townships?{RANGE}").json()
    assert townships[0]["township"] == "郢中街道"
    assert townships[0]["count"] == 8
    overdue = get(leader, f"/api/v1/stats/series/overdue?{RANGE}").json()
    assert {o["unit"]: o["accept_overdue"] for o in overdue["overdue"]} == {"钟祥市教育局": 1}
    assert get(leader, f"/api/v1/stats/series/volume?{RANGE}&bucket=hour").status_code == 422


def test_the_openapi_documents_the_stats_routes():
    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/stats/rates" in paths
    assert "/api/v1/stats/ledger.xlsx" in paths
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in str(
        paths["/api/v1/stats/ledger.xlsx"]
    )


def test_an_unknown_query_parameter_is_refused(world):
    response = get(world.city.users["leader"], f"/api/v1/stats/rates?{RANGE}&leval=township")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input.query"


def test_the_ledger_takes_the_dashboards_category_and_township(world):
    from cases.models import Case
    from org.models import Unit, UnitKind

    leader, city = world.city.users["leader"], world.city
    other = Unit.objects.create(code="420881104", name="胡集镇", kind=UnitKind.TOWNSHIP)
    Case.objects.filter(pk=world.cases["B"].pk).update(township=other)

    def numbers(query: str) -> set[str]:
        response = get(leader, f"/api/v1/stats/ledger.xlsx?{RANGE}&{query}")
        assert response.status_code == 200, response.content
        sheet = load_workbook(io.BytesIO(response.content))["台账"]
        return {str(row[0].value) for row in sheet.iter_rows(min_row=3) if row[0].value}

    everything = numbers("centre=false")
    assert numbers(f"township={other.pk}") == {world.cases["B"].number}
    assert numbers(f"township={city.township.pk}") == everything - {world.cases["B"].number}
    # A category takes everything below it: the cases' leaf through its first level.
    top = city.category
    while top.parent is not None:
        top = top.parent
    assert numbers(f"category={top.pk}") == everything
    assert numbers(f"category={city.category.pk}&township={other.pk}") == {world.cases["B"].number}
    bad = get(leader, f"/api/v1/stats/ledger.xlsx?{RANGE}&township=0")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input.township"

"""The dashboard's JSON endpoints, fragments and the homes over the known world (counts exact)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.tests.world import build
from stats.tests.sql import FACT_TABLES, fact_scans
from tests.factories import PASSWORD

SEPT = "start=2025-09-01&end=2025-09-30"


@pytest.fixture
def world(city, clock):
    return build(city, clock)


def client_for(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def chart(c: Client, key: str, query: str) -> dict:
    response = c.get(f"/dashboard/charts/{key}.json?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_volume_by_day_and_channel_with_the_trend_and_the_top_category(world):
    c = client_for(world.city.users["leader"])
    data = chart(c, "volume", SEPT)
    assert data["total"] == 5
    assert data["columns"] == ["日", "12345热线", "网站", "合计"]
    assert data["rows"] == [["2025-09-01", 1, 0, 1], ["2025-09-23", 1, 0, 1], ["2025-09-24", 2, 1, 3]]
    # August had 2: 5 is 150% more; all five are 城乡建设; the hotline took four of five.
    assert (
        data["summary"]
        == "2025年9月受理 5 件，比上期增加 150%，最多的是城乡建设（100%）；12345热线受理最多（80%）。"
    )
    assert data["chart"]["series"][0] == {"name": "12345热线", "data": [1, 1, 2]}


def test_filters_change_the_numbers_and_the_summary(world):
    c = client_for(world.city.users["leader"])
    by_township = chart(c, "volume", f"{SEPT}&township={world.huji.pk}")
    assert by_township["total"] == 1
    assert by_township["summary"].startswith("2025年9月受理 1 件，比上期持平")
    by_unit = chart(c, "volume", f"{SEPT}&unit={world.city.housing.pk}")
    assert by_unit["total"] == 3
    weekly = chart(c, "volume", f"{SEPT}&bucket=week")
    assert weekly["columns"][0] == "周"
    assert [r[0] for r in weekly["rows"]] == ["2025-09-01—2025-09-07", "2025-09-22—2025-09-28"]
    assert [r[-1] for r in weekly["rows"]] == [1, 4]
    # The ledger and its export go with the filters: the township's cases only.
    page = c.get(f"/dashboard/charts/?{SEPT}&township={world.huji.pk}")
    assert page.context["ledger_xlsx_url"].endswith(f"township={world.huji.pk}")
    ledger = c.get(page.context["ledger_xlsx_url"].replace("/ledger.xlsx", "/ledger/"))
    assert ledger.status_code == 200
    assert ledger.context["rows"]
    assert {r.township for r in ledger.context["rows"]} == {world.huji.name}


def test_townships_grid_lists_every_township_and_links_to_its_cases(world):
    c = client_for(world.city.users["leader"])
    data = chart(c, "townships", SEPT)
    assert data["rows"] == [["胡集镇", 1], ["郢中街道", 4]] or data["rows"] == [
        ["郢中街道", 4],
        ["胡集镇", 1],
    ]
    assert "最多的是郢中街道（4 件）" in data["summary"]
    link = data["links"][[r[0] for r in data["rows"]].index("郢中街道")]["1"]
    page = c.get(link)
    assert page.status_code == 200
    assert len(re.findall(r'class="case-row', page.content.decode())) == 4


def test_categories_overdue_and_supervised(world):
    c = client_for(world.city.users["leader"])
    cats = chart(c, "categories", SEPT)
    assert cats["rows"] == [["城乡建设", 5, "100%"]]
    overdue = chart(c, "overdue", SEPT)
    # Whenever registered: the Sep 1 case was never accepted (2 working hours), the Aug 20 one
    # is past its 5 working days; the others are within their limits.
    assert overdue["rows"] == [["市住建局", 2]]
    assert overdue["summary"] == "当前超期 2 件，涉及 1 个单位，最多的是市住建局（2 件）。"
    sup = chart(c, "supervised", SEPT)
    assert sup["rows"] == [["市住建局", 1]]
    page = c.get(sup["links"][0]["1"])
    assert world.overdue.number in page.content.decode()


def test_the_fragment_holds_the_summary_the_table_and_the_chart_data(world):
    c = client_for(world.city.users["leader"])
    html = c.get(f"/dashboard/charts/categories/?{SEPT}", HTTP_HX_REQUEST="true").content.decode()
    assert 'role="img" aria-label="2025年9月共 5 件' in html
    assert '<table class="chart-table" id="table-categories">' in html
    assert 'type="application/json"' in html
    assert "<script>" not in html
    grid = c.get(f"/dashboard/charts/townships/?{SEPT}").content.decode()
    assert grid.count('class="tile heat-') == 2


def test_the_leader_lands_on_the_home_with_today_week_month(world):
    c = client_for(world.city.users["leader"])
    response = c.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"
    html = response.content.decode()
    assert 'id="my-queue"' not in html  # a 市领导 has no queue of their own to lead with
    # Today 3 (yesterday 1), this week Mon 22–Wed 24: 4 (last week's same days 0), this month 5
    # (Aug 1–24: 2).
    counts = re.findall(r'class="volume-count">(\d+)</a>', html)
    assert counts == ["3", "4", "5"]
    assert "比昨日（<a" in html
    assert "增加 200%" in html
    assert world.urgent.number in html  # urgent open cases
    assert "当前超期 2 件" in html
    assert "/stats/ledger.xlsx?" in html
    assert "/stats/report.xlsx?period=2025-09" in html


def test_a_unit_leader_sees_the_unit_against_the_city_and_only_its_cases(world):
    leader = world.city.users["unit_leader"]
    c = client_for(leader)
    html = c.get("/dashboard/").content.decode()
    assert "本单位概览" in html
    assert "本单位与全市" in html
    # Their daily work leads the page: the 待审核 queue, counted as the nav counts it.
    assert re.search(r'id="my-queue-link">[^<]*：<strong>\d+(\+)?</strong> 件', html)
    assert 'href="/cases/queue/to_approve/"' in html
    assert re.findall(r'class="volume-count">(\d+)</a>', html) == ["1", "2", "3"]
    # Another unit asked for: held to its own.
    data = chart(c, "volume", f"{SEPT}&unit={world.city.education.pk}")
    assert data["total"] == 3


def test_a_city_leader_filtering_the_home_by_a_unit_sees_that_unit_against_the_city(world):
    # The leader has no unit of their own: the heading names the unit asked for (it was a 500).
    c = client_for(world.city.users["leader"])
    for unit in (world.city.housing, world.city.education):
        response = c.get(f"/dashboard/?{SEPT}&unit={unit.pk}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{unit.display_name} · 本单位概览" in html
        assert "本单位与全市" in html


def test_a_unit_leaders_home_counts_the_month_and_the_month_before_once_each(world):
    c = client_for(world.city.users["unit_leader"])
    c.get("/dashboard/")  # the first visit creates the schemes' first versions
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/dashboard/").status_code == 200
    # The boards and the unit beside the city read the same counts (they were counted twice).
    # The daily counters once for the period and once for the period before; the running
    # period's day so far from each fact table twice (its outcomes, its rows); one refresh.
    assert fact_scans(ctx.captured_queries) == {**dict.fromkeys(FACT_TABLES, 2), "cells": 2, "refresh": 1}


def test_who_may_not_see_it(world):
    c = client_for(world.city.users["clerk"])
    assert c.get("/dashboard/").status_code == 403
    assert c.get(f"/dashboard/charts/volume.json?{SEPT}").status_code == 403


def test_a_bad_period_is_a_clear_error(world):
    c = client_for(world.city.users["leader"])
    response = c.get("/dashboard/charts/volume.json?start=2025-09-30&end=2025-09-01")
    assert response.status_code == 400 or response.status_code == 422
    assert response.json()["message"] == "结束日期不能早于开始日期。"
    assert c.get("/dashboard/charts/nothing.json").status_code == 404

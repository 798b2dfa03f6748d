"""The pages, the exports and the command over the known world: what a leader sees and downloads."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from stats.counting import COUNTERS
from stats.export import LEDGER_HEADERS
from stats.periods import Period
from stats.queries import counted, ranking, unit_rates
from stats.tests.sql import FACT_TABLES, fact_scans
from stats.tests.world import build
from tests.factories import PASSWORD

PERIOD = Period(date(2025, 9, 22), date(2025, 10, 31))
RANGE = "start=2025-09-22&end=2025-10-31"


@pytest.fixture
def world(city, clock):
    return build(city, clock)


def client_for(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_the_page_shows_each_rate_with_its_formula_and_links_to_its_cases(world):
    page = client_for(world.city.users["leader"]).get(f"/stats/?{RANGE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "按时办结率 = 按时办结数 ÷ 应办结数" in html
    assert "合并的重复件" in html
    assert "回访未接通" in html
    assert "退单改派" in html
    assert "66.67%" in html
    assert "75.00%" in html
    assert "/stats/ledger/?start=2025-09-22&amp;end=2025-10-31&amp;rate=handle_on_time&amp;part=den" in html


def test_the_link_behind_a_number_lists_exactly_its_cases(world):
    housing = world.city.housing
    url = f"/stats/ledger/?{RANGE}&unit={housing.pk}&rate=handle_on_time&part=den"
    html = client_for(world.city.users["supervisor"]).get(url).content.decode()
    numbers = {c.number for key, c in world.cases.items() if key in "ABE"}
    assert all(n in html for n in numbers)
    assert world.cases["C"].number not in html  # returned: not in 应办结
    assert "共 4 行" not in html  # one row per case and unit: A, B, E (E's two spells in one row)
    assert "共 3 行" in html


def _shown(table) -> dict[str, dict[str, str]]:
    return {r.name: {c: v.shown for c, v in r.rates.items()} for r in [*table.rows, table.centre, table.city]}


def _scores(ranked) -> list[tuple]:
    return [(r.unit_id, r.score, r.rank, r.grade, r.boards, r.previous_score, r.previous_rank)
            for r in ranked.rows]  # fmt: skip


def test_recompute_prints_the_page_numbers(world):
    out = io.StringIO()
    err = io.StringIO()
    call_command("stats", "recompute", "--start", "2025-09-22", "--end", "2025-10-31", "--check",
                 stdout=out, stderr=err)  # fmt: skip
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    command = {line["unit"]: line["rates"] for line in lines}
    assert command == _shown(unit_rates(PERIOD))
    assert "核对一致" in err.getvalue()
    page = client_for(world.city.users["leader"]).get(f"/stats/?{RANGE}")
    html = page.content.decode()
    for line in lines:
        for shown in line["rates"].values():
            assert shown in html
    # The page counts the window once for the table and the scores: the same figures as the
    # command's, and the same scores as a ranking counted on its own.
    assert _shown(page.context["table"]) == command
    assert _scores(page.context["ranking"]) == _scores(ranking(PERIOD))
    assert any(r.score is not None for r in page.context["ranking"].rows)


def test_the_rates_page_counts_the_period_and_the_period_before_once_each(world):
    c = client_for(world.city.users["leader"])
    c.get(f"/stats/?{RANGE}")  # the first visit creates the schemes' first versions
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(f"/stats/?{RANGE}").status_code == 200
    # Each fact table once for the period (the table and the scores) and once for the period
    # before (the change); it was read three times, and the tables refreshed twice.
    # The daily counters once for the period and once for the period before; the running
    # period's day so far from each fact table twice (its outcomes, its rows); one refresh.
    assert fact_scans(ctx.captured_queries) == {**dict.fromkeys(FACT_TABLES, 2), "cells": 2, "refresh": 1}


def test_counts_of_another_period_are_refused_not_shown(world):
    with pytest.raises(ValueError, match="2025年10月"):
        unit_rates(PERIOD, counts=counted(Period(date(2025, 10, 1), date(2025, 10, 31))))


def test_the_ledger_workbook_opens_with_chinese_headers_and_masked_citizens(world):
    leader = world.city.users["leader"]
    response = client_for(leader).get(f"/stats/ledger.xlsx?{RANGE}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["台账"]
    assert sheet.freeze_panes == "A3"
    headers = [c.value for c in sheet[2]]
    assert tuple(headers) == LEDGER_HEADERS
    rows = [dict(zip(headers, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]
    a = next(r for r in rows if r["受理编号"] == world.cases["A"].number)
    assert a["联系电话"] == "138****5678"
    assert a["诉求人"] == "张**"
    assert a["满意度"] == "满意"
    assert a["是否解决"] == "是"
    assert a["按时办结"] == 1
    assert a["登记时间"].year == 2025  # a real date, not text
    assert sheet.cell(row=3, column=3).number_format == "yyyy-mm-dd hh:mm"
    # Anyone can recompute a rate from the columns: 市住建局's 按时办结率 = 3 / 4.
    mine = [r for r in rows if r["考核单位"] == "钟祥市住房和城乡建设局"]
    assert sum(r["按时办结"] for r in mine) == 3
    assert sum(r["应办结"] for r in mine) == 4
    assert set(COUNTERS.values()) <= set(headers)
    assert "口径说明" in book.sheetnames
    record = AuditRecord.objects.get(action="stats.export_ledger")
    assert record.actor == leader
    assert record.new["rows"] == len(rows)
    assert record.new["personal_data"] is False


def test_even_a_supervisor_exports_citizens_masked_and_the_export_is_audited(world):
    response = client_for(world.city.users["supervisor"]).get(f"/stats/ledger.xlsx?{RANGE}")
    sheet = load_workbook(io.BytesIO(response.content))["台账"]
    phones = {row[10].value for row in sheet.iter_rows(min_row=3)}
    assert "13812345678" not in phones  # a file of numbers is not how a citizen is called back
    assert any(p and p.startswith("138") and "*" in p for p in phones)
    assert AuditRecord.objects.get(action="stats.export_ledger").new["personal_data"] is False


def test_a_unit_leader_sees_the_rankings_but_only_its_own_cases_in_the_ledger(world):
    c = client_for(world.city.users["unit_leader"])
    assert c.get(f"/stats/?{RANGE}").status_code == 200
    html = c.get(f"/stats/ledger/?{RANGE}").content.decode()
    assert world.cases["A"].number in html
    assert world.cases["F"].number not in html  # 教育局's case


def test_a_clerk_and_an_auditor_may_not_open_the_statistics(world, city):
    from accounts.models import Role
    from tests.factories import make_user

    auditor = make_user("auditor1", Role.AUDITOR, None)
    assert client_for(city.users["clerk"]).get("/stats/").status_code == 403
    assert client_for(auditor).get("/stats/ledger.xlsx").status_code == 403


def test_the_monthly_report_prints_and_exports(world):
    c = client_for(world.city.users["leader"])
    page = c.get("/stats/report/?period=2025-09")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025年9月考核月报" in html
    assert "本月热点 0 个" in html  # the hotspots app is installed (none in this small world)
    # 市住建局 in September: 10 × 2/3 + 45 × 2/2 + 45 × 2/2 = 96.67, 优秀 (B's callback is October's).
    assert "<td>市住建局</td><td>96.67</td><td>优秀</td>" in html
    response = c.get("/stats/report.xlsx?period=2025-09")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["三率及各项指标", "评分排名", "趋势", "热点", "典型案例", "口径说明"]
    ranking = book["评分排名"]
    assert [c.value for c in ranking[2]][:6] == ["分组", "排名", "单位", "得分", "满分", "分档"]
    assert AuditRecord.objects.filter(action="stats.export_report").count() == 1


def test_a_bad_period_is_a_clear_message(world):
    page = client_for(world.city.users["leader"]).get("/stats/?start=2025-10-31&end=2025-09-01")
    assert page.status_code == 422
    assert "结束日期不能早于开始日期" in page.content.decode()

"""The duty pages: the office's board, a unit's one-tap 平安报, rosters with masked phones,
incidents through their forms."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from django.test import Client, override_settings
from time_machine import Traveller

from accounts.audit.models import AuditRecord
from accounts.models import User
from duty.models import DailyReport, Incident
from duty.services.common import at_local
from duty.services.daily import file_daily
from duty.services.rosters import add_shift, plan_rota
from duty.sweeps import chase_daily
from duty.tests.conftest import Duty
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 24)


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _shift(duty: Duty) -> None:
    add_shift(
        duty.city.township,
        actor=duty.town_leader,
        starts_at=at_local(DAY, time(8, 30)),
        ends_at=at_local(DAY + timedelta(days=1), time(8, 30)),
        leader=duty.town_leader,
        officer=duty.town_clerk,
    )


def test_a_township_reports_safe_with_one_tap_on_its_page(duty: Duty, clock: Traveller) -> None:
    client = _client(duty.town_clerk)
    page = client.get("/duty/unit/")
    assert "报平安" in page.content.decode()
    answer = client.post("/duty/unit/daily/", {"kind": "safe"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "已报送：平安" in answer.content.decode()
    assert DailyReport.objects.get(unit=duty.city.township).filed_by == duty.town_clerk
    again = client.post("/duty/unit/daily/", {"kind": "safe"}, HTTP_HX_REQUEST="true")
    assert "已报送" in again.content.decode()


def test_the_office_board_shows_who_is_on_duty_and_who_has_not_reported(duty: Duty, clock: Traveller) -> None:
    _shift(duty)
    body = _client(duty.office_clerk).get("/duty/").content.decode()
    assert "镇带班 13900000022" in body
    assert 'data-unit="D-ZJJ" data-status="missing"' in body
    assert AuditRecord.objects.filter(action="duty.phones_viewed", actor=duty.office_clerk).exists()


def test_a_unit_is_sent_to_its_own_page_and_sees_other_units_phones_masked(
    duty: Duty, clock: Traveller
) -> None:
    _shift(duty)
    outsider = duty.city.users["clerk"]
    client = _client(outsider)
    assert client.get("/duty/")["Location"] == "/duty/unit/"
    body = client.get("/duty/roster/?unit=420881001").content.decode()
    # A unit's staff see their own roster only; the township's phones never reach them.
    assert "13900000022" not in body
    roster = _client(duty.town_clerk).get("/duty/roster/?start=2025-09-22").content.decode()
    assert "13900000022" in roster


def test_the_roster_marks_the_holidays_and_plans_them(duty: Duty, clock: Traveller) -> None:
    client = _client(duty.town_leader)
    answer = client.post(
        "/duty/roster/plan/",
        {
            "unit": "420881001",
            "start": "2025-09-29",
            "days": "7",
            "leaders": [str(duty.town_leader.pk)],
            "officers": [str(duty.town_clerk.pk), str(duty.town_clerk2.pk)],
        },
        HTTP_REFERER="/duty/roster/",
    )
    assert answer.status_code == 302
    body = client.get("/duty/roster/?start=2025-09-29").content.decode()
    assert body.count("节假日") >= 5


def test_an_incident_goes_from_first_report_to_final_through_its_forms(duty: Duty, clock: Traveller) -> None:
    client = _client(duty.town_clerk)
    answer = client.post(
        "/duty/incidents/new/",
        {
            "title": "S311下穿通道积水",
            "level": "4",
            "kind": "flood",
            "township": "420881001",
            "place": "某某路下穿通道",
            "text": "积水约40厘米，已封闭通道",
            "injuries": "0",
        },
    )
    incident = Incident.objects.get()
    assert answer["Location"] == f"/duty/incidents/{incident.number}/"
    url = f"/duty/incidents/{incident.number}/"
    client.post(url + "follow/", {"text": "已调泵车抽排", "level": "4", "next": url})
    client.post(url + "final/", {"text": "积水排除，恢复通行", "next": url})
    incident.refresh_from_db()
    assert incident.state == "finished"
    page = client.get(url).content.decode()
    assert "续报（1）" in page
    assert "终报" in page


def test_a_bad_first_report_is_shown_back_in_the_form(duty: Duty, clock: Traveller) -> None:
    answer = _client(duty.town_clerk).post(
        "/duty/incidents/new/", {"title": "积水", "level": "9", "kind": "flood", "text": "路面积水"}
    )
    assert answer.status_code == 422
    assert "请选择事件等级" in answer.content.decode()


def test_rates_page_counts_the_week(duty: Duty, clock: Traveller) -> None:
    plan_rota(
        duty.city.township,
        actor=duty.town_leader,
        start=DAY,
        days=1,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk],
    )
    body = _client(duty.office_leader).get("/duty/rates/?start=2025-09-20&end=2025-09-24").content.decode()
    assert 'id="rate-units"' in body


def test_people_outside_the_duty_system_are_refused(duty: Duty, clock: Traveller) -> None:
    assert _client(duty.city.users["agent"]).get("/duty/").status_code == 403


def test_a_posted_form_returns_to_its_page_and_reserves_show_on_the_board(
    duty: Duty, clock: Traveller
) -> None:
    client = _client(duty.town_clerk)
    answer = client.post(
        "/duty/reserves/stocks/",
        {"kind": "flood", "name": "救生衣", "quantity": "10", "minimum": "50", "measure": "件"},
        HTTP_REFERER="http://testserver/duty/reserves/",
    )
    assert answer["Location"] == "/duty/reserves/"
    elsewhere = client.post("/duty/unit/items/", {"text": "巡查"}, HTTP_REFERER="https://evil.example/x")
    assert elsewhere["Location"] == "/duty/"
    assert "救生衣" in _client(duty.office_clerk).get("/duty/").content.decode()


def test_impossible_dates_and_unknown_choices_are_clear_errors(duty: Duty, clock: Traveller) -> None:
    clock.move_to(at_local(DAY, time(8, 0)))
    client = _client(duty.town_clerk)
    assert client.get("/duty/roster/?start=2025-02-30").status_code == 200
    assert client.get("/duty/rates/?end=2025-02-30").status_code == 200
    bad = client.post(
        "/duty/incidents/new/",
        {
            "title": "积水",
            "level": "4",
            "kind": "flood",
            "text": "路面积水",
            "place": "某某路",
            "learned_at": "2025-02-30T10:00",
        },
    )
    assert bad.status_code == 422
    assert "请填写知悉时间" in bad.content.decode()
    daily = client.post("/duty/unit/daily/", {"kind": "party"}, HTTP_HX_REQUEST="true")
    assert daily.status_code == 422
    assert not DailyReport.objects.exists()


def test_a_registration_whose_case_is_not_found_leaves_no_incident(duty: Duty, clock: Traveller) -> None:
    clock.move_to(at_local(DAY, time(10, 0)))
    answer = _client(duty.office_clerk).post(
        "/duty/incidents/new/",
        {
            "mode": "register",
            "unit": "420881001",
            "title": "道路积水",
            "level": "4",
            "kind": "flood",
            "place": "某某路",
            "case": "NO-SUCH-CASE",
        },
    )
    assert answer.status_code == 422
    assert "找不到该工单" in answer.content.decode()
    assert not Incident.objects.exists()


def test_the_office_board_shows_when_each_missing_report_was_chased(duty: Duty, clock: Traveller) -> None:
    _shift(duty)  # the township's 带班领导 has a mobile: the SMS goes
    file_daily(duty.city.housing, actor=duty.city.users["clerk"], kind="safe", now=at_local(DAY, time(8)))
    chase_daily(at_local(DAY, time(9, 1)))
    chase_daily(at_local(DAY, time(9, 32)))
    body = _client(duty.office_clerk).get("/duty/").content.decode()
    town = duty.city.township.code
    chase = re.search(rf'<span class="chase" data-unit="{town}">([^<]*)</span>', body)
    assert chase is not None
    assert chase.group(1) == "已催报 09:01 · 短信已发 09:32"
    row = re.search(rf'data-unit="{town}" data-status="missing">.*?<td class="chase">([^<]*)</td>', body)
    assert row is not None
    assert row.group(1) == "已催报 09:01 · 短信已发 09:32"
    # A unit that reported on time was never chased.
    housing = re.search(
        rf'data-unit="{duty.city.housing.code}" data-status="on_time">.*?<td class="chase">([^<]*)</td>', body
    )
    assert housing is not None
    assert housing.group(1).strip() == ""


def test_the_gap_card_says_how_far_the_coverage_check_looks(duty: Duty, clock: Traveller) -> None:
    office = _client(duty.office_clerk)
    assert '<h2 id="gap-heading">值班缺口（未来 72 小时）</h2>' in office.get("/duty/").content.decode()
    with override_settings(DUTY_COVERAGE_HORIZON_HOURS=48):
        body = office.get("/duty/").content.decode()
    assert '<h2 id="gap-heading">值班缺口（未来 48 小时）</h2>' in body

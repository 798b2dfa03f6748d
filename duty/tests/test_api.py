"""/api/v1/duty: 平安报, who is on duty (phones masked outside the duty chain), incident reports."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from time_machine import Traveller

from accounts.audit.models import AuditRecord
from duty.services.common import at_local
from duty.services.rosters import add_shift
from duty.tests.conftest import Api, Duty

pytestmark = pytest.mark.django_db
BASE = "/api/v1/duty"
DAY = date(2025, 9, 24)


def test_daily_report_and_status_over_json(api: Api, duty: Duty, clock: Traveller) -> None:
    clock.move_to(at_local(DAY, time(8, 0)))
    made = api.post(duty.town_clerk, "/daily", {"kind": "safe"})
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "on_time"
    assert api.post(duty.town_clerk, "/daily", {"kind": "safe"}).status_code == 409
    rows = {r["unit"]: r["status"] for r in api.get(duty.office_clerk, "/daily").json()}
    assert rows["420881001"] == "on_time"
    assert rows["D-ZJJ"] == "waiting"  # the 09:00 deadline has not come
    assert [r["unit"] for r in api.get(duty.town_clerk, "/daily").json()] == ["420881001"]
    assert api.post(duty.town_clerk, "/daily", {"kind": "situation", "text": ""}).status_code in (409, 422)


def test_on_duty_phones_are_plain_for_the_chain_only(api: Api, duty: Duty, clock: Traveller) -> None:
    add_shift(
        duty.city.township,
        actor=duty.town_leader,
        starts_at=at_local(DAY, time(8, 30)),
        ends_at=at_local(DAY + timedelta(days=1), time(8, 30)),
        leader=duty.town_leader,
        officer=duty.town_clerk,
    )
    rows = {r["unit"]: r for r in api.get(duty.office_leader, "/now").json()}
    assert rows["420881001"]["leader_phone"] == "13900000022"
    assert rows["D-ZJJ"]["on_duty"] is False
    leader = duty.city.users["leader"]
    assert {r["unit"]: r for r in api.get(leader, "/now").json()}["420881001"]["officer"] == "镇值班"
    assert api.get(duty.city.users["agent"], "/now").status_code == 403


def test_first_follow_and_final_reports_over_json(api: Api, duty: Duty, clock: Traveller) -> None:
    body = {
        "text": "某某路积水，已封闭",
        "title": "道路积水",
        "level": "4",
        "kind": "flood",
        "place": "某某路",
    }
    made = api.post(duty.town_clerk, "/incidents", body | {"township": "420881001"})
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["actions"] == ["follow", "final", "link"]
    followed = api.post(duty.town_clerk, f"/incidents/{number}/follow", {"text": "已抽排积水", "injuries": 1})
    assert followed.json()["reports"][1]["label"] == "续报（1）"
    assert api.get(duty.city.users["outsider"], f"/incidents/{number}").status_code == 404
    final = api.post(duty.town_clerk, f"/incidents/{number}/final", {"text": "恢复通行，处置完毕"})
    assert final.json()["state"] == "finished"
    assert api.post(duty.town_clerk, f"/incidents/{number}/follow", {"text": "再报一次"}).status_code == 409
    bad = api.post(duty.town_clerk, "/incidents", body | {"level": "7"})
    assert bad.status_code == 422


def test_plain_phones_of_other_units_over_the_api_are_audited(api: Api, duty: Duty, clock: Traveller) -> None:
    add_shift(
        duty.city.township,
        actor=duty.town_leader,
        starts_at=at_local(DAY, time(8, 30)),
        ends_at=at_local(DAY + timedelta(days=1), time(8, 30)),
        leader=duty.town_leader,
        officer=duty.town_clerk,
    )
    api.get(duty.town_clerk, "/now")  # its own unit's phones: no audit
    assert not AuditRecord.objects.filter(action="duty.phones_viewed").exists()
    api.get(duty.office_leader, "/now")
    seen = AuditRecord.objects.get(action="duty.phones_viewed")
    assert seen.actor == duty.office_leader


def test_a_time_without_its_zone_is_read_as_local_time(api: Api, duty: Duty, clock: Traveller) -> None:
    clock.move_to(at_local(DAY, time(10, 0)))
    body = {
        "text": "某某路积水，已封闭",
        "title": "道路积水",
        "level": "4",
        "kind": "flood",
        "place": "某某路",
    }
    made = api.post(duty.town_clerk, "/incidents", body | {"occurred_at": f"{DAY.isoformat()}T09:40:00"})
    assert made.status_code == 201, made.content
    assert made.json()["learned_at"].startswith(f"{DAY.isoformat()}T10:00")

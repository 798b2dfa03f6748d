"""/api/v1/duty: shifts, swaps, handovers, incident tasks and reserves — the same services and
guards as the pages, precise 4xx errors."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.test import Client
from time_machine import Traveller

from duty.models import Shift
from duty.services.common import at_local
from duty.services.incidents import register_incident
from duty.services.rosters import add_shift
from duty.tests.conftest import Api, Duty

pytestmark = pytest.mark.django_db
BASE = "/api/v1/duty"
DAY = date(2025, 9, 24)


def _at(hh: int, mm: int = 0, day: date = DAY) -> Any:
    return at_local(day, time(hh, mm))


def test_shifts_listed_with_phones_as_the_caller_may_see_them(duty: Duty, clock: Traveller) -> None:
    api = Api(Client())
    made = api.post(
        duty.town_leader,
        "/shifts",
        {
            "unit": "420881001",
            "starts_at": "2025-09-24T08:30:00",
            "ends_at": "2025-09-25T08:30:00",
            "leader": duty.town_leader.pk,
            "officer": duty.town_clerk.pk,
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["leader_phone"] == "13900000022"
    again = api.post(
        duty.town_leader,
        "/shifts",
        {
            "unit": "420881001",
            "starts_at": "2025-09-24T20:00:00",
            "ends_at": "2025-09-25T06:00:00",
            "leader": duty.town_leader.pk,
            "officer": duty.town_clerk.pk,
        },
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duty.shift_overlap"
    stranger = api.post(
        duty.town_leader,
        "/shifts",
        {
            "unit": "420881001",
            "starts_at": "2025-09-26T08:30:00",
            "ends_at": "2025-09-27T08:30:00",
            "leader": duty.city.users["clerk"].pk,
            "officer": duty.town_clerk.pk,
        },
    )
    assert stranger.status_code == 422
    assert stranger.json()["details"]["field"] == "leader"
    office = api.get(duty.office_clerk, "/shifts", unit="420881001", start="2025-09-22", end="2025-09-28")
    assert office.json()[0]["officer_phone"] == "13900000021"
    other = api.get(duty.city.users["clerk"], "/shifts", unit="420881001")
    assert other.status_code == 403
    assert api.get(duty.town_clerk, "/shifts", start="2025-09-28", end="2025-09-01").status_code == 422
    assert api.get(duty.town_clerk, "/shifts", start="2025-02-30").status_code == 422
    assert api.get(duty.office_clerk, "/shifts", unit="NOPE").status_code == 404


def test_swap_and_handover_over_json(duty: Duty, clock: Traveller) -> None:
    clock.move_to(_at(9))
    shift = add_shift(
        duty.city.township,
        actor=duty.town_leader,
        starts_at=_at(8, 30),
        ends_at=_at(8, 30, DAY + timedelta(days=1)),
        leader=duty.town_leader,
        officer=duty.town_clerk,
    )
    nxt = add_shift(
        duty.city.township,
        actor=duty.town_leader,
        starts_at=_at(8, 30, DAY + timedelta(days=1)),
        ends_at=_at(8, 30, DAY + timedelta(days=2)),
        leader=duty.town_leader,
        officer=duty.town_clerk2,
    )
    api = Api(Client())
    asked = api.post(
        duty.town_clerk,
        f"/shifts/{shift.pk}/swaps",
        {"slot": "officer", "replacement": duty.town_clerk2.pk, "reason": "家中有事"},
    )
    assert asked.status_code == 201, asked.content
    swap = asked.json()
    assert not swap["may_decide"]
    assert api.get(duty.town_leader, "/swaps", status="pending").json()[0]["may_decide"]
    assert api.post(duty.town_clerk, f"/swaps/{swap['id']}/decision", {"approve": True}).status_code == 403
    assert api.post(duty.town_leader, f"/swaps/{swap['id']}/decision", {"approve": "yes"}).status_code == 422
    decided = api.post(duty.town_leader, f"/swaps/{swap['id']}/decision", {"approve": True})
    assert decided.json()["status"] == "approved"
    assert Shift.objects.get(pk=shift.pk).officer == duty.town_clerk2
    assert api.post(duty.town_leader, f"/swaps/{swap['id']}/decision", {"approve": False}).status_code == 409
    assert (
        api.post(duty.city.users["clerk"], f"/swaps/{swap['id']}/decision", {"approve": False}).status_code
        == 404
    )
    handed = api.post(duty.town_clerk2, f"/shifts/{shift.pk}/handover", {"notes": "一切正常"})
    assert handed.status_code == 201
    assert handed.json()["next_shift"] == nxt.pk
    assert (
        api.post(duty.town_clerk2, f"/shifts/{shift.pk}/handover", {"notes": "一切正常"}).status_code == 409
    )
    received = api.post(duty.town_clerk2, f"/handovers/{handed.json()['id']}/receive")
    assert received.json()["received_at"] is not None
    assert (
        api.post(duty.town_clerk, f"/shifts/{shift.pk}/handover", {"extra": 1, "notes": "xx"}).status_code
        == 422
    )


def test_tasks_over_json_with_the_pages_guards(duty: Duty, clock: Traveller) -> None:
    clock.move_to(_at(9))
    incident = register_incident(
        actor=duty.office_clerk,
        unit=duty.city.township,
        title="道路积水",
        level="4",
        kind="flood",
        place="某某路",
        occurred_at=_at(9),
        learned_at=_at(9),
        now=_at(9),
    )
    api = Api(Client())
    body = {"unit": "420881001", "title": "设置警示标志", "due_at": "2025-09-24T11:00:00"}
    assert api.post(duty.town_clerk, f"/incidents/{incident.number}/tasks", body).status_code == 403
    made = api.post(duty.office_clerk, f"/incidents/{incident.number}/tasks", body)
    assert made.status_code == 201, made.content
    task = made.json()
    assert task["actions"] == []
    mine = api.get(duty.town_clerk, "/tasks")
    assert mine.json()[0]["actions"] == ["accept"]
    assert api.post(duty.town_clerk, f"/tasks/{task['id']}/report", {"result": "已设置"}).status_code == 409
    assert api.post(duty.town_clerk, f"/tasks/{task['id']}/accept").json()["state"] == "accepted"
    assert api.post(duty.town_clerk, f"/tasks/{task['id']}/report", {"result": ""}).status_code == 422
    assert (
        api.post(duty.town_clerk, f"/tasks/{task['id']}/report", {"result": "已设置警示标志"}).json()["state"]
        == "done"
    )
    assert api.post(duty.town_clerk, f"/tasks/{task['id']}/verify").status_code == 403
    assert api.post(duty.office_clerk, f"/tasks/{task['id']}/nope").status_code == 404
    assert api.post(duty.office_clerk, f"/tasks/{task['id']}/verify").json()["state"] == "closed"
    assert api.get(duty.city.users["clerk"], "/tasks").json() == []
    assert api.get(duty.town_clerk, "/tasks", state="nope").status_code == 422


def test_reserves_over_json(duty: Duty, clock: Traveller) -> None:
    api = Api(Client())
    site = api.post(
        duty.town_clerk,
        "/reserves/sites",
        {"kind": "shelter", "name": "某某避难点", "address": "某某路", "capacity": 100},
    )
    assert site.status_code == 201, site.content
    checked = api.post(
        duty.town_clerk,
        f"/reserves/sites/{site.json()['id']}/checks",
        {"passed": True, "ready": True, "note": "达标"},
    )
    assert checked.json()["is_ready"]
    assert (
        api.post(
            duty.city.users["clerk"],
            f"/reserves/sites/{site.json()['id']}/checks",
            {"passed": True, "ready": True, "note": "外单位"},
        ).status_code
        == 404
    )
    stock = api.post(
        duty.town_clerk,
        "/reserves/stocks",
        {"kind": "flood", "name": "救生衣", "quantity": 80, "minimum": 100, "expires_on": "2025-10-01"},
    )
    assert stock.status_code == 201
    assert stock.json()["short"]
    assert (
        api.post(
            duty.town_clerk,
            "/reserves/stocks",
            {"kind": "flood", "name": "救生衣", "quantity": -1, "minimum": 1},
        ).status_code
        == 422
    )
    assert (
        api.post(
            duty.town_clerk,
            "/reserves/stocks",
            {"unit": "D-ZJJ", "kind": "flood", "name": "沙袋", "quantity": 1, "minimum": 1},
        ).status_code
        == 403
    )
    kinds = {s["kind"] for s in api.get(duty.office_clerk, "/reserves/shortfalls").json()}
    assert kinds == {"short", "expiring:2025-10-01"}
    assert len(api.get(duty.office_clerk, "/reserves/stocks").json()) == 1
    assert api.get(duty.city.users["clerk"], "/reserves/stocks").json() == []

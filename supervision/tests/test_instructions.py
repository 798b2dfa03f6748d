"""领导批示 on a case or a hotspot: a task 交办 at once, its deadline, who may give one, where it
shows (the case page, the hotspot page, the API), and the rest of its road as any task's."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from hotspots.models import Hotspot, HotspotMember
from mochou.errors import InvalidInput, NotPermitted
from supervision.services import tasks as svc
from supervision.services.instructions import instruct
from supervision.task_config import default_days
from supervision.task_models import Task
from supervision.task_workflow import Source, TaskState
from supervision.tests.task_helpers import CLOSE, EVIDENCE, fresh
from tests.factories import City, accepted_case, make_case
from worktime.calendar import add_working_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
BODY = "请市住建局三日内查明积水原因，拿出根治方案。"


def hotspot(city: City, *cases: Any) -> Hotspot:
    now = timezone.now()
    spot = Hotspot.objects.create(
        title="某小区雨后积水", window_start=now - timedelta(days=30), window_end=now, first_at=now,
        last_at=now, first_seen_at=now, computed_at=now, township=city.township,
    )  # fmt: skip
    for case in cases:
        HotspotMember.objects.create(hotspot=spot, case=case)
    return spot


def test_a_leaders_instruction_on_a_case_is_assigned_to_its_unit(city: City) -> None:
    case, leader = accepted_case(city), city.users["leader"]
    task = instruct(actor=leader, body=BODY, case=case)
    assert task.state == TaskState.ASSIGNED
    assert task.source_kind == Source.INSTRUCTION
    assert task.lead_unit_id == case.lead_unit_id == city.housing.pk
    assert task.leader == leader
    assert task.supervisor == city.users["supervisor"]
    assert task.deadline == add_working_days(task.created_at, default_days(Source.INSTRUCTION))
    assert task.case_id == case.pk
    assert task.hotspot_id is None
    assert [e.action for e in task.events.all()] == ["instruct"]
    urgent = instruct(actor=leader, body=BODY, case=case, urgent=True)
    assert urgent.source_kind == Source.INSTRUCTION_URGENT
    assert urgent.deadline == add_working_days(urgent.created_at, 5)
    two = instruct(actor=leader, body=BODY, case=case, urgent=True, days=2)
    assert two.deadline == add_working_days(two.created_at, 2)
    with pytest.raises(InvalidInput) as error:
        instruct(actor=leader, body=BODY, case=case, urgent=True, days=6)  # 急件 1–5
    assert error.value.details["field"] == "days"


def test_only_a_leader_instructs_and_a_subject_and_unit_are_needed(city: City) -> None:
    case = accepted_case(city)
    for name in ("supervisor", "clerk", "agent", "unit_leader"):
        with pytest.raises(NotPermitted):
            instruct(actor=city.users[name], body=BODY, case=case)
    leader = city.users["leader"]
    with pytest.raises(InvalidInput):
        instruct(actor=leader, body=BODY)  # neither case nor hotspot
    with pytest.raises(InvalidInput):
        instruct(actor=leader, body="好", case=case)
    undispatched = make_case(city)
    with pytest.raises(InvalidInput) as error:
        instruct(actor=leader, body=BODY, case=undispatched)  # no unit yet: the leader names one
    assert error.value.details["field"] == "lead_unit"
    assert (
        instruct(actor=leader, body=BODY, case=undispatched, lead_unit=city.education).lead_unit
        == city.education
    )
    with pytest.raises(InvalidInput):
        instruct(actor=leader, body=BODY, hotspot=hotspot(city))  # a hotspot's unit is chosen
    assert Task.objects.count() == 1


def test_an_instruction_runs_the_task_loop_to_销号_by_its_leader(city: City) -> None:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    task = instruct(actor=leader, body=BODY, case=accepted_case(city))
    svc.sign_task(task, actor=clerk)
    svc.request_close(task, actor=clerk, body=CLOSE, evidence=EVIDENCE)
    svc.first_review(task, actor=sup)
    svc.final_review(task, actor=leader)
    assert fresh(task).state == TaskState.CLOSED


def test_an_instruction_shows_on_the_case_page_and_the_hotspot_page(client: Client, city: City) -> None:
    case, leader = accepted_case(city), city.users["leader"]
    spot = hotspot(city, case)
    client.force_login(leader)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/supervision/instruct/case/{case.number}/" in page  # the leader's 批示 button
    form = client.get(f"/supervision/instruct/case/{case.number}/")
    assert form.status_code == 200
    bad = client.post(f"/supervision/instruct/case/{case.number}/", {"body": "好", "urgent": "0"})
    assert bad.status_code == 422
    assert Task.objects.count() == 0
    done = client.post(
        f"/supervision/instruct/case/{case.number}/", {"body": BODY, "urgent": "1", "days": "3"}
    )
    assert done.status_code == 302
    task = Task.objects.get(case=case)
    assert task.source_kind == Source.INSTRUCTION_URGENT
    posted = client.post(
        f"/supervision/instruct/hotspot/{spot.pk}/",
        {"body": "请住建局牵头，一个月内彻底解决该小区积水。", "urgent": "0", "lead_unit": city.housing.pk},
    )
    assert posted.status_code == 302
    on_spot = Task.objects.get(hotspot=spot)
    hotspot_page = client.get(f"/hotspots/{spot.pk}/").content.decode()
    assert on_spot.number in hotspot_page
    assert f"/supervision/instruct/hotspot/{spot.pk}/" in hotspot_page
    # The case page shows both: the 批示 on the case and the one on the hotspot it is behind.
    client.force_login(city.users["clerk"])
    unit_page = client.get(f"/cases/{case.number}/").content.decode()
    assert task.number in unit_page
    assert on_spot.number in unit_page
    assert "/supervision/instruct/case/" not in unit_page  # no button for the unit
    assert client.get(f"/supervision/instruct/case/{case.number}/").status_code == 403
    assert client.get(f"/supervision/tasks/{task.number}/").status_code == 200  # the unit's own task


def test_instructions_over_json(client: Client, city: City) -> None:
    case, leader = accepted_case(city), city.users["leader"]
    spot = hotspot(city, case)

    def post(user: User, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
        return client.post(
            "/api/v1/supervision/instructions",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    made = post(leader, {"case": case.number, "body": BODY, "urgent": True})
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["state"] == "assigned"
    assert out["case"] == case.number
    assert out["lead_unit"] == city.housing.code
    assert post(city.users["supervisor"], {"case": case.number, "body": BODY}).status_code == 403
    assert post(leader, {"case": "nope", "body": BODY}).status_code == 404
    assert post(leader, {"hotspot": spot.pk, "body": BODY}).status_code == 422  # no unit chosen
    assert post(leader, {"case": case.number, "hotspot": spot.pk, "body": BODY}).status_code == 422
    assert post(leader, {"case": case.number, "body": BODY, "urgent": True, "days": 9}).status_code == 422
    on_spot = post(leader, {"hotspot": spot.pk, "body": BODY, "lead_unit": city.education.code})
    assert on_spot.status_code == 201
    assert on_spot.json()["hotspot"] == spot.pk
    headers = {"Authorization": f"Bearer {ApiToken.issue(leader)}"}
    listed = client.get(f"/api/v1/supervision/tasks?case={case.number}", headers=headers).json()
    assert [t["number"] for t in listed["items"]] == [out["number"]]


def test_the_demo_gives_a_few_instructions_once(city: City) -> None:
    from supervision.instruction_demo import seed_instructions

    first, second = accepted_case(city), accepted_case(city)
    hotspot(city, first, second)
    now = timezone.now()
    assert seed_instructions(leader=city.users["leader"], now=now) == 3
    urgent = Task.objects.get(case=first)
    assert urgent.source_kind == Source.INSTRUCTION_URGENT
    assert urgent.state == TaskState.IN_PROGRESS
    assert Task.objects.get(case=second).state == TaskState.ASSIGNED
    assert Task.objects.filter(hotspot__isnull=False).count() == 1
    assert seed_instructions(leader=city.users["leader"], now=now) == 0

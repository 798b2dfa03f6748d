"""/api/v1/supervision/tasks, plans, indicators and /extract: the same verbs as the pages."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from supervision.task_models import Indicator, Plan
from supervision.tests.task_helpers import REPORT
from supervision.tests.test_extract import RECORD
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
BASE = "/api/v1/supervision"


def call(client: Client, user: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    if method == "get":
        return client.get(BASE + path, headers=headers)
    return client.post(BASE + path, json.dumps(body or {}), content_type="application/json", headers=headers)


def test_task_loop_over_json(client: Client, city: City) -> None:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    made = call(
        client,
        sup,
        "post",
        "/tasks",
        {"title": "关于某路段积水问题的批示", "source_kind": "instruction_urgent"},
    )
    assert made.status_code == 201
    number = made.json()["number"]
    assert made.json()["allowed_actions"] == ["assign"]
    assigned = call(client, sup, "post", f"/tasks/{number}/actions/assign",
                    {"lead_unit": city.housing.code, "leader": leader.username})  # fmt: skip
    assert assigned.status_code == 200
    assert assigned.json()["deadline"] is not None  # 急件: 5 working days by default
    assert call(client, clerk, "post", f"/tasks/{number}/actions/assign", {}).status_code == 403
    assert call(client, clerk, "post", f"/tasks/{number}/actions/sign").json()["state"] == "in_progress"
    report = call(client, clerk, "post", f"/tasks/{number}/actions/report", {"body": REPORT, "progress": 50})
    assert report.json()["progress"] == 50
    assert call(client, clerk, "post", f"/tasks/{number}/actions/final_review").status_code == 403
    assert call(client, sup, "post", f"/tasks/{number}/actions/final_review").status_code == 403
    assert call(client, leader, "post", f"/tasks/{number}/actions/final_review").status_code == 409
    assert call(client, city.users["outsider"], "get", f"/tasks/{number}").status_code == 404
    listed = call(client, clerk, "get", "/tasks")
    assert listed.json()["count"] == 1
    notice = call(client, sup, "post", f"/tasks/{number}/notices", {"body": "请加快办理"})
    assert notice.status_code == 201
    signed = call(client, clerk, "post", f"/task-notices/{notice.json()['number']}/sign", {})
    assert signed.json()["state"] == "signed"
    # The reports as a resource of their own: what the unit reported, as the detail lists it.
    reports = call(client, leader, "get", f"/tasks/{number}/reports")
    assert reports.status_code == 200
    assert [(r["body"], r["progress"], r["author"]) for r in reports.json()] == [(REPORT, 50, clerk.name)]
    assert reports.json() == call(client, leader, "get", f"/tasks/{number}").json()["reports"]
    assert call(client, city.users["outsider"], "get", f"/tasks/{number}/reports").status_code == 404


def test_plans_measurements_and_extract(client: Client, city: City) -> None:
    sup = city.users["supervisor"]
    plan = Plan.objects.create(number=5, name="“梧桐树”园区发展提质计划")
    Indicator.objects.create(
        plan=plan, code="park", name="园区工业总产值占比", measure_unit="%", kind="ratio",
        baseline=Decimal(60), baseline_date=date(2025, 1, 1), target=Decimal(80), due=date(2026, 12, 31),
        owner_unit=city.housing,
    )  # fmt: skip
    pushed = call(client, city.users["clerk"], "post", "/indicators/park/measurements",
                  {"period": "2025-08-31", "numerator": "650", "denominator": "1000"})  # fmt: skip
    assert pushed.status_code == 201
    assert Decimal(pushed.json()["value"]) == Decimal("65.00")
    assert call(client, city.users["outsider"], "post", "/indicators/park/measurements",
                {"period": "2025-08-31", "value": "1"}).status_code == 403  # fmt: skip
    plans = call(client, city.users["leader"], "get", "/plans").json()
    assert plans[0]["indicators"][0]["light"] in ("green", "yellow", "red")
    # The indicators as a list of their own, each naming its plan.
    listed = call(client, city.users["leader"], "get", "/indicators").json()
    assert [(i["code"], i["plan"]) for i in listed] == [("park", 5)]
    assert listed == plans[0]["indicators"]
    assert call(client, city.users["leader"], "get", "/indicators?plan=3").json() == []
    drafts = call(client, sup, "post", "/extract", {"text": RECORD, "held_on": "2021-08-01"})
    assert drafts.status_code == 200
    park = next(d for d in drafts.json() if d["target"] == "≥80%")
    assert park["deadline"] == "2023-12-31"
    assert park["plan_number"] == 5
    assert call(client, city.users["clerk"], "post", "/extract", {"text": RECORD}).status_code == 403


def test_split_over_json(client: Client, city: City) -> None:
    from supervision.task_workflow import TaskState
    from supervision.tests.task_helpers import task_in

    sup, clerk = city.users["supervisor"], city.users["clerk"]
    parent = task_in(city, TaskState.IN_PROGRESS)
    path = f"/tasks/{parent.number}/split"
    body = {
        "parts": [
            {"lead_unit": city.housing.code},
            {"title": "教育系统落实", "lead_unit": city.education.code},
        ]
    }
    assert call(client, clerk, "post", path, body).status_code == 403
    assert call(client, sup, "post", path, {"parts": [{"lead_unit": "nowhere"}]}).status_code == 422
    twice = {"parts": [{"lead_unit": city.housing.code}, {"lead_unit": city.housing.code}]}
    assert call(client, sup, "post", path, twice).json()["code"] == "invalid_input.parts"
    made = call(client, sup, "post", path, body)
    assert made.status_code == 201
    assert [(c["title"], c["lead_unit"]) for c in made.json()] == [
        (parent.title, city.housing.code),
        ("教育系统落实", city.education.code),
    ]
    assert parent.children.count() == 2
    assert call(client, sup, "post", "/tasks/DC1999-00000/split", body).status_code == 404


def test_indicators_over_json(client: Client, city: City) -> None:
    from supervision.tests.test_task_views import _two_indicators

    _two_indicators()
    sup = city.users["supervisor"]
    bad = call(client, sup, "post", "/tasks", {"title": "培育高新技术企业", "indicators": ["nope"]})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input.indicator")
    made = call(client, sup, "post", "/tasks", {"title": "培育高新技术企业", "indicators": ["hightech"]})
    assert made.status_code == 201
    number = made.json()["number"]
    assert made.json()["indicators"] == ["hightech"]
    assigned = call(client, sup, "post", f"/tasks/{number}/actions/assign", {
        "lead_unit": city.housing.code, "leader": city.users["leader"].username,
        "indicators": ["techrefit", "hightech"],
    })  # fmt: skip
    assert assigned.status_code == 200
    assert assigned.json()["indicators"] == ["hightech", "techrefit"]

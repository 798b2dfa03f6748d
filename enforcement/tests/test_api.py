"""/api/v1/enforcement: the same verbs as the pages, the owner masked, refusals mapped."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from enforcement.tests.conftest import Control, png, violation_in
from enforcement.workflow import State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enforcement"


def call(client: Client, user: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    if method == "get":
        return client.get(BASE + path, headers=headers)
    return client.post(BASE + path, body or {}, content_type="application/json", headers=headers)


def test_report_then_confirm_over_the_api(client: Client, control: Control) -> None:
    body = {
        "township": control.township.code,
        "village": control.village.code,
        "address": "郢中街道王府社区8号",
        "lat": 31.17,
        "lng": 112.59,
        "crs": "gcj02",
        "area": "35.5",
        "structure": "shed",
        "land_type": "state",
        "built_on": "2025-09-01",
        "channel": "patrol",
        "description": "国有土地上搭建彩钢棚",
        "owner_name": "赵六",
        "owner_phone": "13700001234",
        "photos": [base64.b64encode(png()).decode()],
    }
    created = call(client, control.users["town_clerk"], "post", "/violations", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["owner_name"] == "赵*"
    assert data["is_new"] is True
    assert "confirm" not in data["allowed_actions"]
    number = data["number"]
    refused = call(client, control.users["town_clerk"], "post", f"/violations/{number}/actions/confirm")
    assert refused.status_code == 403
    done = call(
        client, control.users["kwb_clerk"], "post", f"/violations/{number}/actions/confirm", {"note": "属实"}
    )
    assert done.status_code == 200
    assert done.json()["state"] == State.CONFIRMED
    again = call(client, control.users["kwb_clerk"], "post", f"/violations/{number}/actions/confirm")
    assert again.status_code == 409


def test_the_list_and_the_board(client: Client, control: Control) -> None:
    violation_in(control, State.ORDERED)
    listed = call(client, control.users["kwb_leader"], "get", "/violations?state=ordered")
    assert listed.json()["total"] == 1
    assert call(client, control.users["other_clerk"], "get", "/violations").json()["total"] == 0
    board = call(client, control.users["kwb_leader"], "get", "/board").json()
    row = next(r for r in board["rows"] if r["township"]["code"] == control.township.code)
    assert row["open_new"] == 1
    assert row["zero_growth"] is False
    own = call(client, control.users["other_clerk"], "get", "/board").json()
    assert [r["township"]["code"] for r in own["rows"]] == [control.other_township.code]


def test_a_reinspection_by_the_demolisher_is_refused(client: Client, control: Control) -> None:
    v = violation_in(control, State.DEMOLISHED)
    body = {"passed": True, "note": "已拆除到位", "photos": [base64.b64encode(png()).decode()]}
    refused = call(
        client, control.users["town_clerk"], "post", f"/violations/{v.number}/actions/reinspect", body
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied.same_person"


def test_a_patrol_and_a_patch_file_over_the_api(client: Client, control: Control) -> None:
    logged = call(
        client, control.users["town_clerk"], "post", "/patrols", {"area": "莫愁湖社区", "nothing_found": True}
    )
    assert logged.status_code == 201
    assert logged.json()["township"] == control.township.code
    from enforcement.tests.test_intake import CSV

    response = call(client, control.users["kwb_clerk"], "post", "/patches", {"format": "csv", "content": CSV})
    assert response.status_code == 200, response.content
    assert len(response.json()["created"]) == 2


def test_a_board_month_out_of_range_is_a_clear_error(client: Client, control: Control) -> None:
    answer = call(client, control.users["kwb_leader"], "get", "/board?month=9999-12-01")
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_input.month"
    assert client.login(username="kwb_leader", password=PASSWORD)
    assert client.get("/enforcement/board/?month=9999-12").status_code == 200


def test_a_violation_reported_over_the_api_is_linked_to_its_patrol(client: Client, control: Control) -> None:
    from enforcement.models import Violation

    clerk = control.users["town_clerk"]
    logged = call(client, clerk, "post", "/patrols", {"area": "莫愁湖社区二组", "nothing_found": False})
    patrol = logged.json()["id"]
    body = {
        "township": control.township.code,
        "address": "郢中街道莫愁湖社区二组9号",
        "area": "40",
        "structure": "brick",
        "land_type": "farmland",
        "built_on": "2025-09-01",
        "channel": "patrol",
        "description": "耕地上新建房屋",
        "patrol": patrol,
    }
    created = call(client, clerk, "post", "/violations", body)
    assert created.status_code == 201, created.content
    assert Violation.objects.get(number=created.json()["number"]).patrol_id == patrol
    # Another's patrol log is refused, as on the page.
    other = call(client, control.users["town_leader"], "post", "/violations", body)
    assert other.status_code == 422
    assert other.json()["code"] == "invalid_input.patrol"

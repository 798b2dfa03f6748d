"""/api/v1/affairs: the catalogue and the application's road over JSON, with its refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db
BASE = "/api/v1/affairs"


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def _headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    def get(self, user: User, path: str) -> Any:
        return self.client.get(BASE + path, headers=self._headers(user))

    def post(self, user: User, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            BASE + path, json.dumps(body), content_type="application/json", headers=self._headers(user)
        )


def test_the_road_over_json(client, clock, city, matter, window):
    api = Api(client)
    matters = api.get(window, "/matters").json()
    assert [m["code"] for m in matters] == ["ZJJ-GJJ-01"]
    assert matters[0]["materials"][0]["reusable"] is True
    applicant = {"name": "赵明", "id_number": "420881198001011235", "phone": "13900002222"}
    made = api.post(
        window, "/applications", {"matter": "ZJJ-GJJ-01", "applicant": applicant, "provided": ["身份证"]}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    number = body["number"]
    assert body["applicant_name"] == "赵*"
    assert body["missing"] == ["购房合同"]
    assert "accept" not in body["allowed_actions"]
    assert api.post(window, f"/applications/{number}/accept", {}).status_code == 409
    assert api.post(city.users["clerk"], f"/applications/{number}/notify", {}).status_code == 403
    assert (
        api.post(window, f"/applications/{number}/notify", {"note": "请补交"}).json()["state"] == "correcting"
    )
    assert (
        api.post(window, f"/applications/{number}/correct", {"provided": ["购房合同"]}).json()["state"]
        == "submitted"
    )
    accepted = api.post(window, f"/applications/{number}/accept", {}).json()
    assert accepted["promised_due_at"]
    assert accepted["step"] == "承办人审核"
    api.post(city.users["clerk"], f"/applications/{number}/approve_step", {"note": "同意"})
    assert api.post(city.users["unit_leader"], f"/applications/{number}/deny", {}).status_code == 422
    assert (
        api.post(city.users["unit_leader"], f"/applications/{number}/grant", {}).json()["state"] == "granted"
    )
    done = api.post(
        window, f"/applications/{number}/deliver", {"delivery": "post", "tracking_number": "EMS1"}
    ).json()
    assert done["state"] == "delivered"
    assert [e["action"] for e in done["events"]][-1] == "deliver"
    assert api.get(city.users["outsider"], f"/applications/{number}").status_code == 404
    assert api.get(city.users["clerk"], "/applications").json()["total"] == 1


def test_rating_and_rectification_over_json(client, clock, city, quick_matter, window, person):
    from affairs import services
    from affairs.workflow import Channel

    api = Api(client)
    app = services.submit(quick_matter, person, provided=["身份证"], channel=Channel.ONLINE)
    app = services.deliver(
        services.grant(services.accept(app, actor=window), actor=window), actor=window, delivery="window"
    )
    assert api.post(window, f"/applications/{app.number}/rate", {"rating": 9}).status_code == 422
    poor = api.post(window, f"/applications/{app.number}/rate", {"rating": 1, "note": "态度差"}).json()
    assert poor["state"] == "rectifying"
    assert (
        api.post(window, f"/applications/{app.number}/rectify", {"note": "已约谈窗口人员"}).status_code == 403
    )
    done = api.post(
        city.users["clerk"], f"/applications/{app.number}/rectify", {"note": "已约谈窗口人员并整改"}
    )
    assert done.json()["state"] == "rated"

"""/api/v1/supervision/notices: the same verbs as the pages, over JSON, in the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from supervision.tests.conftest import ANSWER, DEMAND, issue
from tests.factories import City, accepted_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision/notices"


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.tokens: dict[int, str] = {}

    def _headers(self, user: User) -> dict[str, str]:
        token = self.tokens.get(user.pk) or self.tokens.setdefault(user.pk, ApiToken.issue(user))
        return {"Authorization": f"Bearer {token}"}

    def get(self, user: User, path: str = "", **query: Any) -> Any:
        return self.client.get(BASE + path, query, headers=self._headers(user))

    def post(self, user: User, path: str = "", body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json", headers=self._headers(user)
        )


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def test_the_whole_road_over_json(api: Api, city: City, clock: Any) -> None:
    u = city.users
    case = accepted_case(city)
    made = api.post(u["supervisor"], "", {"case": case.number, "body": DEMAND, "respond_days": 2})
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["state"] == "issued"
    assert made.json()["events"][0]["action"] == "issue"

    assert api.get(u["clerk"], f"/{number}").json()["allowed_actions"] == ["sign"]
    assert api.post(u["clerk"], f"/{number}/sign").json()["state"] == "signed"
    answered = api.post(u["clerk"], f"/{number}/answer", {"body": ANSWER})
    assert answered.json()["state"] == "pending_approval"
    assert api.get(u["supervisor"], f"/{number}").json()["answer"] is None  # a draft stays in the unit
    returned = api.post(u["unit_leader"], f"/{number}/return", {"note": "请写明完成时间"})
    assert (returned.json()["state"], returned.json()["return_note"]) == ("signed", "请写明完成时间")
    api.post(u["clerk"], f"/{number}/answer", {"body": ANSWER})
    approved = api.post(u["unit_leader"], f"/{number}/approve", {"note": "同意"})
    assert approved.json()["state"] == "answered"
    seen = api.get(u["supervisor"], f"/{number}").json()
    assert (seen["answer"], seen["late"], seen["deadline"]) == (ANSWER, [], None)


def test_the_list_filters(api: Api, city: City, clock: Any) -> None:
    blue = issue(city)
    red = issue(city, colour="red", major=True)
    listed = api.get(city.users["supervisor"]).json()
    assert listed["count"] == 2
    assert {n["number"] for n in api.get(city.users["supervisor"], colour="red").json()["items"]} == {
        red.number
    }
    assert api.get(city.users["supervisor"], state="signed").json()["count"] == 0
    assert (
        api.get(city.users["supervisor"], case=blue.case.number).json()["items"][0]["number"] == blue.number
    )
    assert api.get(city.users["supervisor"], late="true").json()["count"] == 0
    assert api.get(city.users["clerk"], unit="D-ZJJ").json()["count"] == 2


def test_errors_are_precise(api: Api, city: City, clock: Any) -> None:
    notice = issue(city)
    hidden = api.get(city.users["outsider"], f"/{notice.number}")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    role = api.post(city.users["supervisor"], f"/{notice.number}/sign")
    assert (role.status_code, role.json()["code"]) == (403, "permission_denied.role")
    state = api.post(city.users["unit_leader"], f"/{notice.number}/approve", {})
    assert state.status_code == 409
    short = api.post(city.users["clerk"], f"/{notice.number}/answer", {"body": "好"})
    assert short.status_code == 422
    colour = api.post(
        city.users["supervisor"], "", {"case": accepted_case(city).number, "body": DEMAND, "colour": "yellow"}
    )
    assert (colour.status_code, colour.json()["code"]) == (422, "invalid_input.colour")
    duplicate = api.post(city.users["supervisor"], "", {"case": notice.case.number, "body": DEMAND})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "supervision.open_notice")


def test_the_old_case_route_still_issues_a_notice(api: Api, city: City, clock: Any, client: Client) -> None:
    case = accepted_case(city)
    token = ApiToken.issue(city.users["supervisor"])
    r = client.post(
        f"/api/v1/cases/{case.number}/supervise",
        json.dumps({"body": "请加快办理进度", "respond_days": 1}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.content
    assert api.get(city.users["supervisor"], case=case.number).json()["items"][0]["colour"] == "blue"


def test_the_openapi_lists_every_notice_path(client: Client, db: None) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "",
        "/{number}",
        "/{number}/sign",
        "/{number}/answer",
        "/{number}/approve",
        "/{number}/return",
    ):
        assert BASE + path in paths, path
    assert "post" in paths[BASE]
    assert "/api/v1/cases/{number}/supervise" in paths


def test_an_unknown_filter_is_refused(api: Api, city: City, clock: Any) -> None:
    r = api.get(city.users["supervisor"], colur="red")
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["field"] == "colur"

"""The duty office (市应急管理局) and its staff on top of the shared small city."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, Role, User
from org.models import Unit, UnitKind
from tests.factories import City, make_user


@dataclass
class Duty:
    city: City
    office: Unit
    office_clerk: User
    office_leader: User
    town_clerk: User
    town_leader: User
    town_clerk2: User


@pytest.fixture
def duty(city: City) -> Duty:
    office = Unit.objects.create(
        code="D-YJJ", name="钟祥市应急管理局", short_name="市应急管理局", kind=UnitKind.DEPARTMENT
    )
    return Duty(
        city=city,
        office=office,
        office_clerk=make_user("yjj_clerk", Role.CLERK, office, display_name="应值班", mobile="13900000011"),
        office_leader=make_user(
            "yjj_leader", Role.UNIT_LEADER, office, display_name="应局长", mobile="13900000012"
        ),
        town_clerk=make_user(
            "town_clerk", Role.CLERK, city.township, display_name="镇值班", mobile="13900000021"
        ),
        town_leader=make_user(
            "town_leader", Role.UNIT_LEADER, city.township, display_name="镇带班", mobile="13900000022"
        ),
        town_clerk2=make_user(
            "town_clerk2", Role.CLERK, city.township, display_name="镇替班", mobile="13900000023"
        ),
    )


API_BASE = "/api/v1/duty"


class Api:
    """The duty API as a client with a bearer token for each user (tests of /api/v1/duty)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    def get(self, user: User, path: str, **query: Any) -> Any:
        return self.client.get(API_BASE + path, query, headers=self._headers(user))

    def post(self, user: User, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            API_BASE + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(user),
        )


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def incident_registration(duty: Duty, **more: Any) -> dict[str, Any]:
    """The body of POST /api/v1/duty/incidents/register for a 3级 flood in the test township."""
    return {
        "unit": duty.city.township.code,
        "title": "S311道路积水",
        "level": "3",
        "kind": "flood",
        "place": "下穿通道",
        "township": duty.city.township.code,
        **more,
    }

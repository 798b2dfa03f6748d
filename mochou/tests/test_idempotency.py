"""Idempotency-Key on POST /api/v1/cases: a retry never registers twice (Open311: open311/tests)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from cases.models import Case
from mochou.idempotency import IDEMPOTENCY_TTL
from mochou.models import IdempotencyKey
from tests.concurrency import at_once
from tests.factories import City

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "complaint",
    "content": "郢中街道莫愁湖路路灯连续三晚不亮，夜里行人看不清路。",
    "citizen_phone": "13912345678",
    "township": "420881001",
}


def register(client: Client, token: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/cases", json.dumps(body), content_type="application/json", headers=headers)


def test_a_retry_with_the_same_key_gets_the_same_case(client: Client, city: City, agent: User) -> None:
    token = ApiToken.issue(agent)
    first = register(client, token, BODY, "retry-1")
    again = register(client, token, dict(reversed(list(BODY.items()))), "retry-1")  # key order is no change
    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(client: Client, city: City, agent: User) -> None:
    token = ApiToken.issue(agent)
    assert register(client, token, BODY, "k").status_code == 201
    other = register(client, token, BODY | {"content": "另一件事：莫愁湖路的井盖松动了。"}, "k")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency.key_reused"
    assert other.json()["details"]["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Case.objects.count() == 1


def test_keys_belong_to_one_client_and_expire(
    client: Client, city: City, agent: User, dispatcher: User
) -> None:
    assert register(client, ApiToken.issue(agent), BODY, "shared").status_code == 201
    assert register(client, ApiToken.issue(dispatcher), BODY, "shared").status_code == 201
    assert Case.objects.count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - IDEMPOTENCY_TTL - timedelta(minutes=1))
    assert register(client, ApiToken.issue(agent), BODY, "shared").status_code == 201
    assert Case.objects.count() == 3


def test_without_a_key_every_post_registers_and_a_bad_key_is_a_422(
    client: Client, city: City, agent: User
) -> None:
    token = ApiToken.issue(agent)
    assert register(client, token, BODY, None).status_code == 201
    assert register(client, token, BODY, None).status_code == 201
    bad = register(client, token, BODY, "含中文的键")
    assert bad.status_code == 422
    assert Case.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


def test_a_refused_request_keeps_no_key(client: Client, city: City, agent: User) -> None:
    token = ApiToken.issue(agent)
    assert register(client, token, BODY | {"township": "999999999"}, "fix-me").status_code == 422
    assert register(client, token, BODY, "fix-me").status_code == 201  # the corrected retry registers


def test_the_header_is_in_the_openapi_document(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    params = schema["paths"]["/api/v1/cases"]["post"]["parameters"]
    header = next(p for p in params if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert header["required"] is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to lose")
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_create_one_case(calendar: None) -> None:
    from tests.factories import make_city

    city = make_city()
    token = ApiToken.issue(city.users["agent"])

    def post() -> tuple[int, str]:
        r = register(Client(), token, BODY, "same-moment")
        return r.status_code, r.json().get("number", "")

    answers = at_once(post, 4)
    statuses = [status for status, _ in answers]
    numbers = [number for _, number in answers]
    assert statuses == [201] * 4
    assert len(set(numbers)) == 1
    assert Case.objects.count() == 1

"""Idempotency-Key on POST requests.json: a client's retry gets the same service_request_id."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cases.models import Case

pytestmark = pytest.mark.django_db


def open311_post(client: Client, key: str, service: str, idem: str | None, **extra: str) -> Any:
    form = {"api_key": key, "service_code": service, "description": "路灯不亮好几天了"}
    form |= {"lat": "31.17", "long": "112.59"}
    headers = {"Idempotency-Key": idem} if idem else {}
    return client.post("/open311/v2/requests.json", form | extra, headers=headers)


def test_open311_retries_get_the_same_request_id(client: Client, api_key: str, service: Any) -> None:
    raw, code = api_key, str(service.pk)
    first = open311_post(client, raw, code, "o-1")
    assert first.status_code == 200, first.content
    again = open311_post(client, raw, code, "o-1")
    assert again.json() == first.json()
    assert Case.objects.count() == 1
    other = open311_post(client, raw, code, "o-1", description="另一件事，井盖松动")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()[0]["description"]
    assert Case.objects.count() == 1


def test_open311_refuses_an_unusable_key_with_a_400(client: Client, api_key: str, service: Any) -> None:
    response = open311_post(client, api_key, str(service.pk), "含中文")
    assert response.status_code == 400
    assert Case.objects.count() == 0

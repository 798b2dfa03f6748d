"""Open311 test helpers: a key, a client without CSRF leniency, and the two formats."""

from __future__ import annotations

import json
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from django.test import Client

from cases.models import Category
from open311.models import ApiKey


@pytest.fixture
def api_key(db: None) -> str:
    return ApiKey.issue("测试客户端")[1]


@pytest.fixture
def client() -> Client:
    # enforce_csrf_checks: a third-party client never has a CSRF cookie.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def service(city: Any) -> Category:
    """城市建设和市政管理: the second-level parent of the city's 市政设施 category."""
    return city.category.parent


def parse(response: Any, fmt: str) -> Any:
    """The body as Python (JSON) or as an Element (XML), after checking the content type."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return SafeET.fromstring(response.content)  # no entities, no external references


def errors(response: Any, fmt: str) -> list[tuple[int, str]]:
    """[(code, description)] from the specification's error format, in either format."""
    body = parse(response, fmt)
    if fmt == "json":
        return [(item["code"], item["description"]) for item in body]
    assert body.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in body.findall("error")]


def rows(response: Any, fmt: str) -> list[dict[str, str | None]]:
    """service_requests as a list of dicts of text (XML) or JSON values."""
    body = parse(response, fmt)
    if fmt == "json":
        return body
    assert body.tag == "service_requests"
    return [{child.tag: child.text for child in request} for request in body.findall("request")]

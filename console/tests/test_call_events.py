"""POST /console/calls/events: what the telephone system relies on — the shared key, precise
errors for bad input, and the same event twice (or out of order) never changing a call twice."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings
from time_machine import Traveller

from accounts.models import User
from conftest import SHANGHAI
from console.models import AgentExtension, Call, CallState
from tests.factories import City

pytestmark = pytest.mark.django_db

URL = "/console/calls/events"
KEY = "s3cret-telephony-key"


@pytest.fixture
def key(settings: Settings) -> str:
    settings.MOCHOU_TELEPHONY_KEY = KEY
    return KEY


def post(client: Client, data: dict, *, key: str | None = KEY, as_json: bool = True) -> Any:
    headers: dict[str, Any] = {"HTTP_X_MOCHOU_TELEPHONY_KEY": key} if key is not None else {}
    if as_json:
        return client.post(URL, json.dumps(data), content_type="application/json", **headers)
    return client.post(URL, data, **headers)


def ringing(**extra: str) -> dict:
    return {
        "event": "ringing",
        "call_id": "1727143200.42",
        "caller": "13812345678",
        "agent": "agent",
        **extra,
    }


# ---------------------------------------------------------------- authentication


def test_events_are_refused_while_no_key_is_configured(
    client: Client, agent: User, settings: Settings
) -> None:
    settings.MOCHOU_TELEPHONY_KEY = ""
    response = post(client, ringing(), key="")
    assert response.status_code == 403
    assert response.json()["code"] == "telephony.disabled"
    response = post(client, ringing(), key="anything")
    assert response.status_code == 403
    assert not Call.objects.exists()


@pytest.mark.parametrize("given", [None, "", "wrong-key", KEY + "x"])
def test_a_missing_or_wrong_key_is_refused(client: Client, agent: User, key: str, given: str | None) -> None:
    response = post(client, ringing(), key=given)
    assert response.status_code == 401
    assert response.json() == {
        "code": "telephony.bad_key",
        "message": "X-Mochou-Telephony-Key 缺失或不正确。",
    }
    assert not Call.objects.exists()


def test_a_logged_in_session_is_no_substitute_for_the_key(client: Client, agent: User, key: str) -> None:
    client.force_login(agent)
    assert post(client, ringing(), key=None).status_code == 401


def test_only_post_is_accepted(client: Client, key: str) -> None:
    response = client.get(URL, HTTP_X_MOCHOU_TELEPHONY_KEY=KEY)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# ---------------------------------------------------------------- recording a call


def test_ringing_answered_hangup_make_one_call_with_its_times(
    client: Client, agent: User, key: str, clock: Traveller
) -> None:
    response = post(client, ringing(at="2025-09-24T09:59:50+08:00"))
    assert response.status_code == 201
    assert response.json() == {
        "call_id": "1727143200.42",
        "state": "ringing",
        "agent": "agent",
        "case": None,
        "created": True,
        "changed": True,
    }
    assert post(client, ringing(event="answered", at="2025-09-24T09:59:55+08:00")).status_code == 200
    response = post(client, ringing(event="hangup", at="1758679500"))  # Unix seconds: 2025-09-24 10:05
    assert response.status_code == 200
    assert response.json()["state"] == "ended"
    call = Call.objects.get()
    assert (call.caller, call.agent, call.state) == ("13812345678", agent, CallState.ENDED)
    assert call.started_at == datetime(2025, 9, 24, 9, 59, 50, tzinfo=SHANGHAI)
    assert call.answered_at == datetime(2025, 9, 24, 9, 59, 55, tzinfo=SHANGHAI)
    assert call.ended_at == datetime(2025, 9, 24, 10, 5, tzinfo=SHANGHAI)


def test_form_encoded_events_work_like_json(client: Client, agent: User, key: str, clock: Traveller) -> None:
    response = post(client, {"event": "ringing", "call_id": "abc-1", "caller": "+86 138 1234 5678",
                             "callee": "agent"}, as_json=False)  # fmt: skip
    assert response.status_code == 201
    call = Call.objects.get(call_id="abc-1")
    assert (call.caller, call.agent) == ("13812345678", agent)


def test_the_agent_may_be_given_by_extension(client: Client, agent: User, key: str, clock: Traveller) -> None:
    AgentExtension.objects.create(user=agent, extension="8001")
    assert post(client, ringing(agent="8001")).status_code == 201
    assert Call.objects.get().agent == agent


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("013812345678", "13812345678"),  # the trunk prefix of a non-local mobile
        ("07244222345", "0724-4222345"),  # landlines as accounts.phones stores them
        ("+86 724 422 2345", "0724-4222345"),
        ("anonymous", ""),  # a withheld number
    ],
)
def test_caller_ids_are_stored_as_the_cases_store_phones(
    client: Client, agent: User, key: str, clock: Traveller, raw: str, stored: str
) -> None:
    assert post(client, ringing(caller=raw)).status_code == 201
    assert Call.objects.get().caller == stored


def test_a_repeated_event_changes_nothing(client: Client, agent: User, key: str, clock: Traveller) -> None:
    post(client, ringing())
    post(client, ringing(event="answered"))
    before = Call.objects.values().get()
    response = post(client, ringing(event="answered", at="2025-09-24T10:00:30+08:00"))
    assert response.status_code == 200
    assert response.json()["changed"] is False
    assert response.json()["created"] is False
    assert Call.objects.count() == 1
    after = Call.objects.values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_a_late_event_never_moves_a_call_back(
    client: Client, agent: User, key: str, clock: Traveller
) -> None:
    # The hangup's curl overtook the answer's: the call stays ended, and learns when it was answered.
    assert post(client, ringing(event="hangup", at="2025-09-24T10:03:00+08:00")).status_code == 201
    assert post(client, ringing(event="answered", at="2025-09-24T09:58:00+08:00")).status_code == 200
    call = Call.objects.get()
    assert call.state == CallState.ENDED
    assert call.answered_at == datetime(2025, 9, 24, 9, 58, tzinfo=SHANGHAI)
    assert call.started_at == datetime(2025, 9, 24, 9, 58, tzinfo=SHANGHAI)


def test_the_agent_who_answers_is_the_agent_of_a_queued_call(
    client: Client, city: City, key: str, clock: Traveller
) -> None:
    post(client, ringing(agent="agent2"))  # the queue rang agent2 first
    post(client, ringing(event="answered", agent="agent"))
    post(client, ringing(event="hangup", agent="agent2"))  # a stray leg's hangup does not take it back
    agent_of_call = Call.objects.get().agent
    assert agent_of_call is not None
    assert agent_of_call.username == "agent"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"call_id": "x1", "caller": "13812345678"}, "invalid_input.required", "event"),
        ({"event": "ring", "call_id": "x1"}, "invalid_input.event", "event"),
        ({"event": "ringing"}, "invalid_input.required", "call_id"),
        ({"event": "ringing", "call_id": "<script>alert(1)</script>"}, "invalid_input.call_id", "call_id"),
        ({"event": "ringing", "call_id": "x" * 65}, "invalid_input.call_id", "call_id"),
        ({"event": "ringing", "call_id": "x1", "caller": "138abc"}, "invalid_input.caller", "caller"),
        ({"event": "ringing", "call_id": "x1", "caller": "1" * 25}, "invalid_input.caller", "caller"),
        ({"event": "ringing", "call_id": "x1", "agent": "nobody"}, "invalid_input.agent", "agent"),
        ({"event": "ringing", "call_id": "x1", "agent": "clerk"}, "invalid_input.agent", "agent"),
        ({"event": "ringing", "call_id": "x1", "agent": "a b"}, "invalid_input.agent", "agent"),
        ({"event": "ringing", "call_id": "x1", "at": "yesterday"}, "invalid_input.at", "at"),
        ({"event": "ringing", "call_id": "x1", "at": "2024-01-01T10:00:00"}, "invalid_input.at", "at"),
    ],
)
def test_bad_events_get_a_precise_error_and_store_nothing(
    client: Client, city: City, key: str, clock: Traveller, data: dict, code: str, field: str
) -> None:
    response = post(client, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["details"] == {"field": field}
    assert body["message"]  # a sentence for the operator's log
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "invalid_input.json"),
        ("[1, 2]", "invalid_input.json"),
        ('{"event": "ringing", "call_id": {"x": 1}}', "invalid_input.call_id"),
        ('{"event": "ringing", "call_id": "x", "pad": "' + "x" * 5000 + '"}', "invalid_input.too_large"),
    ],
)
def test_malformed_bodies_are_refused(client: Client, key: str, body: str, code: str) -> None:
    response = client.post(URL, body, content_type="application/json", HTTP_X_MOCHOU_TELEPHONY_KEY=KEY)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Call.objects.exists()

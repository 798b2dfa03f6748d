"""The screen pop: the agent's own current call, the caller's earlier cases (open ones first), the
full number for the agent on the call, and one audit row per case shown per call."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from time_machine import Traveller

from accounts.models import PersonalDataView, User
from conftest import SHANGHAI
from console import calls
from console.models import Call
from tests.factories import City, closed_case, make_case

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def ring(agent: User, *, call_id: str = "c-1", caller: str = PHONE, event: str = "answered") -> Call:
    parsed = calls.parse_event(
        {"event": event, "call_id": call_id, "caller": caller, "agent": agent.username}
    )
    return calls.record_call_event(parsed)[0]


def history_numbers(html: str) -> list[str]:
    return re.findall(r'class="history-item[^"]*" data-number="(\d+)"', html)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 9, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def history(city: City, clock: Traveller) -> dict[str, object]:
    """Three earlier cases from the caller's number and one from another number."""
    clock.move_to(at(1))
    old_closed = closed_case(city, title="去年的路灯不亮")
    clock.move_to(at(10))
    open_older = make_case(city, title="小区门口下水道堵塞")
    clock.move_to(at(18))
    closed_newer = closed_case(city, title="噪音扰民已处理")
    clock.move_to(at(20))
    stranger = make_case(city, title="别人的诉求", citizen_phone="13900001111")
    clock.move_to(at(24))
    return {
        "old_closed": old_closed,
        "open_older": open_older,
        "closed_newer": closed_newer,
        "other": stranger,
    }


def test_the_agents_call_pops_with_the_callers_history_open_cases_first(
    client: Client, agent: User, history: dict
) -> None:
    ring(agent)
    client.force_login(agent)
    html = client.get("/console/").content.decode()
    assert 'id="call-caller">13812345678<' in html  # the agent on the call sees the whole number
    expected = [history[k].number for k in ("open_older", "closed_newer", "old_closed")]
    assert history_numbers(html) == expected
    assert history["other"].number not in html
    assert "小区门口下水道堵塞" in html
    assert f'href="/cases/{history["open_older"].number}/"' in html
    assert "待派单" in html
    assert "已办结" in html
    assert "2025-09-10" in html
    # The intake form starts from the caller's number and is tied to the call.
    assert 'name="citizen_phone" value="13812345678"' in html


def test_each_case_shown_is_audited_once_per_call(client: Client, agent: User, history: dict) -> None:
    call = ring(agent)
    client.force_login(agent)
    client.get("/console/")
    shown = {history[k].pk for k in ("open_older", "closed_newer", "old_closed")}
    views = PersonalDataView.objects.filter(user=agent, purpose="console")
    assert set(views.values_list("case_id", flat=True)) == shown
    assert set(views.values_list("fields", flat=True)) == {"citizen_phone"}
    # The poll re-renders when the call changes (answered → ended), without a second audit row.
    ring(agent, event="hangup")
    response = client.get("/console/_current/", {"shown": f"{call.pk}-answered-{agent.pk}"}, **HX)
    assert response.status_code == 200
    assert "已挂断" in response.content.decode()
    assert views.count() == 3


def test_the_poll_answers_no_content_while_nothing_changed(
    client: Client, agent: User, history: dict
) -> None:
    call = ring(agent)
    client.force_login(agent)
    key = f"{call.pk}-answered-{agent.pk}"
    assert client.get("/console/_current/", {"shown": key}, **HX).status_code == 204
    assert client.get("/console/_current/", {"shown": "none"}, **HX).status_code == 200


def test_an_agent_sees_only_their_own_call(client: Client, city: City, history: dict) -> None:
    ring(city.users["agent2"])
    client.force_login(city.users["agent"])
    html = client.get("/console/_current/", **HX).content.decode()
    assert 'id="no-call"' in html
    assert PHONE not in html
    assert not history_numbers(html)
    assert not PersonalDataView.objects.exists()


def test_a_new_call_pops_on_the_next_poll(client: Client, agent: User, history: dict) -> None:
    client.force_login(agent)
    assert 'id="no-call"' in client.get("/console/").content.decode()
    ring(agent, call_id="c-2", event="ringing")
    html = client.get("/console/_current/", {"shown": "none"}, **HX).content.decode()
    assert "振铃" in html
    assert 'data-caller="13812345678"' in html  # the form picks the number up from here
    assert len(history_numbers(html)) == 3


def test_a_landline_caller_finds_cases_stored_with_the_dash(
    client: Client, city: City, clock: Traveller
) -> None:
    case = make_case(city, citizen_phone="0724-4222345")
    ring(city.users["agent"], caller="07244222345")
    client.force_login(city.users["agent"])
    assert history_numbers(client.get("/console/").content.decode()) == [case.number]


def test_a_withheld_number_pops_without_history(client: Client, agent: User, history: dict) -> None:
    ring(agent, caller="anonymous")
    client.force_login(agent)
    html = client.get("/console/").content.decode()
    assert "号码未显示" in html
    assert not history_numbers(html)


def test_dismissing_a_call_clears_the_pop(client: Client, agent: User, history: dict) -> None:
    call = ring(agent)
    client.force_login(agent)
    response = client.post(f"/console/calls/{call.pk}/dismiss/", **HX)
    assert 'id="no-call"' in response.content.decode()
    call.refresh_from_db()
    assert call.wrapped_up_at is not None
    assert call.case is None
    # Another agent cannot dismiss it (nor see that it exists).
    other = ring(agent, call_id="c-9")
    client.force_login(agent.__class__.objects.get(username="agent2"))
    assert client.post(f"/console/calls/{other.pk}/dismiss/").status_code == 404


@pytest.mark.parametrize("username", ["clerk", "unit_leader", "supervisor", "leader", "outsider"])
def test_the_console_is_for_the_centres_call_takers(client: Client, city: City, username: str) -> None:
    client.force_login(city.users[username])
    assert client.get("/console/").status_code == 403
    assert client.get("/console/_current/").status_code == 403
    assert client.post("/console/intake/", {"content": "测试测试测试"}).status_code == 403


def test_the_console_needs_a_login(client: Client, city: City) -> None:
    response = client.get("/console/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unchanged_poll_costs_a_few_queries_and_no_audit(
    client: Client, agent: User, history: dict, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    call = ring(agent)
    client.force_login(agent)
    client.get("/console/")
    with django_assert_max_num_queries(3):  # session, user, the agent's current call
        response = client.get("/console/_current/", {"shown": f"{call.pk}-answered-{agent.pk}"}, **HX)
    assert response.status_code == 204

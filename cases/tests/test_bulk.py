"""Bulk dispatch and bulk accept: the one verb per case, each on its own, a result line per case —
from the queue page and from the API."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from time_machine import Traveller

from accounts.models import ApiToken, User
from cases import hooks, services
from cases.guards import refusal
from cases.models import Case, CaseEvent
from cases.workflow import Action, State
from tests.factories import City, dispatched_case, make_case

HX = {"HX-Request": "true"}


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def result_lines(response: object) -> dict[str, tuple[str, str]]:
    """{number: (已完成/未完成, 说明)} of the result table."""
    rows = re.findall(
        r'<tr class="bulk-row [^"]*" data-number="(\d+)">.*?'
        r'<td data-label="结果"><span class="tag [^"]*">([^<]+)</span></td>'
        r'\s*<td data-label="说明" class="bulk-message">([^<]*)</td>',
        page(response),
        flags=re.S,
    )
    return {number: (outcome, message) for number, outcome, message in rows}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def dispatches(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, action=Action.DISPATCH).count()


# ---------------------------------------------------------------- the pages


def test_the_dispatcher_bulk_dispatches_to_one_unit_and_sees_a_line_per_case(
    client: Client, city: City, clock: Traveller
) -> None:
    cases = [make_case(city) for _ in range(3)]
    taken = dispatched_case(city)  # dispatched by someone else meanwhile
    expected_refusal = refusal(city.users["dispatcher"], taken, Action.DISPATCH)
    assert expected_refusal is not None
    login(client, city.users["dispatcher"])
    numbers = [c.number for c in cases] + [taken.number, "2099010100001"]
    response = client.post(
        "/cases/bulk/dispatch/",
        {
            "cases": numbers,
            "lead_unit": city.housing.pk,
            "co_units": [city.education.pk],
            "note": "请尽快处理",
        },
        headers=HX,
    )
    lines = result_lines(response)
    for case in cases:
        assert lines[case.number] == ("已完成", "已派单：市住建局（协办：市教育局）")
        case.refresh_from_db()
        assert case.state == State.DISPATCHED
        assert case.lead_unit == city.housing
        assert dispatches(case) == 1
    assert lines[taken.number] == ("未完成", expected_refusal.message)
    assert dispatches(taken) == 1  # untouched
    assert lines["2099010100001"] == ("未完成", "找不到该工单，或您无权查看。")
    assert '完成 <span id="bulk-done">3</span> 件' in page(response)
    assert response["HX-Trigger"] == "queue-changed"  # the queue reloads without them


def test_bulk_dispatch_by_each_cases_suggestion(
    client: Client, city: City, clock: Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggested, unplaced = make_case(city), make_case(city)
    advice = {
        suggested.pk: SimpleNamespace(
            lead_unit_id=city.education.pk,
            lead_unit=city.education,
            co_units=[city.housing.code],
            category=None,
        ),
        unplaced.pk: SimpleNamespace(lead_unit_id=None, lead_unit=None, co_units=[], category=None),
    }
    monkeypatch.setattr(hooks.triage_advice, "_answer", lambda case: advice.get(case.pk))
    login(client, city.users["dispatcher"])
    response = client.post(
        "/cases/bulk/dispatch/", {"cases": [suggested.number, unplaced.number]}, headers=HX
    )
    lines = result_lines(response)
    assert lines[suggested.number] == ("已完成", "已按分拣建议派单：市教育局（协办：市住建局）")
    assert lines[unplaced.number] == ("未完成", "该工单没有派单建议，请逐件派单。")
    assert Case.objects.get(pk=suggested.pk).lead_unit == city.education
    assert Case.objects.get(pk=unplaced.pk).state == State.REGISTERED  # a person decides


def test_the_unit_bulk_accepts_its_dispatched_cases(client: Client, city: City, clock: Traveller) -> None:
    ours = [dispatched_case(city) for _ in range(2)]
    theirs = services.dispatch(make_case(city), actor=city.users["dispatcher"], lead_unit=city.education)
    login(client, city.users["clerk"])
    html = page(client.get("/cases/queue/to_accept/"))
    assert 'id="bulk-accept-button"' in html
    response = client.post(
        "/cases/bulk/accept/", {"cases": [c.number for c in ours] + [theirs.number]}, headers=HX
    )
    lines = result_lines(response)
    assert all(lines[c.number] == ("已完成", "已签收") for c in ours)
    assert {c.state for c in Case.objects.filter(pk__in=[c.pk for c in ours])} == {State.IN_PROGRESS}
    # Another unit's case is not even visible to this clerk.
    assert lines[theirs.number] == ("未完成", "找不到该工单，或您无权查看。")
    assert Case.objects.get(pk=theirs.pk).state == State.DISPATCHED


def test_bulk_actions_are_offered_only_to_who_may_take_them(
    client: Client, city: City, clock: Traveller
) -> None:
    case = make_case(city)
    assert 'id="bulk-form"' in page(login(client, city.users["dispatcher"]).get("/cases/queue/to_dispatch/"))
    assert 'id="bulk-form"' not in page(login(client, city.users["agent"]).get("/cases/queue/to_dispatch/"))
    refused = client.post(
        "/cases/bulk/dispatch/", {"cases": [case.number], "lead_unit": city.housing.pk}, headers=HX
    )
    assert "您的角色不能批量派单" in page(refused)
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    assert client.get("/cases/bulk/dispatch/fields/").status_code == 404
    nothing = login(client, city.users["dispatcher"]).post(
        "/cases/bulk/dispatch/", {"lead_unit": city.housing.pk}
    )
    assert nothing.status_code == 422
    assert "请先勾选工单" in page(nothing)


def test_the_bulk_dispatch_choices_load_only_when_opened(
    client: Client, city: City, clock: Traveller
) -> None:
    login(client, city.users["dispatcher"])
    queue = page(client.get("/cases/queue/to_dispatch/"))
    assert city.education.name not in queue.split('id="bulk-form"')[1].split("</form>")[0]
    fields = page(client.get("/cases/bulk/dispatch/fields/", headers=HX))
    assert city.education.name in fields
    assert "按各件的分拣建议派单" in fields


# ---------------------------------------------------------------- the API


def post(client: Client, user: User, path: str, body: dict[str, Any]) -> Any:
    token = ApiToken.issue(user)
    return client.post(
        f"/api/v1/cases{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_api_bulk_dispatches_with_a_result_per_case(client: Client, city: City, clock: Traveller) -> None:
    fresh, taken = make_case(city), dispatched_case(city)
    body = {"numbers": [fresh.number, taken.number, "nope"], "lead_unit": city.housing.code, "co_units": []}
    response = post(client, city.users["dispatcher"], "/bulk/dispatch", body)
    assert response.status_code == 200
    out = response.json()
    assert (out["done"], out["refused"]) == (1, 2)
    by_number = {r["number"]: r for r in out["results"]}
    assert by_number[fresh.number]["done"] is True
    assert by_number[fresh.number]["state"] == "dispatched"
    assert by_number[taken.number]["done"] is False
    assert by_number[taken.number]["code"] == "case.transition_not_allowed"
    assert by_number["nope"]["code"] == "not_found"
    assert by_number["nope"]["state"] is None


def test_the_api_bulk_accepts_and_refuses_what_the_role_may_not_do(
    client: Client, city: City, clock: Traveller
) -> None:
    case = dispatched_case(city)
    refused = post(client, city.users["agent"], "/bulk/accept", {"numbers": [case.number]})
    assert refused.status_code == 403
    response = post(client, city.users["clerk"], "/bulk/accept", {"numbers": [case.number]})
    assert response.json()["results"][0]["done"] is True
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    empty = post(client, city.users["clerk"], "/bulk/accept", {"numbers": []})
    assert empty.status_code == 422
    unknown_unit = post(
        client, city.users["dispatcher"], "/bulk/dispatch", {"numbers": ["1"], "lead_unit": "X"}
    )
    assert unknown_unit.status_code == 422
    co_without_lead = post(
        client, city.users["dispatcher"], "/bulk/dispatch", {"numbers": ["1"], "co_units": ["D-ZJJ"]}
    )
    assert co_without_lead.status_code == 422

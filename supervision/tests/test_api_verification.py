"""核实 over JSON: a task's 办结 checked (初审 by the 督查室, 审结 by its leader: pass → 销号, fail →
退回重办 with a reason) and an indicator's figure checked, by an API client exactly as on the
pages — the same verbs, the same refusals, the same event log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Role, User
from supervision import indicators as ind
from supervision.task_models import Measurement, Task
from supervision.task_workflow import TaskState
from supervision.tests.task_helpers import CLOSE, EVIDENCE, REPORT, fresh, task_in
from supervision.tests.test_extract import RECORD
from supervision.tests.test_indicators import _owned_by_housing
from tests.factories import City, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
BASE = "/api/v1/supervision"
RETURN_REASON = "佐证材料缺少验收记录，请补充后重新申请办结"


def call(client: Client, user: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    if method == "get":
        return client.get(BASE + path, headers=headers)
    return client.post(BASE + path, json.dumps(body or {}), content_type="application/json", headers=headers)


def events(task: Task) -> list[tuple[str, str, str, str | None, str]]:
    """The log as a reader sees it: what was done, from where to where, by whom, with what note."""
    return [
        (e.action, e.from_state, e.to_state, e.actor.username if e.actor else None, e.note)
        for e in fresh(task).events.select_related("actor").order_by("seq")
    ]


def test_an_api_client_takes_a_record_to_销号_through_a_failed_and_a_passed_核实(
    client: Client, city: City
) -> None:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    record = call(
        client, sup, "post", "/records", {"title": "常委会议", "text": RECORD, "held_on": "2021-08-01"}
    )
    assert record.status_code == 201
    draft = next(d for d in record.json()["items"] if "80%" in d["sentence"])
    assert draft["status"] == "pending"
    saved = call(client, sup, "post", f"/drafts/{draft['id']}/save", {
        "title": "园区工业总产值占比达到80%以上", "lead_unit": city.housing.code,
        "deadline": "2026-12-31", "target": "≥80%",
    })  # fmt: skip
    assert saved.status_code == 200
    made = call(client, sup, "post", f"/drafts/{draft['id']}/confirm", {"leader": leader.username})
    assert made.status_code == 201
    number = made.json()["number"]
    assert made.json()["source_text"] == draft["sentence"]  # the task keeps the sentence it came from
    assert made.json()["allowed_actions"] == ["assign"]
    act = f"/tasks/{number}/actions"
    assert call(client, sup, "post", f"{act}/assign", {"lead_unit": city.housing.code}).status_code == 200
    assert call(client, clerk, "post", f"{act}/sign").json()["state"] == "in_progress"
    assert call(client, clerk, "post", f"{act}/report", {"body": REPORT, "progress": 60}).status_code == 200
    asked = call(client, clerk, "post", f"{act}/request_close", {"body": CLOSE, "evidence": EVIDENCE})
    assert asked.json()["state"] == "close_requested"
    assert call(client, sup, "get", f"/tasks/{number}").json()["allowed_actions"] == [
        "first_review",
        "return",
    ]

    # 核实 fails: a reason is required, then the task goes back to the unit with a 黄色督办单.
    no_reason = call(client, sup, "post", f"{act}/return", {})
    assert no_reason.status_code == 422
    assert (no_reason.json()["code"], no_reason.json()["details"]["field"]) == ("invalid_input.text", "note")
    returned = call(client, sup, "post", f"{act}/return", {"note": RETURN_REASON})
    assert returned.status_code == 200
    assert (returned.json()["state"], returned.json()["progress"]) == ("in_progress", 60)
    assert [(n["colour"], n["reason"]) for n in returned.json()["notices"]] == [("yellow", "审核退回")]
    assert returned.json()["events"][-1]["note"] == RETURN_REASON

    # 核实 passes: 初审 by the 督查室, 审结 by the leader who assigned it → 销号.
    call(client, clerk, "post", f"{act}/request_close", {"body": CLOSE, "evidence": EVIDENCE + "；验收记录"})
    assert (
        call(client, sup, "post", f"{act}/first_review", {"note": "材料齐全"}).json()["state"]
        == "leader_review"
    )
    closed = call(client, leader, "post", f"{act}/final_review", {"note": "同意销号"})
    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["light"], closed.json()["allowed_actions"]) == (
        "closed",
        "done",
        [],
    )
    assert [e["action"] for e in closed.json()["events"]] == [
        "approve", "assign", "sign", "report", "request_close", "return",
        "request_close", "first_review", "final_review",
    ]  # fmt: skip


def test_核实_is_refused_to_whoever_may_not_and_in_a_state_that_has_nothing_to_check(
    client: Client, city: City
) -> None:
    clerk, sup = city.users["clerk"], city.users["supervisor"]
    other = make_user("leader2", Role.LEADER, None, display_name="陈副市长")
    asked = task_in(city, TaskState.CLOSE_REQUESTED)
    act = f"/tasks/{asked.number}/actions"
    for user, action in [
        (clerk, "first_review"),
        (clerk, "return"),
        (city.users["unit_leader"], "first_review"),
    ]:
        refused = call(client, user, "post", f"{act}/{action}", {"note": RETURN_REASON})
        assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied.role")
        assert "只有" in refused.json()["message"]
    co_unit = call(client, city.users["outsider"], "post", f"{act}/first_review")  # sees it: a co-unit
    assert (co_unit.status_code, co_unit.json()["code"]) == (403, "permission_denied.role")
    assert (
        call(client, city.users["agent"], "post", f"{act}/first_review").status_code == 404
    )  # does not see it
    assert (
        call(client, sup, "post", f"/tasks/{asked.number}/actions/verify").status_code == 404
    )  # no such action
    assert fresh(asked).state == TaskState.CLOSE_REQUESTED

    reviewed = task_in(city, TaskState.LEADER_REVIEW)
    wrong = call(client, other, "post", f"/tasks/{reviewed.number}/actions/final_review")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "permission_denied.leader")
    assert wrong.json()["message"] == "只有交办该事项的责任领导可以审结。"

    working = task_in(city, TaskState.IN_PROGRESS)
    for user, action in [(sup, "first_review"), (sup, "return"), (city.users["leader"], "final_review")]:
        refused = call(
            client, user, "post", f"/tasks/{working.number}/actions/{action}", {"note": RETURN_REASON}
        )
        assert refused.status_code == 409
        assert refused.json()["details"]["state"] == "in_progress"
        assert "当前状态为“办理中”" in refused.json()["message"]
    assert events(working) == events(fresh(working))  # nothing written
    assert len(events(working)) == 3


def _page_chain(city: City, task: Task) -> None:
    pages = {name: Client() for name in ("supervisor", "clerk", "leader")}
    for name, c in pages.items():
        c.force_login(city.users[name])

    def post(who: str, action: str, data: dict[str, object] | None = None) -> None:
        form = {f"{action}-{k}": v for k, v in (data or {}).items()}
        response = pages[who].post(reverse("supervision:task_act", args=[task.number, action]), form)
        assert response.status_code == 302, response.content.decode()[:300]

    post("supervisor", "assign", {"lead_unit": city.housing.pk, "leader": city.users["leader"].pk,
                                  "deadline": "2026-06-30", "report_every": 10})  # fmt: skip
    post("clerk", "sign")
    post("clerk", "report", {"body": REPORT, "progress": 60})
    post("clerk", "request_close", {"body": CLOSE, "evidence": EVIDENCE})
    post("supervisor", "return", {"note": RETURN_REASON})
    post("clerk", "request_close", {"body": CLOSE, "evidence": EVIDENCE})
    post("supervisor", "first_review", {"note": "材料齐全"})
    post("leader", "final_review", {"note": "同意销号"})


def _api_chain(client: Client, city: City, task: Task) -> None:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    act = f"/tasks/{task.number}/actions"
    steps: list[tuple[User, str, dict[str, Any]]] = [
        (sup, "assign", {"lead_unit": city.housing.code, "leader": leader.username,
                         "deadline": "2026-06-30", "report_every": 10}),
        (clerk, "sign", {}),
        (clerk, "report", {"body": REPORT, "progress": 60}),
        (clerk, "request_close", {"body": CLOSE, "evidence": EVIDENCE}),
        (sup, "return", {"note": RETURN_REASON}),
        (clerk, "request_close", {"body": CLOSE, "evidence": EVIDENCE}),
        (sup, "first_review", {"note": "材料齐全"}),
        (leader, "final_review", {"note": "同意销号"}),
    ]  # fmt: skip
    for user, action, body in steps:
        response = call(client, user, "post", f"{act}/{action}", body)
        assert response.status_code == 200, response.json()


def test_the_event_log_of_the_chain_is_the_same_through_the_api_as_through_the_pages(
    client: Client, city: City
) -> None:
    by_page, by_api = task_in(city, TaskState.APPROVED), task_in(city, TaskState.APPROVED)
    _page_chain(city, by_page)
    _api_chain(client, city, by_api)
    assert fresh(by_page).state == fresh(by_api).state == TaskState.CLOSED
    assert events(by_page) == events(by_api)
    assert [e[0] for e in events(by_api)][-4:] == ["return", "request_close", "first_review", "final_review"]

    def aftermath(task: Task) -> tuple[object, ...]:
        t = fresh(task)
        notices = [(n.colour, n.reason, n.state) for n in t.notices.order_by("pk")]
        reports = [(r.kind, r.progress, r.author_id) for r in t.reports.order_by("pk")]
        return t.returns, t.review_note, t.progress, t.deadline, notices, reports

    assert aftermath(by_page) == aftermath(by_api)


# ------------------------------------------------------------------ an indicator's figures


def test_an_api_client_verifies_a_figure_as_the_page_does(client: Client, city: City) -> None:
    indicator = _owned_by_housing(city)
    sup, clerk, boss = city.users["supervisor"], city.users["clerk"], city.users["unit_leader"]
    pushed = call(client, clerk, "post", f"/indicators/{indicator.code}/measurements",
                  {"period": "2022-12-31", "value": "70", "source_document": "统计月报"})  # fmt: skip
    assert pushed.status_code == 201
    assert (pushed.json()["reported_by"], pushed.json()["verified_by"]) == (clerk.name, None)
    assert pushed.json()["allowed_actions"] == []  # its reporter may not check it
    mid = pushed.json()["id"]
    path = f"/indicators/{indicator.code}/measurements"
    listed = call(client, boss, "get", path).json()
    assert [(m["id"], m["current"], m["allowed_actions"]) for m in listed] == [(mid, True, ["verify"])]

    verify = f"{path}/{mid}/verify"
    refused = call(client, clerk, "post", verify)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied.role")
    assert call(client, city.users["outsider"], "post", verify).status_code == 403
    assert call(client, city.users["agent"], "post", verify).status_code == 404  # does not see 督查督办
    assert call(client, boss, "post", f"{path}/999999/verify").status_code == 404
    assert call(client, boss, "post", f"/indicators/nope/measurements/{mid}/verify").status_code == 404

    done = call(client, boss, "post", verify)
    assert done.status_code == 200
    assert (done.json()["verified_by"], done.json()["allowed_actions"]) == (boss.name, [])
    assert Measurement.objects.get(pk=mid).verified_by == boss
    again = call(client, sup, "post", verify)
    assert (again.status_code, again.json()["code"]) == (409, "supervision.measurement_verified")
    assert again.json()["message"] == "该数据已核实。"

    own = call(client, sup, "post", path, {"period": "2023-06-30", "value": "72"}).json()
    mine = call(client, sup, "post", f"{path}/{own['id']}/verify")
    assert (mine.status_code, mine.json()["code"]) == (403, "permission_denied.reporter")

    # A corrected period: the old entry is superseded, only the correction may be checked.
    first = ind.record_measurement(indicator, actor=clerk, period=date(2023, 12, 31), value=74)
    corrected = ind.record_measurement(indicator, actor=clerk, period=date(2023, 12, 31), value=75)
    stale = call(client, boss, "post", f"{path}/{first.pk}/verify")
    assert (stale.status_code, stale.json()["code"]) == (409, "supervision.measurement_superseded")
    unverified = call(client, boss, "get", f"{path}?unverified=true").json()
    assert [m["id"] for m in unverified] == [own["id"], corrected.pk]
    history = {m["id"]: m["current"] for m in call(client, boss, "get", f"{path}?period=2023-12-31").json()}
    assert history == {first.pk: False, corrected.pk: True}


def test_the_api_and_the_page_record_the_same_核实(client: Client, city: City) -> None:
    indicator = _owned_by_housing(city)
    clerk, boss = city.users["clerk"], city.users["unit_leader"]
    by_page = ind.record_measurement(indicator, actor=clerk, period=date(2022, 12, 31), value=70)
    by_api = ind.record_measurement(indicator, actor=clerk, period=date(2023, 6, 30), value=72)
    client.force_login(boss)
    assert (
        client.post(reverse("supervision:measurement_verify", args=[indicator.code, by_page.pk])).status_code
        == 302
    )
    path = f"/indicators/{indicator.code}/measurements/{by_api.pk}/verify"
    assert call(Client(), boss, "post", path).status_code == 200
    rows = Measurement.objects.filter(pk__in=[by_page.pk, by_api.pk]).values_list(
        "verified_by", "value", "via"
    )
    assert sorted(rows) == [(boss.pk, by_page.value, "form"), (boss.pk, by_api.value, "form")]


def test_figures_are_imported_from_csv_over_json_all_or_nothing(client: Client, city: City) -> None:
    indicator = _owned_by_housing(city)
    clerk = city.users["clerk"]
    good = (
        "指标编码,统计期,数值,分子,分母,依据材料\n"
        f"{indicator.code},2022-12-31,70,,,年报\n{indicator.code},2023-06-30,72,,,半年报\n"
    )
    made = call(client, clerk, "post", "/measurements/import", {"csv": good})
    assert made.status_code == 201
    assert [(m["period"], m["value"], m["via"], m["current"]) for m in made.json()] == [
        ("2022-12-31", "70.00", "csv", True),
        ("2023-06-30", "72.00", "csv", True),
    ]
    bad = good + f"{indicator.code},2023-13-01,73,,,\n"
    refused = call(client, clerk, "post", "/measurements/import", {"csv": bad})
    assert refused.status_code == 422
    assert refused.json()["details"]["line"] == 4
    assert refused.json()["message"].startswith("第4行：")
    assert Measurement.objects.count() == 2  # nothing of the refused file was kept
    other = call(client, city.users["outsider"], "post", "/measurements/import", {"csv": good})
    assert (other.status_code, other.json()["code"]) == (403, "permission_denied.indicator")

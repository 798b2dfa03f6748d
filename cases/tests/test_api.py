"""The JSON API: the whole loop with each role's token, the error format, filters, privacy."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, PersonalDataView, User
from cases.api import ACTION_PATHS
from cases.models import Case, CaseEvent, Kind
from cases.workflow import State
from conftest import SHANGHAI
from tests.factories import accepted_case, called_back_case, dispatched_case, make_case, replied_case

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


class Api:
    """A test client that speaks for one user at a time with that user's bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.tokens: dict[int, str] = {}

    def _headers(self, user: User | None) -> dict[str, str]:
        if user is None:
            return {}
        token = self.tokens.get(user.pk) or self.tokens.setdefault(user.pk, ApiToken.issue(user))
        return {"Authorization": f"Bearer {token}"}

    def get(self, user: User | None, path: str = "", **query: Any) -> Any:
        return self.client.get(BASE + path, query, headers=self._headers(user))

    def post(self, user: User | None, path: str = "", body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json", headers=self._headers(user)
        )


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def snapshot(case: Case) -> tuple[str, int]:
    case.refresh_from_db()
    return case.state, case.events.count()


def error_fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["details"]["errors"]}


REGISTER_BODY = {
    "kind": "complaint",
    "content": "郢中街道莫愁湖路路灯连续三晚不亮，夜里行人看不清路。",
    "citizen_name": "李先生",
    "citizen_phone": "139 1234 5678",
    "address": "郢中街道莫愁湖路",
    "township": "420881001",
    "category": "城乡建设/城市建设和市政管理/市政设施",
}


# ---------------------------------------------------------------- the loop


def test_a_case_walks_the_whole_loop_through_the_api(
    api: Api, city: Any, clock: Any, agent: User, dispatcher: User, clerk: User, unit_leader: User
) -> None:
    r = api.post(agent, "", REGISTER_BODY)
    assert r.status_code == 201, r.content
    case = r.json()
    number = case["number"]
    assert case["state"] == "registered"
    assert case["channel"] == "api"
    assert case["category"] == "城乡建设/城市建设和市政管理/市政设施"
    assert case["township"] == {"code": "420881001", "name": "郢中街道"}

    def act(user: User, action: str, body: dict[str, Any] | None = None, state: str | None = None) -> dict:
        response = api.post(user, f"/{number}/{action}", body)
        assert response.status_code == 200, (action, response.content)
        data = response.json()
        if state:
            assert data["state"] == state, action
        return data

    dispatched = act(dispatcher, "dispatch", {"lead_unit": "D-ZJJ", "note": "请尽快处理"}, "dispatched")
    assert dispatched["lead_unit"]["code"] == "D-ZJJ"
    assert dispatched["deadline"]["kind"] == "accept"
    act(clerk, "accept", state="in_progress")
    requested = act(clerk, "extend", {"days": 3, "reason": "需协调供电公司更换线路"})
    due_before = datetime.fromisoformat(requested["due_at"])
    extended = act(dispatcher, "decide-extension", {"approve": True, "note": "同意"}, "in_progress")
    assert datetime.fromisoformat(extended["due_at"]) > due_before
    assert extended["extensions"][0]["status"] == "approved"
    act(clerk, "reply", {"body": "已联系路灯管理所，正在排查线路故障。"}, "pending_approval")
    act(unit_leader, "reject-reply", {"note": "请写明修复时间"}, "in_progress")
    fixed = {"body": "路灯线路已于今日修复，三盏路灯恢复照明。", "result": "已解决"}
    act(clerk, "reply", fixed, "pending_approval")
    approved = act(unit_leader, "approve", {"note": "同意答复"}, "replied")
    assert [r["status"] for r in approved["replies"]] == ["rejected", "approved"]  # the unit keeps its drafts
    assert [r["result"] for r in api.get(agent, f"/{number}").json()["replies"]] == ["已解决"]
    act(agent, "callback", {"reached": True, "resolved": True, "satisfaction": "satisfied"}, "called_back")
    closed = act(agent, "close", {}, "closed")
    assert closed["closed_at"] is not None
    assert closed["actions"] == [{"action": "reopen", "label": "重办", "path": "reopen"}]

    events = api.get(agent, f"/{number}/events").json()
    assert [e["action"] for e in events] == [
        "register", "dispatch", "accept", "extend", "decide_extension", "reply",
        "reject_reply", "reply", "approve", "callback", "close",
    ]  # fmt: skip
    assert events[1]["actor"] == "赵派单"
    assert events[2]["actor_unit"] == {"code": "D-ZJJ", "name": "市住建局"}
    assert Case.objects.get(number=number).state == events[-1]["to_state"]


def test_the_lead_unit_can_return_a_case_to_the_dispatchers(
    api: Api, city: Any, clock: Any, clerk: User
) -> None:
    case = dispatched_case(city)
    r = api.post(
        clerk, f"/{case.number}/return", {"reason_kind": "not_our_area", "reason": "该路段属于郢中街道管理"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "registered"
    assert r.json()["lead_unit"] is None


def test_an_unsatisfied_callback_is_reopened_to_the_unit(
    api: Api, city: Any, clock: Any, agent: User
) -> None:
    case = called_back_case(city, satisfaction="unsatisfied")
    r = api.post(agent, f"/{case.number}/reopen", {"reason": "群众反映问题仍未解决"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "in_progress"
    assert r.json()["reopen_count"] == 1


def test_a_duplicate_is_merged_into_its_parent(api: Api, city: Any, clock: Any, dispatcher: User) -> None:
    parent, duplicate = make_case(city), make_case(city)
    r = api.post(dispatcher, f"/{duplicate.number}/merge", {"parent": parent.number, "note": "同一事项"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "merged"
    assert r.json()["parent"] == parent.number


def test_a_case_is_transferred_to_another_platform(api: Api, city: Any, clock: Any, dispatcher: User) -> None:
    case = make_case(city)
    r = api.post(dispatcher, f"/{case.number}/transfer", {"target": "荆门市12345平台"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "transferred"
    assert r.json()["transferred_to"] == "荆门市12345平台"


def test_a_supervisor_supervises_without_changing_the_state(
    api: Api, city: Any, clock: Any, supervisor: User
) -> None:
    case = accepted_case(city)
    r = api.post(supervisor, f"/{case.number}/supervise", {"body": "请加快办理进度", "respond_days": 1})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "in_progress"
    assert case.supervision_notices.get().unit == city.housing


def test_a_consultation_is_answered_at_intake(api: Api, city: Any, clock: Any, agent: User) -> None:
    case = make_case(city, kind=Kind.CONSULT, content="请问公积金提取需要带哪些材料？")
    answer = {"answer": "需携带身份证和银行卡到政务服务中心办理。"}
    r = api.post(agent, f"/{case.number}/answer-at-intake", answer)
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "replied"


def test_a_co_handling_unit_contributes_but_may_not_accept(
    api: Api, city: Any, clock: Any, dispatcher: User, clerk: User, outsider: User
) -> None:
    case = make_case(city)
    body = {"lead_unit": "D-ZJJ", "co_units": ["D-JYJ", "D-JYJ", "D-ZJJ"]}
    r = api.post(dispatcher, f"/{case.number}/dispatch", body)
    assert [u["code"] for u in r.json()["co_units"]] == ["D-JYJ"]  # once, and never the lead unit
    # The education clerk now sees the case as a co-handler, but only the lead unit signs for it.
    before = snapshot(case)
    r = api.post(outsider, f"/{case.number}/accept")
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied.unit"
    assert snapshot(case) == before
    api.post(clerk, f"/{case.number}/accept")
    r = api.post(outsider, f"/{case.number}/contribute", {"body": "学校周边路段由我局配合巡查"})
    assert r.status_code == 200, r.content
    assert r.json()["co_units"][0]["status"] == "done"


# ---------------------------------------------------------------- authentication and visibility


def test_requests_without_a_valid_token_are_401(api: Api, city: Any, agent: User) -> None:
    for headers in ({}, {"Authorization": "Bearer mc_not-a-token"}, {"Authorization": "Basic YWdlbnQ6eA=="}):
        r = api.client.get(BASE, headers=headers)
        assert r.status_code == 401
        assert r.json() == {"code": "unauthenticated", "message": "缺少或无效的访问令牌", "details": {}}
        assert r["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_stops_working(api: Api, city: Any, agent: User) -> None:
    assert api.get(agent).status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert api.get(agent).status_code == 401


def test_a_case_outside_the_users_unit_is_404_not_403(
    api: Api, city: Any, clock: Any, outsider: User
) -> None:
    case = dispatched_case(city)
    before = snapshot(case)
    for r in (api.get(outsider, f"/{case.number}"), api.post(outsider, f"/{case.number}/accept")):
        assert r.status_code == 404
        assert r.json() == {"code": "not_found", "message": "工单不存在或无权查看", "details": {}}
    assert snapshot(case) == before
    assert api.get(outsider, "/20990101-nope").status_code == 404


def test_a_role_that_may_not_act_gets_403_and_nothing_changes(
    api: Api, city: Any, clock: Any, leader: User
) -> None:
    case = make_case(city)
    before = snapshot(case)
    r = api.post(leader, f"/{case.number}/dispatch", {"lead_unit": "D-ZJJ"})
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "permission_denied.role"
    assert "派单" in body["message"]
    assert snapshot(case) == before


def test_accepting_twice_is_a_409_with_a_stable_code(api: Api, city: Any, clock: Any, clerk: User) -> None:
    case = dispatched_case(city)
    assert api.post(clerk, f"/{case.number}/accept").status_code == 200
    before = snapshot(case)
    r = api.post(clerk, f"/{case.number}/accept")
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "case.transition_not_allowed"
    assert "签收" in body["message"]
    assert body["details"] == {"state": "in_progress", "action": "accept"}
    assert snapshot(case) == before


def test_a_registration_answers_what_the_case_page_then_shows_without_reading_its_history(
    api: Api, city: Any, clock: Any, agent: User
) -> None:
    # Issue 17: an intake request's cost is mostly its round trips to the database. The answer to
    # a new registration skips the relations a case waiting for its dispatch cannot have yet, and
    # the first event skips MAX(seq) and the state's UPDATE; it must still say what a GET says.
    with CaptureQueriesContext(connection) as queries:
        r = api.post(agent, "", REGISTER_BODY)
    assert r.status_code == 201, r.content
    sql = [q["sql"] for q in queries.captured_queries]
    spared = ("cases_assignment", "cases_reply", "cases_extension", "cases_rectification", "cases_dispute")
    assert not [q for q in sql if any(f'"{table}"' in q for table in spared)]
    assert not [q for q in sql if 'MAX("cases_caseevent"."seq")' in q or q.startswith('UPDATE "cases_case" ')]
    registered = r.json()
    shown = api.get(agent, f"/{registered['number']}").json()
    assert registered == shown
    assert (registered["state"], registered["replies"], registered["co_units"]) == ("registered", [], [])
    first = CaseEvent.objects.get(case__number=registered["number"])
    assert (first.seq, first.from_state, first.to_state) == (1, "", "registered")


# ---------------------------------------------------------------- input errors


def test_registering_without_content_or_with_a_bad_phone_lists_both_fields(
    api: Api, city: Any, agent: User
) -> None:
    body = {k: v for k, v in REGISTER_BODY.items() if k != "content"} | {"citizen_phone": "12345"}
    r = api.post(agent, "", body)
    assert r.status_code == 422
    data = r.json()
    assert data["code"] == "invalid_input"
    assert data["message"] == "请求参数不正确"
    errors = {e["field"]: e for e in data["details"]["errors"]}
    assert set(errors) == {"content", "citizen_phone"}
    assert errors["content"]["message"] == "此项为必填项"
    assert errors["content"]["loc"] == ["body", "payload", "content"]
    assert "联系电话格式不正确" in errors["citizen_phone"]["message"]
    assert not Case.objects.exists()


def test_a_body_that_is_not_json_is_a_400_in_the_same_format(api: Api, city: Any, agent: User) -> None:
    headers = api._headers(agent)
    r = api.client.post(BASE, "{oops", content_type="application/json", headers=headers)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_json"
    r = api.client.post(BASE, "[]", content_type="application/json", headers=headers)
    assert (r.status_code, r.json()["details"]["errors"][0]["message"]) == (422, "请求体应为 JSON 对象")


def test_times_are_given_in_beijing_time(api: Api, city: Any, clock: Any, dispatcher: User) -> None:
    case = make_case(city)
    assert api.get(dispatcher, f"/{case.number}").json()["created_at"] == "2025-09-24T10:00:00+08:00"


def test_unknown_fields_and_choices_are_rejected(api: Api, city: Any, agent: User) -> None:
    r = api.post(agent, "", REGISTER_BODY | {"kind": "gossip", "colour": "red"})
    assert r.status_code == 422
    assert error_fields(r) == {"kind", "colour"}


def test_a_service_rule_on_input_comes_back_in_the_same_shape(api: Api, city: Any, agent: User) -> None:
    # Long enough for the schema, too short for the service once stripped: the service's own rule.
    r = api.post(agent, "", REGISTER_BODY | {"content": "  灯坏了  "})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_input.too_short"
    assert len(body["details"]["errors"]) == 1
    assert "至少需要5个字" in body["details"]["errors"][0]["message"]


def test_zero_extension_days_is_a_field_error(api: Api, city: Any, clock: Any, clerk: User) -> None:
    case = accepted_case(city)
    before = snapshot(case)
    r = api.post(clerk, f"/{case.number}/extend", {"days": 0, "reason": "需要协调"})
    assert r.status_code == 422
    assert error_fields(r) == {"days"}
    assert r.json()["details"]["errors"][0]["message"] == "不能小于1"
    assert snapshot(case) == before


def test_unknown_unit_codes_are_named_by_field(api: Api, city: Any, clock: Any, dispatcher: User) -> None:
    case = make_case(city)
    before = snapshot(case)
    body = {"lead_unit": "D-XXX", "co_units": ["D-JYJ", "D-YYY"]}
    r = api.post(dispatcher, f"/{case.number}/dispatch", body)
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input.unit"
    assert error_fields(r) == {"lead_unit", "co_units.1"}
    assert "D-XXX" in r.json()["message"]
    assert snapshot(case) == before


def test_unknown_category_and_township_are_field_errors(api: Api, city: Any, agent: User) -> None:
    r = api.post(agent, "", REGISTER_BODY | {"category": "城乡建设/不存在"})
    assert (r.status_code, error_fields(r)) == (422, {"category"})
    r = api.post(agent, "", REGISTER_BODY | {"township": "999"})
    assert (r.status_code, error_fields(r)) == (422, {"township"})
    r = api.post(agent, "", REGISTER_BODY | {"category": city.category.pk})
    assert r.status_code == 201


def test_a_missing_working_calendar_is_a_422_and_nothing_changes(
    api: Api, city: Any, clock: Any, dispatcher: User
) -> None:
    case = make_case(city)
    clock.move_to(datetime(2027, 3, 3, 10, 0, tzinfo=SHANGHAI))  # only 2025–2026 are seeded
    before = snapshot(case)
    r = api.post(dispatcher, f"/{case.number}/dispatch", {"lead_unit": "D-ZJJ"})
    assert r.status_code == 422
    assert r.json()["code"] == "worktime.calendar_missing"
    assert r.json()["details"]["year"] == 2027
    assert snapshot(case) == before


# ---------------------------------------------------------------- reading


def test_the_detail_shows_deadlines_units_and_actions(
    api: Api, city: Any, clock: Any, dispatcher: User, clerk: User
) -> None:
    case = dispatched_case(city)
    data = api.get(dispatcher, f"/{case.number}").json()
    assert data["accept_due_at"] is not None
    assert data["due_at"] is not None
    assert data["deadline"]["kind"] == "accept"
    assert data["deadline"]["level"] == "ok"
    assert data["deadline"]["level_label"] == "正常"
    assert data["deadline"]["label"].startswith("签收剩余")
    assert data["lead_unit"] == {"code": "D-ZJJ", "name": "市住建局"}
    assert data["actions"] == []  # the dispatcher has done its part
    actions = api.get(clerk, f"/{case.number}").json()["actions"]
    assert [a["path"] for a in actions] == ["accept", "return"]

    clock.shift(timedelta(hours=3))  # two working hours to accept, now past
    assert api.get(clerk, f"/{case.number}").json()["deadline"]["level"] == "overdue"


def test_a_submitted_reply_is_visible_to_the_unit_only(
    api: Api, city: Any, clock: Any, dispatcher: User, clerk: User, unit_leader: User
) -> None:
    case = accepted_case(city)
    api.post(clerk, f"/{case.number}/reply", {"body": "已安排养护队于明日上午疏通下水道。"})
    assert [r["status"] for r in api.get(unit_leader, f"/{case.number}").json()["replies"]] == ["submitted"]
    assert api.get(dispatcher, f"/{case.number}").json()["replies"] == []


def test_phones_are_masked_unless_the_agent_works_the_case_and_views_are_audited(
    api: Api, city: Any, clock: Any, agent: User, dispatcher: User
) -> None:
    case = make_case(city)  # registered by `agent`
    assert api.get(dispatcher, f"/{case.number}").json()["citizen_phone"] == "138****5678"
    assert not PersonalDataView.objects.exists()

    data = api.get(agent, f"/{case.number}").json()
    assert (data["citizen_phone"], data["phone_unmasked"]) == ("13812345678", True)
    view = PersonalDataView.objects.get()
    assert (view.user, view.case, view.purpose, view.fields) == (agent, case, "api", "citizen_phone")

    # A list never unmasks, so it never needs an audit row per case.
    assert api.get(agent).json()["items"][0]["citizen_phone"] == "138****5678"
    assert PersonalDataView.objects.count() == 1


def test_the_list_filters_and_paginates(
    api: Api, city: Any, clock: Any, dispatcher: User, clerk: User
) -> None:
    old = make_case(city, content="小区化粪池满溢，请安排清掏。", citizen_phone="13700000001", township=None)
    clock.move_to(datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI))
    street = make_case(city, content="莫愁湖路路灯不亮，请尽快维修。", category=None)
    dispatched = dispatched_case(city)
    cases = [old, street, dispatched]

    def numbers(user: User = dispatcher, **query: Any) -> list[str]:
        r = api.get(user, **query)
        assert r.status_code == 200, r.content
        assert r.json()["count"] == len(r.json()["items"]) or "limit" in query
        return [c["number"] for c in r.json()["items"]]

    assert numbers() == [c.number for c in reversed(cases)]  # newest first
    assert numbers(state="dispatched") == [dispatched.number]
    assert numbers(queue="to_dispatch") == [street.number, old.number]
    assert numbers(clerk, queue="to_accept") == [dispatched.number]
    assert numbers(clerk) == [dispatched.number]  # a unit sees only its own cases
    assert numbers(q="路灯") == [street.number]
    assert numbers(q="13700000001") == [old.number]
    assert numbers(q=dispatched.number) == [dispatched.number]
    assert numbers(unit="D-ZJJ") == [dispatched.number]
    assert numbers(category="城乡建设") == [dispatched.number, old.number]
    assert numbers(category="城乡建") == []  # a prefix of whole path segments, not of characters
    assert numbers(township="420881001") == [dispatched.number, street.number]
    assert numbers(created_from="2025-09-25") == [dispatched.number, street.number]
    assert numbers(created_to="2025-09-24") == [old.number]

    page = api.get(dispatcher, limit=2, offset=1).json()
    assert page["count"] == 3
    assert [c["number"] for c in page["items"]] == [street.number, old.number]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"state": "lost"}, "state"),
        ({"queue": "nowhere"}, "queue"),
        ({"created_from": "26/09/2025"}, "created_from"),
        ({"created_from": "2025-09-26", "created_to": "2025-09-01"}, "created_to"),
    ],
)
def test_bad_list_parameters_are_field_errors(
    api: Api, city: Any, dispatcher: User, query: dict, field: str
) -> None:
    r = api.get(dispatcher, **query)
    assert r.status_code == 422
    assert error_fields(r) == {field}


def test_the_list_query_count_does_not_grow_with_the_page(
    api: Api, city: Any, clock: Any, clerk: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        dispatched_case(city)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            r = api.get(clerk, limit=limit)
        assert len(r.json()["items"]) == limit
        return len(ctx.captured_queries)

    api.get(clerk)  # warm the token's last_used_at and the calendar cache
    assert queries(2) == queries(12)
    # token (with user and unit), unit tree, count, page — whatever the page size
    with django_assert_max_num_queries(4):
        api.get(clerk, limit=200)


def test_the_timeline_lists_every_event_in_order(api: Api, city: Any, clock: Any, agent: User) -> None:
    case = replied_case(city)
    events = api.get(agent, f"/{case.number}/events").json()
    assert [e["seq"] for e in events] == list(range(1, CaseEvent.objects.filter(case=case).count() + 1))
    assert events[0]["action_label"] == "登记"
    assert events[-1]["to_state"] == State.REPLIED


# ---------------------------------------------------------------- the contract


def test_the_openapi_schema_lists_every_action(client: Client) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {f"{BASE}", f"{BASE}/{{number}}", f"{BASE}/{{number}}/events"} <= set(paths)
    actions = (
        "dispatch", "accept", "return", "contact", "extend", "decide-extension", "reply", "approve",
        "reject-reply", "callback", "close", "reopen", "merge", "transfer", "supervise", "answer-at-intake",
        "contribute", "request-suspension", "decide-suspension", "resume", "repin",
        "claim-callback", "release-callback", "report-rectify", "verify-rectify", "rule-dispute",
    )  # fmt: skip
    assert set(actions) == set(ACTION_PATHS)  # a new workflow action needs its endpoint
    for action in actions:
        assert "post" in paths[f"{BASE}/{{number}}/{action}"], action
    dispatch = paths[f"{BASE}/{{number}}/dispatch"]["post"]
    assert set(dispatch["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    assert client.get("/api/docs").status_code == 200


def test_a_phone_number_cannot_be_rebuilt_from_parts_of_it(client, city, clock) -> None:
    """Searching digits finds a number prefix; a phone only in full, only for the roles that work
    with callers, and every such find is audited."""
    from accounts.models import ApiToken, PersonalDataView
    from tests.factories import dispatched_case

    case = dispatched_case(city)  # phone 13812345678
    clerk = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(city.users['clerk'])}"}
    agent = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(city.users['agent2'])}"}
    for partial in ("1381", "138123", "12345678"):
        assert client.get(f"/api/v1/cases?q={partial}", **clerk).json()["count"] == 0
    assert client.get("/api/v1/cases?q=13812345678", **clerk).json()["count"] == 0  # not for a clerk
    assert PersonalDataView.objects.count() == 0
    found = client.get("/api/v1/cases?q=13812345678", **agent).json()
    assert [item["number"] for item in found["items"]] == [case.number]
    assert PersonalDataView.objects.filter(user=city.users["agent2"], purpose="phone_search").count() == 1


def test_draft_answers_stay_with_the_lead_unit_in_the_timeline(client, city, clock) -> None:
    from accounts.models import ApiToken
    from cases import services
    from tests.factories import make_case

    case = make_case(city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing, co_units=[city.education])
    services.accept(case, actor=city.users["clerk"])
    draft = "草稿：初步判断为市政管网破损，拟下周维修。"
    services.submit_reply(case, actor=city.users["clerk"], body=draft)
    for user, sees in (("clerk", True), ("outsider", False), ("dispatcher", False)):
        token = ApiToken.issue(city.users[user])
        events = client.get(
            f"/api/v1/cases/{case.number}/events", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).json()
        assert any(draft in e["note"] for e in events) is sees, user
        client.force_login(city.users[user])
        assert (draft in client.get(f"/cases/{case.number}/").content.decode()) is sees, user


def test_pages_and_api_find_a_caller_by_any_spelling_of_the_full_number(client, city, clock) -> None:
    from accounts.models import ApiToken
    from tests.factories import make_case

    mobile = make_case(city)  # 13812345678
    landline = make_case(city, citizen_phone="0724-4222345")
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(city.users['dispatcher'])}"}
    client.force_login(city.users["dispatcher"])
    for spelling, case in (
        ("+86 138 1234 5678", mobile),
        ("07244222345", landline),
        ("0724-4222345", landline),
    ):
        found = client.get("/api/v1/cases", {"q": spelling}, **token).json()["items"]
        assert [item["number"] for item in found] == [case.number], spelling
        page = client.get("/cases/queue/all/", {"q": spelling}).content.decode()
        assert f'data-number="{case.number}"' in page, spelling

"""Issue 8, findings 3, 4, 6 and 7: input that once broke the platform, and what it now gets.

Each test asserts the status and the error shape the client reads, and that nothing stored
changed. They run on SQLite and PostgreSQL alike (.ci/run's two passes); a NUL was a 500 only on
PostgreSQL, which refuses it in text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from accounts.models import ApiToken, User
from cases.models import Case
from mochou.api_errors import NON_FIELD, _domain_details
from mochou.errors import InvalidInput
from mochou.middleware import Refusal, inspect
from tests.factories import City, dispatched_case, make_case, replied_case

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"
JSON = "application/json"


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


def post_raw(client: Client, user: User, path: str, body: str | bytes, content_type: str = JSON) -> Any:
    return client.post(BASE + path, body, content_type=content_type, headers=bearer(user))


def post_json(client: Client, user: User, path: str, body: dict[str, Any]) -> Any:
    return post_raw(client, user, path, json.dumps(body))


def snapshot(case: Case) -> tuple[str, int, int | None, str, str]:
    case.refresh_from_db()
    return case.state, case.events.count(), case.category_id, case.transferred_to, case.urgency


def api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # a Chinese message
    return body


def fields_of(response: Any) -> set[str]:
    errors = response.json()["details"]["errors"]
    assert errors, "a 422 must name its fields"
    return {e["field"] for e in errors}


DISPATCH = {"lead_unit": "D-ZJJ", "note": "请尽快处理"}


# ---------------------------------------------------------------- finding 3: NUL bytes


@pytest.mark.parametrize(
    "path",
    [f"{BASE}?q=%00", f"{BASE}/%00", f"{BASE}/%00/events", f"{BASE}?unit=D%00"],
)
def test_a_nul_in_an_api_path_or_query_is_a_400_in_the_api_shape(
    client: Client, city: City, path: str
) -> None:
    body = api_error(client.get(path, headers=bearer(city.users["agent"])), 400, "invalid_input.nul")
    assert body["details"]["in"] in {"path", "query"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/dispatch", {**DISPATCH, "note": "派单\u0000意见"}),
        ("/dispatch", {**DISPATCH, "co_units": ["D-JYJ\u0000"]}),
        ("/dispatch", {**DISPATCH, "\u0000": 1}),
        ("/transfer", {"target": "襄阳市\u000012345", "note": ""}),
    ],
)
def test_a_nul_in_an_action_body_is_refused_and_the_case_unchanged(
    client: Client, city: City, clock: Any, path: str, body: dict[str, Any]
) -> None:
    case = make_case(city)
    before = snapshot(case)
    refused = post_json(client, city.users["dispatcher"], f"/{case.number}{path}", body)
    assert api_error(refused, 400, "invalid_input.nul")["details"]["in"] == "body"
    assert snapshot(case) == before


def test_a_raw_nul_byte_in_json_and_a_lone_surrogate_are_refused(
    client: Client, city: City, clock: Any
) -> None:
    case = make_case(city)
    before = snapshot(case)
    raw = b'{"lead_unit": "D-ZJJ", "note": "a\x00b"}'
    api_error(
        post_raw(client, city.users["dispatcher"], f"/{case.number}/dispatch", raw), 400, "invalid_input.nul"
    )
    surrogate = '{"lead_unit": "D-ZJJ", "note": "\\ud800"}'
    refused = post_raw(client, city.users["dispatcher"], f"/{case.number}/dispatch", surrogate)
    assert api_error(refused, 400, "invalid_input.surrogate")["details"]["field"] == "note"
    assert snapshot(case) == before


def test_a_register_body_with_a_nul_creates_no_case(client: Client, city: City, clock: Any) -> None:
    body = {"kind": "complaint", "content": "路灯不亮\u0000已经三天了", "township": "420881001"}
    api_error(post_json(client, city.users["agent"], "", body), 400, "invalid_input.nul")
    assert Case.objects.count() == 0


def test_an_escaped_backslash_before_u0000_is_plain_text(client: Client, city: City, clock: Any) -> None:
    # "\\u0000" in JSON is six characters, a backslash and "u0000": nothing to refuse.
    case = make_case(city)
    note = "见附件 \\u0000 说明"
    response = post_json(
        client, city.users["dispatcher"], f"/{case.number}/dispatch", {**DISPATCH, "note": note}
    )
    assert response.status_code == 200, response.content
    assert case.events.order_by("-seq").first().note == note  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/requests/%00.json", "json"),
        ("/open311/v2/requests/%00.xml", "xml"),
        ("/open311/v2/requests.json?service_code=%00", "json"),
        ("/open311/v2/tokens/%00.json", "json"),
    ],
)
def test_a_nul_in_open311_is_a_400_in_its_error_list(client: Client, db: None, path: str, fmt: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 400
        assert "NUL" in error["description"]
    else:
        assert response["Content-Type"].startswith("text/xml")
        assert b"<errors>" in response.content
        assert b"NUL" in response.content


def test_open311_form_fields_lose_their_nuls_as_other_control_characters_do(client: Client, db: None) -> None:
    # GeoReport clients relay citizens' text: open311.submit drops control characters, and the
    # api_key it compares is cleaned too (it was a 500 on PostgreSQL).
    response = client.post(
        "/open311/v2/requests.json", {"api_key": "nope\x00", "description": "井盖\x00破损"}
    )
    assert response.status_code == 403
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/m/case/%00/",
        "/cases/%00/",
        "/knowledge/public/?q=%00",
        "/cases/queue/mine/?q=%00",
        "/audit/?q=a%00b",
    ],
)
def test_a_nul_in_a_page_address_is_a_400_page_in_chinese(client: Client, city: City, path: str) -> None:
    client.force_login(city.users["admin"])
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "请求无效" in response.content.decode()
    # The security headers of every page are on this one too.
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_nul_in_a_page_form_is_refused_and_nothing_is_stored(
    client: Client, city: City, clock: Any
) -> None:
    client.force_login(city.users["agent"])
    form = {
        "kind": "complaint",
        "channel": "hotline",
        "content": "下水道堵塞\x00好几天了",
        "urgency": "normal",
    }
    assert client.post("/cases/new/", form).status_code == 400
    assert Case.objects.count() == 0

    case = make_case(city)
    before = snapshot(case)
    client.force_login(city.users["dispatcher"])
    act = f"/cases/{case.number}/act/"
    assert (
        client.post(act + "dispatch/", {"lead_unit": city.housing.pk, "note": "尽快\x00"}).status_code == 400
    )
    assert client.post(act + "transfer/", {"target": "襄阳\x00", "note": ""}).status_code == 400
    assert snapshot(case) == before


def test_a_nul_in_a_header_or_cookie_is_refused(client: Client, city: City) -> None:
    assert client.get("/m/", headers={"X-Requested-With": "a\x00b"}).status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


def test_a_photo_full_of_nul_bytes_is_not_refused() -> None:
    """Binary files are not text: only multipart field values and file names are inspected."""
    photo = SimpleUploadedFile("井盖.jpg", b"\xff\xd8\x00\x00\x00\xff\xd9", content_type="image/jpeg")
    request = RequestFactory().post("/m/", {"content": "井盖破损", "photos": photo})
    inspect(request)  # no Refusal
    assert request.body  # and the raw body is still readable after the check
    with pytest.raises(Refusal):
        inspect(RequestFactory().post("/m/", {"content": "井盖\x00破损", "photos": photo}))


# ---------------------------------------------------------------- finding 4: integer bounds


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": "9223372036854775808"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "100000000000000000000"}, "limit"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_integer_query_parameters_are_bounded(
    client: Client, city: City, query: dict[str, str], field: str
) -> None:
    response = client.get(BASE, query, headers=bearer(city.users["agent"]))
    api_error(response, 422, "invalid_input")
    assert fields_of(response) == {field}


def test_the_largest_offset_allowed_is_an_empty_page(client: Client, city: City, clock: Any) -> None:
    make_case(city)
    response = client.get(BASE, {"offset": "10000000"}, headers=bearer(city.users["agent"]))
    assert response.status_code == 200
    assert response.json() == {"count": 1, "items": [], "notice": None}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/dispatch", {**DISPATCH, "category": 99999999999999999999}, "category"),
        ("/dispatch", {**DISPATCH, "category": "99999999999999999999"}, "category"),
        ("/dispatch", {**DISPATCH, "category": "²"}, "category"),  # isdigit() but not a number
        ("/reply", {"body": "已经派人修好了路灯，请查看。", "template": 2**31}, "template"),
    ],
)
def test_ids_out_of_range_are_a_422_naming_the_field(
    client: Client, city: City, clock: Any, path: str, body: dict[str, Any], field: str
) -> None:
    case = make_case(city)
    before = snapshot(case)
    response = post_json(client, city.users["dispatcher"], f"/{case.number}{path}", body)
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert snapshot(case) == before


# ---------------------------------------------------------------- finding 6: huey keeps no results


def test_huey_keeps_no_task_results(city: City, clock: Any) -> None:
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    assert settings.HUEY["results"] is False
    assert HUEY.results is False
    make_case(city)  # registers and sends the SMS receipt through the (immediate) worker
    assert HUEY.storage.result_store_size() == 0


def test_redis_huey_keeps_no_task_results_either() -> None:
    from mochou.tests.test_settings import settings_of

    expr = "(type(__import__('huey.contrib.djhuey', fromlist=['x']).HUEY).__name__, s.HUEY['results'])"
    assert settings_of({"REDIS_URL": "redis://127.0.0.1:6390/0"}, expr) == "('RedisHuey', False)"
    assert settings_of({}, expr) == "('SqliteHuey', False)"


# ---------------------------------------------------------------- finding 7: the contract


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_body_that_is_not_declared_json_is_a_415(
    client: Client, city: City, clock: Any, content_type: str
) -> None:
    case = make_case(city)
    before = snapshot(case)
    body = json.dumps(DISPATCH)
    refused = post_raw(client, city.users["dispatcher"], f"/{case.number}/dispatch", body, content_type)
    api_error(refused, 415, "unsupported_media_type")
    assert snapshot(case) == before
    api_error(post_raw(client, city.users["agent"], "", body, content_type), 415, "unsupported_media_type")
    assert Case.objects.count() == 1


def test_json_with_a_charset_is_json(client: Client, city: City, clock: Any) -> None:
    case = make_case(city)
    body = json.dumps(DISPATCH)
    response = post_raw(
        client, city.users["dispatcher"], f"/{case.number}/dispatch", body, JSON + "; charset=utf-8"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DISPATCH, "category": True}, "category"),
        ({**DISPATCH, "lead_unit": 1}, "lead_unit"),
        ({**DISPATCH, "co_units": [True]}, "co_units.0"),
    ],
)
def test_bools_and_numbers_are_not_ids_or_strings(
    client: Client, city: City, clock: Any, body: dict[str, Any], field: str
) -> None:
    case = make_case(city)
    before = snapshot(case)
    response = post_json(client, city.users["dispatcher"], f"/{case.number}/dispatch", body)
    api_error(response, 422, "invalid_input")
    assert field in fields_of(response)
    assert snapshot(case) == before


def test_register_refuses_true_as_a_category(client: Client, city: City) -> None:
    body = {"kind": "complaint", "content": "路灯连续三晚不亮。", "category": True}
    response = post_json(client, city.users["agent"], "", body)
    api_error(response, 422, "invalid_input")
    assert fields_of(response) == {"category"}
    assert Case.objects.count() == 0


def test_a_number_of_days_is_an_integer_not_a_bool_and_a_decision_a_bool(
    client: Client, city: City, clock: Any
) -> None:
    case = dispatched_case(city)
    clerk = city.users["clerk"]
    post_json(client, clerk, f"/{case.number}/accept", {})
    before = snapshot(case)
    response = post_json(
        client, clerk, f"/{case.number}/extend", {"days": True, "reason": "需要协调三个部门"}
    )
    assert fields_of(response) == {"days"}
    response = post_json(
        client, city.users["dispatcher"], f"/{case.number}/decide-extension", {"approve": "yes"}
    )
    assert response.status_code == 422
    assert fields_of(response) == {"approve"}
    assert snapshot(case) == before


def test_a_reached_callback_without_its_outcome_names_both_fields(
    client: Client, city: City, clock: Any
) -> None:
    """The 422 that once came with an empty details.errors."""
    case = replied_case(city)
    before = snapshot(case)
    response = post_json(client, city.users["agent"], f"/{case.number}/callback", {"reached": True})
    api_error(response, 422, "invalid_input.required")
    assert fields_of(response) == {"satisfaction", "resolved"}
    assert snapshot(case) == before


def test_dispatching_to_the_centre_names_the_field(client: Client, city: City, clock: Any) -> None:
    case = make_case(city)
    before = snapshot(case)
    body = {"lead_unit": "D-ZJJ", "co_units": ["C12345"]}
    response = post_json(client, city.users["dispatcher"], f"/{case.number}/dispatch", body)
    api_error(response, 422, "invalid_input.unit")
    assert fields_of(response) == {"co_units.0"}
    assert snapshot(case) == before


def test_a_422_without_a_field_still_lists_one_error() -> None:
    details = _domain_details(InvalidInput("该工单尚无承办单位，无法督办。", code="invalid_input.unit"))
    assert [e["field"] for e in details["errors"]] == [NON_FIELD]


# The services' minimum lengths (cases/services: text(..., min_len=N)), as the document must state.
MIN_LENGTHS = {
    ("RegisterIn", "content"): 5,
    ("AnswerAtIntakeIn", "answer"): 5,
    ("ReturnIn", "reason"): 4,
    ("ExtendIn", "reason"): 4,
    ("ContributeIn", "body"): 4,
    ("ReplyIn", "body"): 10,
    ("RejectReplyIn", "note"): 2,
    ("ReopenIn", "reason"): 4,
    ("TransferIn", "target"): 2,
    ("SuperviseIn", "body"): 4,
    ("RepinIn", "reason"): 4,
    ("SuspensionIn", "explanation"): 4,
    ("SuspensionIn", "document"): 4,
    ("ReportRectificationIn", "report"): 10,
}


def test_business_minimum_lengths_are_in_the_openapi_document(client: Client, db: None) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    found = {key: schemas[key[0]]["properties"][key[1]].get("minLength") for key in MIN_LENGTHS}
    assert found == MIN_LENGTHS


def test_no_two_api_schemas_share_a_name(client: Client, db: None) -> None:
    # The OpenAPI document keys its schemas by class name: a second class of the same name (the
    # 督办单's ReturnIn against the case's) silently replaced the first, so API clients read the
    # wrong body for POST /cases/{number}/return.
    from ninja import Schema

    client.get("/api/openapi.json")  # every router imported

    def subclasses(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *subclasses(sub))]

    modules: dict[str, set[str]] = {}
    for schema in subclasses(Schema):
        if schema.__module__.split(".")[0] not in {"ninja", "pydantic"}:
            modules.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_a_too_short_reason_is_refused_by_the_schema(client: Client, city: City, clock: Any) -> None:
    case = dispatched_case(city)
    before = snapshot(case)
    response = post_json(
        client,
        city.users["clerk"],
        f"/{case.number}/return",
        {"reason_kind": "not_our_duty", "reason": "不对"},
    )
    api_error(response, 422, "invalid_input")
    assert response.json()["details"]["errors"][0] == {
        "field": "reason",
        "loc": ["body", "payload", "reason"],
        "type": "string_too_short",
        "message": "至少需要4个字符",
    }
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "value", ["-1.2e-200", "0", "1727136000", "2025-09-24T00:00:00", "2025-9-24", "2025-02-30"]
)
def test_date_filters_are_iso_dates_only(client: Client, city: City, value: str) -> None:
    response = client.get(BASE, {"created_from": value}, headers=bearer(city.users["agent"]))
    api_error(response, 422, "invalid_input")
    assert fields_of(response) == {"created_from"}


def test_an_iso_date_filters(client: Client, city: City, clock: Any) -> None:
    make_case(city)
    agent = bearer(city.users["agent"])
    assert client.get(BASE, {"created_from": "2025-09-24"}, headers=agent).json()["count"] == 1
    assert client.get(BASE, {"created_from": "2025-09-25"}, headers=agent).json()["count"] == 0


def test_every_operation_documents_its_error_statuses(client: Client, db: None) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "401"} <= statuses, (method, path)
            if method == "post":
                assert {"403", "409", "415", "422"} <= statuses, (method, path)

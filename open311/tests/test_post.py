"""POST requests.{fmt}: a form from an Open311 client becomes a case, or nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cases.models import Case, CaseEvent, Channel, Kind
from cases.workflow import State
from notifications.models import SmsMessage
from open311.models import ApiKey, Open311Request, RequestToken
from open311.tests.conftest import errors, parse, rows
from tests.factories import make_case

DESCRIPTION = "莫愁湖路与承天大道路口的井盖破损，晚上很危险，请尽快修复。"


@pytest.fixture
def form(api_key: str, service: Any) -> dict[str, str]:
    return {
        "api_key": api_key,
        "jurisdiction_id": "zhongxiang.gov.cn",
        "service_code": str(service.pk),
        "lat": "31.168011",
        "long": "112.588322",
        "address_string": "郢中街道莫愁湖路与承天大道路口",
        "email": "zhang@example.com",
        "device_id": "device-42",
        "account_id": "acct-7",
        "first_name": "伟",
        "last_name": "张",
        "phone": "13812345678",
        "description": DESCRIPTION,
        "media_url": "https://img.example.com/manhole.jpg",
    }


def nothing_stored() -> bool:
    return not (Case.objects.exists() or Open311Request.objects.exists() or RequestToken.objects.exists())


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_registers_a_case_and_answers_its_number(
    client: Any, clock: Any, city: Any, form: dict[str, str], fmt: str
) -> None:
    response = client.post(f"/open311/v2/requests.{fmt}", form)
    assert response.status_code == 200
    [receipt] = rows(response, fmt)
    case = Case.objects.get()
    assert receipt["service_request_id"] == case.number == "2025092400001"
    assert receipt["token"] == RequestToken.objects.get(case=case).token
    notice = receipt["service_notice"]
    assert notice is not None
    assert "受理编号 2025092400001" in notice
    assert receipt["account_id"] == "acct-7"
    assert case.channel == Channel.OPEN311
    assert case.kind == Kind.HELP
    assert case.state == State.REGISTERED
    assert case.category == city.category.parent
    assert case.content == DESCRIPTION
    assert case.citizen_name == "张伟"
    assert case.citizen_phone == "13812345678"
    assert case.address == "郢中街道莫愁湖路与承天大道路口"
    assert case.registered_by is not None
    assert case.registered_by.username == "channel-open311"
    extra = case.open311
    assert (extra.lat, extra.long) == (31.168011, 112.588322)
    assert (extra.email, extra.device_id, extra.account_id) == ("zhang@example.com", "device-42", "acct-7")
    assert CaseEvent.objects.filter(case=case, action="register").count() == 1
    # The citizen gets the usual SMS with the number.
    assert "2025092400001" in SmsMessage.objects.get(phone="13812345678").body


def test_key_use_is_recorded(client: Any, clock: Any, form: dict[str, str]) -> None:
    client.post("/open311/v2/requests.json", form)
    key = ApiKey.objects.get()
    assert key.last_used_at is not None
    assert Case.objects.get().open311.api_key == key


def test_attributes_choose_the_third_level_category_and_the_kind(
    client: Any, clock: Any, city: Any, form: dict[str, str]
) -> None:
    form |= {"attribute[subcategory]": str(city.category.pk), "attribute[kind]": "complaint"}
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.category == city.category
    assert case.kind == Kind.COMPLAINT
    assert case.title.startswith("市政设施：")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posted_request_round_trips_through_every_get(
    client: Any, clock: Any, city: Any, form: dict[str, str], service: Any, fmt: str
) -> None:
    receipt = rows(client.post(f"/open311/v2/requests.{fmt}", form), fmt)[0]
    number, token = receipt["service_request_id"], receipt["token"]

    by_token = rows(client.get(f"/open311/v2/tokens/{token}.{fmt}"), fmt)
    assert by_token == [{"service_request_id": number, "token": token}]

    [listed] = rows(client.get(f"/open311/v2/requests.{fmt}"), fmt)
    [detail] = rows(client.get(f"/open311/v2/requests/{number}.{fmt}"), fmt)
    assert listed == detail
    assert detail["service_request_id"] == number
    assert detail["status"] == "open"
    assert detail["status_notes"] == "待派单"
    assert detail["service_code"] == str(service.pk)
    assert detail["service_name"] == "城市建设和市政管理"
    assert detail["description"] == DESCRIPTION
    assert detail["address"] == "郢中街道莫愁湖路与承天大道路口"
    assert detail["requested_datetime"] == "2025-09-24T10:00:00+08:00"
    assert detail["updated_datetime"] == "2025-09-24T10:00:00+08:00"
    assert detail["media_url"] == "https://img.example.com/manhole.jpg"
    if fmt == "json":
        assert (detail["lat"], detail["long"]) == (31.168011, 112.588322)
        assert detail["expected_datetime"] is None
    else:
        assert (detail["lat"], detail["long"]) == ("31.168011", "112.588322")
        assert detail["expected_datetime"] is None  # an empty element


def test_description_is_optional_and_coordinates_alone_locate(
    client: Any, clock: Any, form: dict[str, str]
) -> None:
    for name in ("description", "address_string", "email", "phone", "first_name", "last_name"):
        form.pop(name)
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.content == "（通过 Open311 接口反映“城市建设和市政管理”，未填写详细描述）"
    assert case.address == "经纬度 31.168011, 112.588322"
    # The written-out coordinates are ours, not the client's address: GET shows none.
    [detail] = json.loads(client.get(f"/open311/v2/requests/{case.number}.json").content)
    assert detail["address"] is None
    assert detail["lat"] == 31.168011


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_bad_api_key_is_403_and_stores_nothing(
    client: Any, form: dict[str, str], fmt: str
) -> None:
    for key in ("", "o311_not-a-key"):
        response = client.post(f"/open311/v2/requests.{fmt}", form | {"api_key": key})
        assert response.status_code == 403
        [(code, text)] = errors(response, fmt)
        assert code == 403
        assert "api_key" in text
    assert nothing_stored()


def test_revoked_key_no_longer_works(client: Any, form: dict[str, str]) -> None:
    ApiKey.objects.update(is_active=False)
    assert client.post("/open311/v2/requests.json", form).status_code == 403
    assert nothing_stored()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_service_code_is_400_listing_every_problem(
    client: Any, form: dict[str, str], fmt: str
) -> None:
    form.pop("service_code")
    form |= {"email": "not-an-email", "lat": "north"}
    response = client.post(f"/open311/v2/requests.{fmt}", form)
    assert response.status_code == 400
    found = errors(response, fmt)
    assert {code for code, _ in found} == {400}
    texts = " ".join(text for _, text in found)
    assert "缺少必填参数 service_code" in texts
    assert "email 格式不正确" in texts
    assert "lat 必须是十进制度数" in texts
    assert nothing_stored()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404(client: Any, form: dict[str, str], fmt: str) -> None:
    response = client.post(f"/open311/v2/requests.{fmt}", form | {"service_code": "424242"})
    assert response.status_code == 404
    assert errors(response, fmt)[0] == (404, "service_code 424242 不存在：请先查询 services 获取可用的服务。")
    assert nothing_stored()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lat": "91", "long": "112.5"}, "lat 必须在 -90 到 90 之间"),
        ({"lat": "31.1", "long": "-181"}, "long 必须在 -180 到 180 之间"),
        ({"lat": "nan", "long": "112.5"}, "lat 必须在 -90 到 90 之间"),
        ({"lat": "31.1", "long": ""}, "lat 与 long 必须同时提供"),
        ({"lat": "", "long": "", "address_string": ""}, "缺少位置"),
        ({"description": "坑" * 4001}, "description 不能超过 4000 个字（现为 4001 个字）"),
        ({"description": "坑" * 5001}, "description 不能超过 4000 个字"),
        ({"phone": "12345"}, "phone 联系电话格式不正确"),
        ({"media_url": "javascript:alert(1)"}, "media_url 必须是 http:// 或 https:// 开头的网址"),
        ({"address_string": "路" * 201}, "address_string 不能超过 200 个字符"),
        ({"attribute[subcategory]": "999999"}, "attribute[subcategory] 的取值 999999 不在服务定义的选项中"),
        ({"attribute[kind]": "report"}, "attribute[kind] 只能是"),
        ({"attribute[colour]": "red"}, "attribute[colour] 不是服务"),
    ],
)
def test_malformed_input_is_400_and_stores_nothing(
    client: Any, form: dict[str, str], changes: dict[str, str], expected: str
) -> None:
    response = client.post("/open311/v2/requests.json", form | changes)
    assert response.status_code == 400
    [(code, text)] = errors(response, "json")
    assert code == 400
    assert expected in text
    assert nothing_stored()


def test_json_body_is_refused_with_a_clear_error(client: Any, form: dict[str, str]) -> None:
    response = client.post("/open311/v2/requests.json", json.dumps(form), content_type="application/json")
    assert response.status_code == 400
    assert "application/x-www-form-urlencoded" in errors(response, "json")[0][1]
    assert nothing_stored()


def test_wrong_jurisdiction_on_post_is_404_and_stores_nothing(client: Any, form: dict[str, str]) -> None:
    response = client.post("/open311/v2/requests.xml", form | {"jurisdiction_id": "sf.gov"})
    assert response.status_code == 404
    assert errors(response, "xml")[0][0] == 404
    assert nothing_stored()


def test_script_is_stored_as_text_and_escaped_on_output(
    client: Any, clock: Any, form: dict[str, str]
) -> None:
    script = '<script>alert("x")</script> 路灯不亮 & 井盖丢失'
    client.post("/open311/v2/requests.json", form | {"description": script})
    case = Case.objects.get()
    assert case.content == script

    as_json = client.get(f"/open311/v2/requests/{case.number}.json")
    assert b"<script>" not in as_json.content
    assert json.loads(as_json.content)[0]["description"] == script

    as_xml = client.get(f"/open311/v2/requests/{case.number}.xml")
    assert b"<script>" not in as_xml.content
    assert b"&lt;script&gt;" in as_xml.content
    assert parse(as_xml, "xml").findtext("request/description") == script


def test_control_characters_are_dropped_so_xml_stays_valid(
    client: Any, clock: Any, form: dict[str, str]
) -> None:
    client.post("/open311/v2/requests.json", form | {"description": "井盖\x00破损\x1b了，请修复\n谢谢"})
    case = Case.objects.get()
    assert case.content == "井盖破损了，请修复\n谢谢"
    root = parse(client.get("/open311/v2/requests.xml"), "xml")
    assert root.findtext("request/description") == case.content


def test_post_needs_no_csrf_token(client: Any, clock: Any, form: dict[str, str]) -> None:
    assert client.post("/open311/v2/requests.json", form).status_code == 200


def test_unknown_token_is_404(client: Any, db: None) -> None:
    response = client.get("/open311/v2/tokens/nope.xml")
    assert response.status_code == 404
    assert errors(response, "xml") == [(404, "token nope 不存在。")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_api_key_in_the_query_string_is_refused(
    client: Any, clock: Any, form: dict[str, str], fmt: str
) -> None:
    key = form.pop("api_key")
    response = client.post(f"/open311/v2/requests.{fmt}?api_key={key}", form)
    assert response.status_code == 403
    [(code, text)] = errors(response, fmt)
    assert code == 403
    assert "api_key 必须放在 POST 表单正文中" in text
    assert nothing_stored()


def test_fresh_open311_request_is_public_but_a_fresh_hotline_case_is_not(
    client: Any, clock: Any, city: Any, form: dict[str, str]
) -> None:
    hotline = make_case(city)
    number = rows(client.post("/open311/v2/requests.json", form), "json")[0]["service_request_id"]
    assert Case.objects.get(number=number).state == State.REGISTERED
    listed = [r["service_request_id"] for r in rows(client.get("/open311/v2/requests.json"), "json")]
    assert listed == [number]
    assert client.get(f"/open311/v2/requests/{hotline.number}.json").status_code == 404

"""GET requests.{fmt} and requests/{id}.{fmt}: every categorised, dispatched case, whichever door it
came in by, without the citizen's personal data."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from cases import services
from cases.models import Category, Channel, Kind
from open311.tests.conftest import errors, parse, rows
from tests.factories import closed_case, dispatched_case, make_case

SECRET_TEXT = "我叫张女士，电话13812345678，身份证420881199001011234，邮箱zhang@example.com，路灯坏了。"
APPEAL = "某某建材有限公司（91420881MA4XXXXX1K）反映审批拖延。"
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_staff_case_round_trips_with_every_field(client: Any, clock: Any, city: Any, fmt: str) -> None:
    case = dispatched_case(city)
    response = client.get(f"/open311/v2/requests.{fmt}")
    assert response.status_code == 200
    [listed] = rows(response, fmt)
    assert list(listed) == REQUEST_FIELDS
    [detail] = rows(client.get(f"/open311/v2/requests/{case.number}.{fmt}"), fmt)
    assert detail == listed
    assert detail["service_request_id"] == case.number
    assert detail["status"] == "open"
    assert detail["status_notes"] == "待签收"
    assert detail["service_code"] == str(city.category.parent_id)
    assert detail["agency_responsible"] == "钟祥市住房和城乡建设局"
    assert detail["service_notice"] == "派单后2个工作小时内签收，5个工作日内办结答复。"
    assert detail["requested_datetime"] == "2025-09-24T10:00:00+08:00"
    expected, requested = detail["expected_datetime"], detail["requested_datetime"]
    assert expected is not None
    assert requested is not None
    assert expected.endswith("+08:00")
    assert expected > requested
    # House numbers of a caller's address are masked; the street stays for the map.
    assert detail["address"] == "郢中街道莫愁湖路**号"
    assert detail["lat"] is None


def test_xml_request_list_uses_the_spec_elements(client: Any, clock: Any, city: Any) -> None:
    dispatched_case(city)
    response = client.get("/open311/v2/requests.xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = parse(response, "xml")
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/lat") == ""


def test_closed_merged_and_transferred_cases_are_closed(
    client: Any, clock: Any, city: Any, dispatcher: Any
) -> None:
    done = closed_case(city)
    parent = dispatched_case(city, content="莫愁湖路12号门口下水道堵塞，污水外溢，请疏通处理。")
    duplicate = make_case(city)
    services.merge(duplicate, actor=dispatcher, parent=parent)
    elsewhere = make_case(city)
    services.transfer(elsewhere, actor=dispatcher, target="荆门市12345平台")
    body = {r["service_request_id"]: r for r in json.loads(client.get("/open311/v2/requests.json").content)}
    assert body[done.number]["status"] == "closed"
    assert body[done.number]["status_notes"] == "已办结"
    assert body[done.number]["service_notice"] is None
    assert body[duplicate.number]["status"] == "closed"
    assert body[duplicate.number]["status_notes"] == f"已合并：与受理编号 {parent.number} 的诉求合并办理"
    assert body[elsewhere.number]["status_notes"] == "已转办：已转至荆门市12345平台"
    assert body[parent.number]["status"] == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_personal_data_never_appears(client: Any, clock: Any, city: Any, api_key: str, fmt: str) -> None:
    staff = dispatched_case(city, content=SECRET_TEXT, citizen_name="张女士", citizen_phone="13812345678")
    client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": str(city.category.parent_id),
            "address_string": "莫愁湖路",
            "first_name": "小明",
            "last_name": "李",
            "phone": "13900001111",
            "email": "li@example.com",
            "device_id": "device-secret",
            "account_id": "acct-secret",
            "description": "李小明反映：莫愁湖路路灯不亮，联系0724-4222345。",
        },
    )
    for url in (f"/open311/v2/requests.{fmt}", f"/open311/v2/requests/{staff.number}.{fmt}"):
        text = client.get(url).content.decode()
        for secret in (
            "13812345678", "张女士", "420881199001011234", "zhang@example.com", "13900001111", "李小明",
            "li@example.com", "device-secret", "0724-4222345", "4222345", "12号",
        ):  # fmt: skip
            assert secret not in text
    [detail] = rows(client.get(f"/open311/v2/requests/{staff.number}.{fmt}"), fmt)
    description = detail["description"]
    assert description is not None
    assert "138****5678" in description
    assert "路灯坏了" in description


def test_reports_and_confidential_subjects_are_not_published(client: Any, clock: Any, city: Any) -> None:
    root = Category.objects.create(name="纪检监察", level=1, path="纪检监察")
    secret = Category.objects.create(name="贪污贿赂", level=2, path="纪检监察/贪污贿赂", parent=root)
    hidden = [dispatched_case(city, kind=Kind.REPORT), dispatched_case(city, category=secret)]
    shown = dispatched_case(city)
    numbers = [r["service_request_id"] for r in json.loads(client.get("/open311/v2/requests.json").content)]
    assert numbers == [shown.number]
    for case in hidden:
        assert client.get(f"/open311/v2/requests/{case.number}.json").status_code == 404
    assert client.get("/open311/v2/requests.json", {"service_request_id": hidden[0].number}).content == b"[]"


def test_unread_uncategorised_and_enterprise_cases_are_not_published(
    client: Any, clock: Any, city: Any
) -> None:
    hidden = [
        make_case(city),  # 待派单: no dispatcher has read it yet (it may be a report in disguise)
        make_case(city, channel=Channel.WEB),
        dispatched_case(city, category=None),
        # An enterprise appeal names the firm and its credit code.
        dispatched_case(city, channel=Channel.ENTERPRISE, content=APPEAL),
    ]
    shown = dispatched_case(city)
    assert numbers_for(client) == [shown.number]
    for case in hidden:
        response = client.get(f"/open311/v2/requests/{case.number}.xml")
        assert response.status_code == 404
        assert errors(response, "xml") == [(404, f"service_request_id {case.number} 不存在。")]
    everything = ",".join(case.number for case in hidden)
    assert numbers_for(client, service_request_id=everything) == []


def test_merged_case_names_its_parent_only_when_the_parent_is_public(
    client: Any, clock: Any, city: Any, dispatcher: Any
) -> None:
    unread = make_case(city)
    report = dispatched_case(city, kind=Kind.REPORT)
    first = services.merge(make_case(city), actor=dispatcher, parent=unread)
    second = services.merge(make_case(city), actor=dispatcher, parent=report)
    for case in (first, second):
        text = client.get(f"/open311/v2/requests/{case.number}.json").content.decode()
        [detail] = json.loads(text)
        assert detail["status_notes"] == "已合并"
        assert case.parent is not None
        assert case.parent.number not in text
    listing = client.get("/open311/v2/requests.xml").content.decode()
    assert unread.number not in listing
    assert report.number not in listing


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(client: Any, city: Any, fmt: str) -> None:
    response = client.get(f"/open311/v2/requests/2025092499999.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt) == [(404, "service_request_id 2025092499999 不存在。")]


def numbers_for(client: Any, **params: str) -> list[str]:
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in json.loads(response.content)]


def test_filters(client: Any, clock: Any, city: Any) -> None:
    old = dispatched_case(city)
    clock.move_to("2025-09-25T10:00:00+08:00")
    done = closed_case(city)
    clock.move_to("2025-09-26T10:00:00+08:00")
    other = Category.objects.create(name="环境保护", level=1, path="环境保护")
    noise = Category.objects.create(name="环境污染", level=2, path="环境保护/环境污染", parent=other)
    loud = dispatched_case(city, category=noise)

    assert numbers_for(client) == [loud.number, done.number, old.number]
    assert numbers_for(client, status="closed") == [done.number]
    assert numbers_for(client, status="open") == [loud.number, old.number]
    assert numbers_for(client, status="open,closed") == [loud.number, done.number, old.number]
    assert numbers_for(client, service_code=str(noise.pk)) == [loud.number]
    assert numbers_for(client, service_code=f"{noise.pk},{city.category.parent_id}") == [
        loud.number,
        done.number,
        old.number,
    ]
    assert numbers_for(client, start_date="2025-09-25T00:00:00+08:00") == [loud.number, done.number]
    assert numbers_for(client, end_date="2025-09-25") == [done.number, old.number]
    assert numbers_for(client, start_date="2025-09-24T02:00:00Z", end_date="2025-09-24T02:00:00Z") == [
        old.number
    ]
    # "+08:00" sent without percent-encoding arrives as " 08:00".
    assert numbers_for(client, start_date="2025-09-26T00:00:00 08:00") == [loud.number]
    # service_request_id wins over every other filter.
    assert numbers_for(client, service_request_id=f"{old.number}, {loud.number}", status="closed") == [
        loud.number,
        old.number,
    ]


def test_default_window_is_the_last_90_days(client: Any, clock: Any, city: Any) -> None:
    old = dispatched_case(city)
    clock.shift(timedelta(days=91))
    assert numbers_for(client) == []
    assert numbers_for(client, service_request_id=old.number) == [old.number]
    assert numbers_for(client, start_date="2025-09-24") == [old.number]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start_date": "yesterday"}, "start_date 不是有效的 W3C 日期时间"),
        ({"end_date": "2025-02-30"}, "end_date 不是有效的 W3C 日期时间"),
        ({"start_date": "2025-09-24", "end_date": "2025-09-01"}, "start_date 不能晚于 end_date"),
        ({"start_date": "2025-01-01", "end_date": "2025-09-01"}, "不能超过 90 天"),
        ({"status": "pending"}, "status 只能是 open 或 closed"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(client: Any, city: Any, params: dict[str, str], expected: str, fmt: str) -> None:
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    assert response.status_code == 400
    [(code, text)] = errors(response, fmt)
    assert code == 400
    assert expected in text


def test_unknown_service_code_filter_is_404(client: Any, city: Any) -> None:
    response = client.get("/open311/v2/requests.json", {"service_code": "777777"})
    assert response.status_code == 404


def test_request_list_query_count_does_not_grow_with_cases(
    client: Any, clock: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        dispatched_case(city)
    with django_assert_max_num_queries(6):
        response = client.get("/open311/v2/requests.json")
    assert len(json.loads(response.content)) == 3
    for _ in range(5):
        dispatched_case(city)
    with django_assert_max_num_queries(6):
        response = client.get("/open311/v2/requests.json")
    assert len(json.loads(response.content)) == 8


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_too_many_service_codes_is_400(client: Any, city: Any, fmt: str) -> None:
    codes = ",".join(str(code) for code in range(1, 52))
    response = client.get(f"/open311/v2/requests.{fmt}", {"service_code": codes})
    assert response.status_code == 400
    assert errors(response, fmt) == [(400, "service_code 最多可列 50 个服务（现为 51 个）。")]


def test_repeated_service_code_is_looked_up_once(
    client: Any, clock: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    case = dispatched_case(city)
    code = str(city.category.parent_id)
    with django_assert_max_num_queries(6):
        assert numbers_for(client, service_code=",".join([code] * 2000)) == [case.number]
    unknown = client.get("/open311/v2/requests.json", {"service_code": f"{code},777777,777777,x"})
    assert unknown.status_code == 404
    [(status, text)] = errors(unknown, "json")
    assert (status, text.split("：")[0]) == (404, "service_code 777777、x 不存在")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_too_many_service_request_ids_is_400(client: Any, clock: Any, city: Any, fmt: str) -> None:
    case = dispatched_case(city)
    ids = ",".join(f"20250924{n:05d}" for n in range(2, 53))
    response = client.get(f"/open311/v2/requests.{fmt}", {"service_request_id": ids})
    assert response.status_code == 400
    assert errors(response, fmt) == [(400, "service_request_id 最多可列 50 个（现为 51 个）。")]
    assert numbers_for(client, service_request_id=",".join([case.number] * 500)) == [case.number]

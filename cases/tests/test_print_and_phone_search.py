"""The printable 工单 and the phone search as every role that searches sees it (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, PersonalDataView, User
from tests.factories import City, make_case, replied_case

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_printed_case_has_the_sheet_and_no_navigation(city: City, client: Client) -> None:
    case = replied_case(city)
    client.force_login(city.users["dispatcher"])
    page = text(client.get(f"/cases/{case.number}/print/"))
    assert case.number in page
    assert 'class="topbar"' not in page  # no nav on paper
    assert "print-case.css" in page
    assert "城乡建设/城市建设和市政管理/市政设施" in page
    assert "钟祥市住房和城乡建设局" in page
    assert case.approved_reply is not None
    assert case.approved_reply.body[:10] in page
    assert "办理过程" in page
    assert "审核答复" in page or "答复" in page


def test_the_printed_case_masks_the_caller_for_roles_that_do_not_work_it(city: City, client: Client) -> None:
    case = make_case(city, citizen_phone=PHONE, citizen_name="张三丰")
    client.force_login(city.users["dispatcher"])
    page = text(client.get(f"/cases/{case.number}/print/"))
    assert PHONE not in page
    assert "138****5678" in page
    assert "张三丰" not in page
    assert not PersonalDataView.objects.filter(case=case).exists()


def test_the_registering_agent_prints_the_full_number_and_the_view_is_audited(
    city: City, client: Client
) -> None:
    case = make_case(city, citizen_phone=PHONE)  # registered by the agent
    agent = city.users["agent"]
    client.force_login(agent)
    page = text(client.get(f"/cases/{case.number}/print/"))
    assert PHONE in page
    assert "已记录查看" in page
    assert PersonalDataView.objects.filter(user=agent, case=case, purpose="case_print").exists()


def test_a_unit_cannot_print_a_case_it_does_not_see(city: City, client: Client) -> None:
    case = make_case(city)
    client.force_login(city.users["outsider"])
    assert client.get(f"/cases/{case.number}/print/").status_code == 404


def test_the_case_page_links_to_the_print(city: City, client: Client) -> None:
    case = make_case(city)
    client.force_login(city.users["dispatcher"])
    assert f'href="/cases/{case.number}/print/"' in text(client.get(f"/cases/{case.number}/"))


def test_the_leader_is_told_why_a_phone_number_finds_nothing(city: City, client: Client) -> None:
    make_case(city, citizen_phone=PHONE)
    client.force_login(city.users["leader"])
    page = text(client.get("/cases/queue/all/", {"q": PHONE}))
    assert "您的角色（领导）不能按号码查找" in page
    assert "话务员、派单员和管理员" in page
    assert "按联系电话" not in page  # it was not searched by phone


def test_the_agent_finds_the_callers_cases_by_phone_without_a_refusal(city: City, client: Client) -> None:
    case = make_case(city, citizen_phone=PHONE)
    client.force_login(city.users["agent"])
    page = text(client.get("/cases/queue/all/", {"q": "138 1234 5678"}))
    assert f'data-number="{case.number}"' in page
    assert "不能按号码查找" not in page


def test_the_api_says_why_a_phone_search_found_nothing(city: City, client: Client) -> None:
    make_case(city, citizen_phone=PHONE)

    def search(user: User) -> dict[str, Any]:
        auth = f"Bearer {ApiToken.issue(user)}"
        response = client.get("/api/v1/cases", {"q": PHONE}, HTTP_AUTHORIZATION=auth)
        assert response.status_code == 200
        return dict(response.json())

    refused = search(city.users["leader"])
    assert refused["count"] == 0
    assert "不能按号码查找" in refused["notice"]
    found = search(city.users["agent"])
    assert found["count"] == 1
    assert found["notice"] is None

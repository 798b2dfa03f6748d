"""The duplicate warning while a request is registered, and 「登记并合并到此工单」 (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.models import PersonalDataView
from cases.models import Case
from cases.workflow import State
from tests.factories import City, make_case
from triage import dupindex

pytestmark = pytest.mark.django_db

DRAIN = "小区门口的下水道堵塞了，污水漫到路面上，已经三天没人来处理"
SIMILAR = "小区门口下水道堵了，污水漫到路上三天了没人处理"


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    dupindex.reset()  # the index is the process's: built again from this test's cases
    yield
    dupindex.reset()


def warning(client: Client, **fields: str) -> str:
    response = client.post("/cases/possible-duplicates/", fields)
    assert response.status_code == 200
    return response.content.decode()


def test_a_similar_open_case_is_shown_with_number_title_state_and_unit(city: City, client: Client) -> None:
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN, citizen_phone="13800001111")
    make_case(city, title="学校门口乱停车", content="学校门口每天早上乱停车，堵得走不动")
    client.force_login(city.users["dispatcher"])
    html = warning(client, title="下水道堵塞", content=SIMILAR)
    assert f'data-number="{earlier.number}"' in html
    assert "小区门口下水道堵塞" in html
    assert "待派单" in html or earlier.get_state_display() in html
    assert "乱停车" not in html
    assert f'name="merge_into" value="{earlier.number}"' in html  # a dispatcher may merge


def test_nothing_is_shown_for_a_short_or_unrelated_text(city: City, client: Client) -> None:
    make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    client.force_login(city.users["agent"])
    assert "可能重复" not in warning(client, content="你好")
    assert "可能重复" not in warning(client, content="我想咨询一下社保卡补办需要带什么材料")


def test_the_same_callers_open_cases_are_listed_and_the_lookup_audited(city: City, client: Client) -> None:
    own = make_case(
        city,
        title="学校门口乱停车",
        content="学校门口每天早上乱停车，堵得走不动",
        citizen_phone="13800001111",
    )
    agent = city.users["agent"]
    client.force_login(agent)
    html = warning(client, content="我还想反映一下另一件事情，关于路灯不亮", citizen_phone="138-0000-1111")
    assert f'data-number="{own.number}"' in html
    assert "同一来电号码" in html
    assert "13800001111" not in html  # the caller's number is not echoed
    assert PersonalDataView.objects.filter(user=agent, case=own, purpose="phone_search").exists()


def test_a_role_that_may_not_search_by_phone_is_told_so(city: City, client: Client) -> None:
    make_case(city, title="学校门口乱停车", content="学校门口每天早上乱停车", citizen_phone="13800001111")
    supervisor = city.users["supervisor"]
    client.force_login(supervisor)
    html = warning(client, content="另一件事情，关于路灯不亮了好几天", citizen_phone="13800001111")
    assert "您的角色不能按号码查找" in html
    assert not PersonalDataView.objects.filter(user=supervisor).exists()


def test_an_agent_sees_the_warning_without_a_merge_button(city: City, client: Client) -> None:
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    client.force_login(city.users["agent"])
    html = warning(client, title="下水道堵塞", content=SIMILAR)
    assert f'data-number="{earlier.number}"' in html
    assert "merge_into" not in html
    assert "合并工单由派单员办理" in html


def test_the_warning_is_for_those_who_register(city: City, client: Client) -> None:
    client.force_login(city.users["clerk"])
    assert client.post("/cases/possible-duplicates/", {"content": SIMILAR}).status_code == 403


def test_registering_and_merging_into_the_duplicate(city: City, client: Client) -> None:
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    client.force_login(city.users["dispatcher"])
    body = {
        "kind": "complaint",
        "channel": "hotline",
        "content": SIMILAR,
        "urgency": "normal",
        "merge_into": earlier.number,
    }
    response = client.post("/cases/new/", body, follow=True)
    new = Case.objects.exclude(pk=earlier.pk).latest("pk")
    assert new.state == State.MERGED
    assert new.parent == earlier
    page = response.content.decode()
    assert f"已合并到工单 {earlier.number}" in page


def test_registering_anyway_keeps_a_case_of_its_own(city: City, client: Client) -> None:
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    client.force_login(city.users["dispatcher"])
    body = {"kind": "complaint", "channel": "hotline", "content": SIMILAR, "urgency": "normal"}
    client.post("/cases/new/", body)
    new = Case.objects.exclude(pk=earlier.pk).latest("pk")
    assert new.state == State.REGISTERED
    assert new.parent is None


def test_a_refused_merge_keeps_the_registration(city: City, client: Client) -> None:
    client.force_login(city.users["agent"])  # agents register but do not merge
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    body = {
        "kind": "complaint",
        "channel": "hotline",
        "content": SIMILAR,
        "urgency": "normal",
        "merge_into": earlier.number,
    }
    response = client.post("/cases/new/", body, follow=True)
    new = Case.objects.exclude(pk=earlier.pk).latest("pk")
    assert new.state == State.REGISTERED
    assert "未能合并" in response.content.decode()


def test_the_console_registers_and_merges(city: City, client: Client) -> None:
    earlier = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    client.force_login(city.users["dispatcher"])
    page = client.get("/console/").content.decode()
    assert 'id="duplicates-check"' in page
    body = {"kind": "complaint", "content": SIMILAR, "merge_into": earlier.number}
    response = client.post("/console/intake/", body, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    new = Case.objects.exclude(pk=earlier.pk).latest("pk")
    assert new.parent == earlier
    assert "已登记并合并" in response.content.decode()

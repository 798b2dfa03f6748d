"""The 莫愁指南 pages as staff and citizens see them, the console's JSON and fragment."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from knowledge import services
from knowledge.models import Audience, Guide, GuideStatus
from knowledge.tests.conftest import publish
from tests.factories import PASSWORD, City

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(response: Any) -> str:
    return response.content.decode()


def test_search_json_requires_login(city: City) -> None:
    response = Client().get("/knowledge/search.json", {"q": "路灯"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_search_json_answers_staff_with_hits(city: City, agent: User) -> None:
    guide = publish(city, slug="lamps", title="路灯报修", body="路灯不亮请拨打12345。", documents="无")
    body = login(agent).get("/knowledge/search.json", {"q": "路灯坏了"}).json()
    assert body["query"] == "路灯坏了"
    assert body["truncated"] is False
    [hit] = body["results"]
    assert hit["id"] == guide.pk
    assert hit["slug"] == "lamps"
    assert hit["title"] == "路灯报修"
    assert hit["url"] == f"/knowledge/{guide.pk}/"
    assert hit["documents"] == ["无"]
    assert "路灯" in hit["snippet"]


@pytest.mark.parametrize("limit", ["0", "abc", "51"])
def test_search_json_rejects_a_bad_limit_precisely(city: City, agent: User, limit: str) -> None:
    response = login(agent).get("/knowledge/search.json", {"q": "路灯", "limit": limit})
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "limit"}


def test_search_json_cuts_a_10k_query_and_says_so(city: City, agent: User) -> None:
    publish(city, title="路灯报修", body="路灯不亮请拨打12345。")
    body = login(agent).get("/knowledge/search.json", {"q": "路灯" + "x" * 10_000}).json()
    assert body["truncated"] is True
    assert body["results"]


def test_the_results_fragment_lists_title_snippet_and_link(city: City, agent: User) -> None:
    guide = publish(city, title="路灯报修", body="路灯不亮请拨打12345。")
    html = page(login(agent).get("/knowledge/_results/", {"q": "路灯"}))
    assert f'href="/knowledge/{guide.pk}/"' in html
    assert "路灯报修" in html
    assert "<mark>路灯</mark>不亮" in html
    assert "<html" not in html  # a fragment, for the console to embed
    assert Client().get("/knowledge/_results/", {"q": "路灯"}).status_code == 302


def test_the_index_searches_live_as_the_agent_types(city: City, agent: User) -> None:
    html = page(login(agent).get("/knowledge/"))
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-get="/knowledge/_results/"' in html


def test_no_results_and_empty_query_are_explained(city: City, agent: User) -> None:
    client = login(agent)
    assert "没有找到" in page(client.get("/knowledge/_results/", {"q": "火星移民"}))
    assert client.get("/knowledge/_results/", {"q": ""}).status_code == 200
    assert "只按前 200 个字搜索" in page(client.get("/knowledge/", {"q": "啊" * 10_000}))


def test_a_script_in_a_title_is_rendered_escaped_everywhere(city: City, agent: User) -> None:
    guide = publish(city, title=f"路灯{SCRIPT}", body=f"路灯不亮。{SCRIPT}")
    client = login(agent)
    for url in (f"/knowledge/{guide.pk}/", f"/knowledge/public/{guide.pk}/", "/knowledge/public/"):
        html = page(client.get(url))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;" in html, url
    for url in ("/knowledge/_results/", "/knowledge/public/"):
        html = page(client.get(url, {"q": "路灯"}))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;" in html, url


def test_citizens_see_only_published_public_guides(city: City) -> None:
    public = publish(city, title="路灯报修", body="路灯不亮请拨打12345。")
    internal = publish(city, title="路灯派单口径", body="路灯派住建局。", audience=Audience.INTERNAL)
    draft = services.create_guide(
        actor=city.users["clerk"], data={"title": "路灯草稿", "body": "草稿。", "unit": city.housing}
    )
    anonymous = Client()
    listing = page(anonymous.get("/knowledge/public/"))
    assert "路灯报修" in listing
    assert "路灯派单口径" not in listing
    assert "路灯草稿" not in listing
    searched = page(anonymous.get("/knowledge/public/", {"q": "路灯"}))
    assert "路灯报修" in searched
    assert "路灯派单口径" not in searched
    assert "路灯草稿" not in searched
    assert anonymous.get(f"/knowledge/public/{public.pk}/").status_code == 200
    assert anonymous.get(f"/knowledge/public/{internal.pk}/").status_code == 404
    assert anonymous.get(f"/knowledge/public/{draft.pk}/").status_code == 404
    assert anonymous.get(f"/knowledge/{public.pk}/").status_code == 302  # the staff page needs a login


def test_a_draft_is_hidden_from_staff_of_other_units(city: City, agent: User, outsider: User) -> None:
    draft = services.create_guide(
        actor=city.users["clerk"], data={"title": "路灯草稿", "body": "草稿。", "unit": city.housing}
    )
    assert login(agent).get(f"/knowledge/{draft.pk}/").status_code == 404
    assert login(outsider).get(f"/knowledge/{draft.pk}/").status_code == 404
    assert login(city.users["unit_leader"]).get(f"/knowledge/{draft.pk}/").status_code == 200


def test_a_clerk_writes_and_submits_a_guide_through_the_pages(city: City, clerk: User) -> None:
    client = login(clerk)
    form = {
        "title": "井盖缺失报修",
        "body": "发现井盖缺失请拨打12345。",
        "unit": city.housing.pk,
        "audience": "public",
    }
    response = client.post("/knowledge/new/", form)
    guide = Guide.objects.get(title="井盖缺失报修")
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/{guide.pk}/"
    response = client.post(f"/knowledge/{guide.pk}/act/submit/", follow=True)
    assert "已提交审核" in page(response)
    assert Guide.objects.get(pk=guide.pk).status == GuideStatus.SUBMITTED
    # Not a reviewer: publishing is refused with a message, nothing changes.
    response = client.post(f"/knowledge/{guide.pk}/act/publish/", follow=True)
    assert "只有审核人可以发布" in page(response)
    assert Guide.objects.get(pk=guide.pk).status == GuideStatus.SUBMITTED


def test_the_form_explains_errors_in_chinese(city: City, clerk: User) -> None:
    response = login(clerk).post(
        "/knowledge/new/",
        {
            "title": "",
            "body": "x",
            "unit": city.housing.pk,
            "audience": "public",
            "valid_from": "2025-05-01",
            "valid_until": "2025-01-01",
        },
    )
    assert response.status_code == 422
    html = page(response)
    assert "这个字段是必填项" in html
    assert "失效日期不能早于生效日期" in html


def test_a_clerk_cannot_pick_another_unit_in_the_form(city: City, clerk: User) -> None:
    form = {"title": "入学", "body": "入学须知。", "unit": city.education.pk, "audience": "public"}
    response = login(clerk).post("/knowledge/new/", form)
    assert response.status_code == 422
    assert not Guide.objects.filter(title="入学").exists()


def test_a_clerk_of_another_unit_cannot_open_the_edit_page(city: City, outsider: User) -> None:
    guide = publish(city)
    response = login(outsider).post(f"/knowledge/{guide.pk}/edit/", {"title": "改", "body": "改"})
    assert response.status_code == 403
    assert "只能修改本单位" in page(response)
    assert Guide.objects.get(pk=guide.pk).title == "示例指南"


def test_a_reviewer_returns_with_a_note_shown_to_the_clerk(city: City, supervisor: User) -> None:
    guide = services.submit_guide(
        services.create_guide(
            actor=city.users["clerk"], data={"title": "路灯", "body": "路灯报修。", "unit": city.housing}
        ),
        actor=city.users["clerk"],
    )
    login(supervisor).post(f"/knowledge/{guide.pk}/act/return/", {"note": "请补充办理地点"})
    html = page(login(city.users["clerk"]).get(f"/knowledge/{guide.pk}/"))
    assert "审核意见：请补充办理地点" in html
    assert 'id="btn-submit"' in html


def test_the_review_tab_lists_submitted_guides_for_reviewers(city: City, supervisor: User) -> None:
    guide = services.submit_guide(
        services.create_guide(
            actor=city.users["clerk"], data={"title": "待审路灯", "body": "路灯报修。", "unit": city.housing}
        ),
        actor=city.users["clerk"],
    )
    html = page(login(supervisor).get("/knowledge/", {"tab": "review"}))
    assert f'data-guide="{guide.pk}"' in html
    assert 'id="tab-review"' not in page(login(city.users["agent"]).get("/knowledge/"))

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from replytemplates.models import ReplyTemplate, TemplateStatus
from tests.factories import PASSWORD

from .conftest import published


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_centre_maintains_templates_and_clerks_do_not(city, dispatcher, clerk) -> None:
    assert _client(dispatcher).get(reverse("replytemplates:index")).status_code == 200
    page = _client(clerk).get(reverse("replytemplates:index"))
    assert page.status_code == 403
    home = _client(dispatcher).get(reverse("knowledge:index")).content.decode()
    assert 'id="replytemplates-link"' in home
    assert 'id="replytemplates-link"' not in _client(clerk).get(reverse("knowledge:index")).content.decode()


def test_an_unknown_placeholder_is_shown_under_the_body(city, dispatcher) -> None:
    response = _client(dispatcher).post(
        reverse("replytemplates:create"), {"title": "测试", "kind": "reply", "body": "{姓名}您好"}
    )
    assert response.status_code == 422
    assert "不认识的占位符：{姓名}" in response.content.decode()
    assert not ReplyTemplate.objects.exists()


def test_create_submit_publish_through_the_pages(city, dispatcher, supervisor) -> None:
    writer = _client(dispatcher)
    response = writer.post(
        reverse("replytemplates:create"),
        {
            "title": "路灯已修复",
            "kind": "reply",
            "category": city.category.pk,
            "body": "{称呼}：路灯已修复。",
        },
    )
    template = ReplyTemplate.objects.get()
    assert response["Location"] == reverse("replytemplates:detail", args=[template.pk])
    writer.post(reverse("replytemplates:act", args=[template.pk, "submit"]))
    reviewer = _client(supervisor)
    reviewer.post(reverse("replytemplates:act", args=[template.pk, "publish"]), {"note": "同意"})
    template.refresh_from_db()
    assert template.status == TemplateStatus.PUBLISHED
    page = reviewer.get(reverse("replytemplates:detail", args=[template.pk])).content.decode()
    assert "审核发布" in page
    assert "同意" in page


def test_the_list_filters_by_kind_and_status(city) -> None:
    published(city, title="答复甲")
    published(city, title="短信乙", kind="sms", name="case_received", body="{受理编号}")
    client = _client(city.users["dispatcher"])
    page = client.get(reverse("replytemplates:index"), {"kind": "sms"}).content.decode()
    assert "短信乙" in page
    assert "答复甲" not in page

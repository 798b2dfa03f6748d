"""Issue 8, finding 1: no member of staff reads a citizen's signed link (or any link an SMS
carries); the citizen's own link still opens the case and lets them rate it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import ApiToken, Role
from accounts.privacy import LINK_HIDDEN, hide_links
from cases.models import Case
from notifications.models import SmsMessage
from portal.links import read_token
from tests.factories import City, make_user, replied_case

pytestmark = pytest.mark.django_db

SIGNED_LINK = re.compile(r"/r/([^/\s]+)")


def _tokens(case: Case) -> list[str]:
    """The signed tokens the SMS messages of this case carry (as stored, for delivery)."""
    bodies = SmsMessage.objects.filter(case=case).values_list("body", flat=True)
    return [m.group(1) for body in bodies for m in SIGNED_LINK.finditer(body)]


def test_no_staff_page_or_api_response_shows_a_signed_link_and_the_link_still_works(
    city: City, clock: object
) -> None:
    case = replied_case(city)
    tokens = _tokens(case)
    assert tokens, "the reply SMS carries the citizen's link"
    assert all(read_token(t) == case.pk for t in tokens)  # valid links, kept intact for delivery
    city.users["auditor"] = make_user("auditor", Role.AUDITOR, None)
    client = Client()
    urls = ["/notifications/sms/", f"/cases/{case.number}/", "/cases/queue/to_callback/", "/"]
    api = [f"/api/v1/cases/{case.number}", f"/api/v1/cases/{case.number}/events", "/api/v1/cases"]
    for name, user in city.users.items():
        client.force_login(user)
        bearer = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
        responses = [client.get(url) for url in urls] + [client.get(url, headers=bearer) for url in api]
        for response in responses:
            body = response.content.decode()
            assert not SIGNED_LINK.search(body), (name, response.request["PATH_INFO"])
            for token in tokens:
                assert token not in body, name
                assert token.split(".")[-1] not in body, name  # not even the signature alone
    client.force_login(city.users["agent"])
    sms_page = client.get("/notifications/sms/").content.decode()
    assert LINK_HIDDEN in sms_page
    # The citizen's phone opens the link: the case page, with the right to rate.
    citizen = Client()
    opened = citizen.get(f"/r/{tokens[-1]}")
    assert opened.status_code == 302
    assert opened["Location"] == f"/m/case/{case.number}/"
    assert 'id="rating-form"' in citizen.get(opened["Location"]).content.decode()


def test_hide_links_hides_every_link_and_keeps_the_words() -> None:
    body = (
        "【钟祥12345】您的诉求（编号2025092400001）已有答复，请点击查看并评价："
        "https://12345.zhongxiang.gov.cn/m/r/1:1uAbCd:x-Yz_09/ 谢谢"
    )
    assert hide_links(body) == (
        f"【钟祥12345】您的诉求（编号2025092400001）已有答复，请点击查看并评价：{LINK_HIDDEN} 谢谢"
    )
    firm = "某公司的诉求专用链接（请勿转发）：http://127.0.0.1:8000/enterprises/e/AbC-_dEf/ 店小二：张三"
    assert hide_links(firm) == f"某公司的诉求专用链接（请勿转发）：{LINK_HIDDEN} 店小二：张三"
    assert hide_links("网关返回 /m/r/abc:def:ghi/ 无效") == f"网关返回 {LINK_HIDDEN} 无效"
    assert hide_links("网关返回 /r/1.1v1EnY.LN67qdld5-GI 无效") == f"网关返回 {LINK_HIDDEN} 无效"
    assert hide_links("无链接的短信") == "无链接的短信"


def test_the_stored_body_keeps_its_link_for_delivery(city: City, clock: object) -> None:
    case = replied_case(city)
    sms = SmsMessage.objects.filter(case=case).order_by("-created_at").first()
    assert sms is not None
    assert SIGNED_LINK.search(sms.body)

"""The 一件事's 一次性告知 over the API: what the application page's package panel shows, for the
same user, with the applicant masked as there; the window notifies the package; others refused."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from accounts.audit.models import AuditRecord
from affairs import services
from affairs.models import Application
from affairs.tests.test_api import Api
from affairs.workflow import Channel, State

pytestmark = pytest.mark.django_db


def _page(client, user, number: str) -> str:
    client.force_login(user)
    return html.unescape(client.get(reverse("affairs:detail", args=[number])).content.decode())


def _applicant_on(page: str) -> str:
    found = re.search(r'<dd id="applicant">(.*?)</dd>', page, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_package_notice_over_the_api_is_what_the_page_shows(client, clock, city, bundle, window, person):
    joint = services.submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    first = joint.parts.order_by("stage", "pk").first()
    assert first is not None
    api = Api(client)
    before = api.get(window, f"/joints/{joint.number}/notice")
    assert before.status_code == 200, before.content
    body = before.json()
    assert body["can_notify"] is True
    assert [(p["matter_name"], p["missing"]) for p in body["pending"]] == [
        ("公积金缴存证明打印", ["身份证"]),
        ("住房公积金提取", ["身份证", "购房合同"]),
    ]
    page = _page(client, window, first.number)
    shown = "；".join(f"{p['matter_name']}（缺：{'、'.join(p['missing'])}）" for p in body["pending"])
    assert f"整件一次性告知：{shown}" in page
    # The window acts on the parts: it reads the applicant in full, as on the page, and it is audited.
    a = body["applicant"]
    assert (a["name"], a["id_number"], a["phone"], a["full"]) == (
        person.name,
        person.id_number,
        person.phone,
        True,
    )
    assert _applicant_on(page).startswith(f"{a['name']} · {a['id_number']} · {a['phone']}")
    assert AuditRecord.objects.filter(
        action="affairs.applicant_view", new__purpose="一件事一次性告知"
    ).exists()

    sent = api.post(window, f"/joints/{joint.number}/notice", {"note": "请一并补交"})
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["state"] == "correcting"
    assert body["can_notify"] is False
    assert body["asked"] == ["身份证", "购房合同"]
    assert [p["notice_items"] for p in body["parts"]] == [["身份证"], ["身份证", "购房合同"]]
    assert {p.state for p in Application.objects.filter(joint=joint)} == {State.CORRECTING}
    page = _page(client, window, first.number)
    assert "申请人需一次性补正：身份证、购房合同" in page
    assert page.count('class="part-notice"') == len(body["parts"])
    for part in body["parts"]:
        assert f"：{'、'.join(part['notice_items'])}" in page
    # Asked once: a second notice is refused as on the page.
    again = api.post(window, f"/joints/{joint.number}/notice", {})
    assert (again.status_code, again.json()["code"]) == (409, "affairs.joint_nothing_to_notify")


def test_the_department_reads_the_notice_masked_and_may_not_send_it(
    client, clock, city, bundle, window, person
):
    joint = services.submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    first = joint.parts.order_by("stage", "pk").first()
    assert first is not None
    clerk = city.users["clerk"]  # the housing department: sees its parts, does not 预审
    api = Api(client)
    body = api.get(clerk, f"/joints/{joint.number}/notice").json()
    assert body["applicant"]["full"] is False
    assert body["applicant"]["name"] == "张**"
    assert person.phone not in str(body)
    assert person.id_number not in str(body)
    assert body["pending"] == []
    assert body["can_notify"] is False
    page = _page(client, clerk, first.number)
    assert _applicant_on(page).startswith(
        f"{body['applicant']['name']} · {body['applicant']['id_number']} · {body['applicant']['phone']}"
    )
    assert 'id="btn-joint-notify"' not in page
    refused = api.post(clerk, f"/joints/{joint.number}/notice", {})
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有政务大厅综合窗口可以办理此项。"  # the guard's own word
    assert {p.state for p in Application.objects.filter(joint=joint)} == {State.SUBMITTED}


def test_an_outsider_cannot_read_or_send_the_package_notice(client, clock, city, bundle, window, person):
    joint = services.submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    api = Api(client)
    outsider = city.users["outsider"]
    assert api.get(outsider, f"/joints/{joint.number}/notice").status_code == 404
    assert api.post(outsider, f"/joints/{joint.number}/notice", {}).status_code == 404
    assert api.get(window, "/joints/LB000/notice").status_code == 404
    too_long = api.post(window, f"/joints/{joint.number}/notice", {"note": "长" * 2001})
    assert too_long.status_code == 422
    assert too_long.json()["details"]["errors"][0]["field"] == "note"
    assert {p.state for p in Application.objects.filter(joint=joint)} == {State.SUBMITTED}

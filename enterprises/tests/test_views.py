"""The pages: 我的企业 for the liaison, the enterprise page, the enterprise's own appeal page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from accounts.models import User
from cases.models import Case, Channel, Kind
from enterprises import services
from enterprises.models import Appeal, ContactDataView, Enterprise, Visit
from notifications.models import SmsMessage
from tests.factories import PASSWORD, City

from .conftest import Firm

CONTENT = "园区兴业大道段路灯损坏多盏，夜间货车进出存在安全隐患，请协调修复。"


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def appeal_url(firm: Firm) -> str:
    return reverse("enterprises:access", args=[firm.token])


def post_appeal(client: Client, firm: Firm, **overrides: str) -> Any:
    data = {"kind": Kind.HELP, "title": "园区道路夜间照明不足", "content": CONTENT, **overrides}
    return client.post(appeal_url(firm), data)


# ---------------------------------------------------------------- the liaison's pages


def test_the_liaison_sees_only_their_enterprises_with_open_appeals(
    client: Client, firm: Firm, other_firm: Firm
) -> None:
    services.submit_appeal(firm.enterprise, firm.contact, kind=Kind.HELP, title="一", content=CONTENT)
    services.submit_appeal(firm.enterprise, firm.contact, kind=Kind.CONSULT, title="二", content=CONTENT)
    services.submit_appeal(
        other_firm.enterprise, other_firm.contact, kind=Kind.HELP, title="三", content=CONTENT
    )

    page = login(client, firm.liaison).get(reverse("enterprises:list")).content.decode()

    assert "我的企业" in page
    assert "钟祥市测试1号农产品加工有限公司" in page
    assert "钟祥市测试2号农产品加工有限公司" not in page
    assert '<span class="badge urgent">2</span>' in page
    assert "未走访" in page


def test_the_liaison_cannot_open_another_liaison_s_enterprise(
    client: Client, firm: Firm, other_firm: Firm
) -> None:
    login(client, firm.liaison)
    assert client.get(reverse("enterprises:detail", args=[other_firm.enterprise.pk])).status_code == 404
    response = client.post(
        reverse("enterprises:log_visit", args=[other_firm.enterprise.pk]),
        {"date": "2025-09-24", "purpose": "走访"},
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_the_enterprise_page_shows_appeals_with_their_state(client: Client, city: City, firm: Firm) -> None:
    appeal = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="路灯坏了", content=CONTENT
    )
    page = (
        login(client, firm.liaison)
        .get(reverse("enterprises:detail", args=[firm.enterprise.pk]))
        .content.decode()
    )
    assert appeal.case.number in page
    assert "待派单" in page
    assert "路灯坏了" in page
    # The liaison (市发改局) does not handle the case: its number is shown, not linked.
    assert reverse("cases:detail", args=[appeal.case.number]) not in page
    # A contact's mobile is masked until revealed.
    assert "137****0101" in page
    assert "13772400101" not in page

    dispatcher_page = login(Client(), city.users["dispatcher"]).get(
        reverse("enterprises:detail", args=[firm.enterprise.pk])
    )
    assert reverse("cases:detail", args=[appeal.case.number]) in dispatcher_page.content.decode()


def test_revealing_a_contact_mobile_is_audited(client: Client, firm: Firm, city: City) -> None:
    url = reverse("enterprises:reveal_mobile", args=[firm.enterprise.pk, firm.contact.pk])
    response = login(client, firm.liaison).post(url)
    assert "13772400101" in response.content.decode()
    view = ContactDataView.objects.get()
    assert (view.user, view.contact) == (firm.liaison, firm.contact)

    # Centre staff other than managers may see the enterprise, but not the full number.
    agent_response = login(Client(), city.users["agent"]).post(url)
    assert agent_response.status_code == 403
    assert ContactDataView.objects.count() == 1


def test_the_liaison_logs_a_visit_from_the_page(client: Client, firm: Firm) -> None:
    url = reverse("enterprises:log_visit", args=[firm.enterprise.pk])
    response = login(client, firm.liaison).post(
        url, {"date": "2025-09-23", "purpose": "了解生产经营情况", "notes": "无诉求", "follow_up": ""}
    )
    assert response.status_code == 302
    page = client.get(reverse("enterprises:list")).content.decode()
    assert "2025-09-23" in page
    detail = client.get(reverse("enterprises:detail", args=[firm.enterprise.pk])).content.decode()
    assert "了解生产经营情况" in detail

    bad = client.post(url, {"date": "2025-09-30", "purpose": "提前记录"})
    assert bad.status_code == 422
    assert "走访日期不能晚于今天" in bad.content.decode()
    assert Visit.objects.count() == 1


def test_sending_a_link_records_the_sms_for_the_contact_only(
    client: Client, firm: Firm, settings: Settings
) -> None:
    # The liaison works on the intranet, over plain http; the contact's phone must get the public
    # https address, not the host the liaison happened to use.
    settings.MOCHOU_PUBLIC_URL = "https://12345.zhongxiang.gov.cn/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mochou.intranet"]
    before = SmsMessage.objects.count()
    url = reverse("enterprises:send_link", args=[firm.enterprise.pk, firm.contact.pk])
    response = login(client, firm.liaison).post(url, follow=True, HTTP_HOST="mochou.intranet")
    assert "诉求专用链接已通过短信发送给 刘春燕（137****0101）" in response.content.decode()
    sms = SmsMessage.objects.latest("pk")
    assert SmsMessage.objects.count() == before + 1
    assert sms.phone == "13772400101"
    found = re.search(r"[!-~]+/enterprises/e/[\w-]+/", sms.body)  # the ASCII run of the link
    assert found is not None
    link = found.group(0)
    assert link.startswith("https://12345.zhongxiang.gov.cn/enterprises/e/")
    assert "intranet" not in sms.body
    assert "http:" not in sms.body
    # The link in the earlier SMS no longer works.
    assert Client().get(appeal_url(firm)).status_code == 404


def test_a_dispatcher_registers_an_enterprise_and_assigns_a_liaison(
    client: Client, city: City, liaison: User
) -> None:
    login(client, city.users["dispatcher"])
    data = {
        "name": "钟祥市汉水新材料科技有限公司",
        "credit_code": "91350100m000100y43",
        "township": city.township.pk,
        "park": "湖北钟祥经济开发区",
        "contact_name": "李俊",
        "contact_mobile": "13772400103",
        "liaison": liaison.pk,
        "is_active": "on",
    }
    response = client.post(reverse("enterprises:new"), data)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == "91350100M000100Y43"
    assert enterprise.liaison == liaison
    assert enterprise.contacts.get().mobile == "13772400103"

    wrong = client.post(reverse("enterprises:new"), {**data, "credit_code": "91350100M000100Y44"})
    assert wrong.status_code == 422
    assert "校验位不正确" in wrong.content.decode()
    phone = client.post(
        reverse("enterprises:new"), {**data, "credit_code": "91420881MA49000108", "contact_mobile": "12345"}
    )
    assert "手机号格式不正确" in phone.content.decode()
    assert Enterprise.objects.count() == 1


def test_a_liaison_cannot_register_enterprises(client: Client, liaison: User) -> None:
    assert login(client, liaison).get(reverse("enterprises:new")).status_code == 403


# ---------------------------------------------------------------- the enterprise's own page


def test_an_enterprise_submits_an_appeal_through_its_link(client: Client, firm: Firm) -> None:
    page = client.get(appeal_url(firm))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    # The token never leaves as a Referer to another site; "no-referrer" would make browsers post
    # the form with Origin: null, which Django's CSRF check refuses.
    assert page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    assert "钟祥市测试1号农产品加工有限公司" in html
    assert 'class="topbar"' not in html  # no staff top bar

    response = post_appeal(client, firm)
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.case.channel == Channel.ENTERPRISE
    assert appeal.contact == firm.contact
    after = client.get(appeal_url(firm)).content.decode()
    assert f"诉求已提交，受理编号 {appeal.case.number}" in after
    assert "园区道路夜间照明不足" in after
    assert "待派单" in after


def test_an_enterprise_sees_approved_answers_but_not_drafts(client: Client, city: City, firm: Firm) -> None:
    from cases import services as case_services

    case = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="路灯", content=CONTENT
    ).case
    case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    case_services.accept(case, actor=city.users["clerk"])
    case_services.submit_reply(case, actor=city.users["clerk"], body="草稿：养护单位已排期。")
    assert "草稿" not in client.get(appeal_url(firm)).content.decode()
    case_services.reject_reply(case, actor=city.users["unit_leader"], note="请写明完成时间")
    case_services.submit_reply(case, actor=city.users["clerk"], body="已安排路灯养护单位于9月26日前修复。")
    case_services.approve_reply(case, actor=city.users["unit_leader"])
    html = client.get(appeal_url(firm)).content.decode()
    assert "已安排路灯养护单位于9月26日前修复。" in html
    assert "草稿" not in html
    assert "请写明完成时间" not in html  # internal review notes stay internal


def answered_case(city: City, firm: Firm, body: str) -> Case:
    """An appeal of `firm` with an approved reply, ready to be a merge target."""
    from cases import services as case_services

    case = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="园区路灯", content=CONTENT
    ).case
    case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    case_services.accept(case, actor=city.users["clerk"])
    case_services.submit_reply(case, actor=city.users["clerk"], body=body)
    case_services.approve_reply(case, actor=city.users["unit_leader"])
    return case


def test_a_case_merged_into_another_party_s_case_shows_a_notice_not_their_reply(
    client: Client, city: City, firm: Firm, other_firm: Firm
) -> None:
    from cases import services as case_services

    # The reply to enterprise 2 names its contact and phone: it must not reach enterprise 1.
    reply = "刘春燕您好：经联系（电话13772400202），钟祥市测试2号公司门前路灯已于9月25日修复。"
    parent = answered_case(city, other_firm, reply)
    mine = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="园区路灯也坏了", content=CONTENT
    ).case
    case_services.merge(mine, actor=city.users["dispatcher"], parent=parent)

    html = client.get(appeal_url(firm)).content.decode()
    assert "园区路灯也坏了" in html
    assert "该诉求已与同类诉求合并办理，答复请咨询您的店小二（何店小二）。" in html
    assert "13772400202" not in html
    assert "9月25日修复" not in html
    # The liaison's enterprise page shows the same notice, not the other party's reply.
    page = login(client, firm.liaison).get(reverse("enterprises:detail", args=[firm.enterprise.pk]))
    assert "该诉求已与同类诉求合并办理" in page.content.decode()
    assert "9月25日修复" not in page.content.decode()
    # Enterprise 2 still reads its own answer.
    assert "9月25日修复" in Client().get(appeal_url(other_firm)).content.decode()


def test_a_case_merged_into_the_same_enterprise_s_appeal_shows_its_reply(
    client: Client, city: City, firm: Firm
) -> None:
    from cases import services as case_services

    parent = answered_case(city, firm, "已安排路灯养护单位于9月26日前修复。")
    again = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="路灯还是不亮", content=CONTENT
    ).case
    case_services.merge(again, actor=city.users["dispatcher"], parent=parent)
    html = client.get(appeal_url(firm)).content.decode()
    assert html.count("已安排路灯养护单位于9月26日前修复。") == 2  # the parent and the merged appeal
    assert "合并办理" not in html


def test_one_enterprise_never_sees_another_s_appeals(client: Client, firm: Firm, other_firm: Firm) -> None:
    mine = services.submit_appeal(
        firm.enterprise, firm.contact, kind=Kind.HELP, title="甲企业的诉求", content=CONTENT
    )
    html = client.get(appeal_url(other_firm)).content.decode()
    assert "甲企业的诉求" not in html
    assert mine.case.number not in html
    assert "钟祥市测试1号农产品加工有限公司" not in html
    # Posting with the other enterprise's link files the appeal for the other enterprise only.
    post_appeal(client, other_firm, title="乙企业的诉求")
    assert Appeal.objects.get(case__title="乙企业的诉求").enterprise == other_firm.enterprise


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 100])
def test_a_wrong_link_shows_a_clear_page(client: Client, firm: Firm, token: str) -> None:
    response = client.get(reverse("enterprises:access", args=[token]))
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()
    assert post_appeal_to(client, token).status_code == 404
    assert not Case.objects.exists()


def post_appeal_to(client: Client, token: str) -> Any:
    url = reverse("enterprises:access", args=[token])
    return client.post(url, {"kind": Kind.HELP, "title": "标题", "content": CONTENT})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"content": "路" * 4001}, "诉求内容不能超过4000个字（现为4001个字）。"),
        ({"content": CONTENT + "<script>alert(1)</script>"}, "诉求内容不能包含网页代码"),
        ({"title": ""}, "这个字段是必填项。"),
        ({"kind": "bribe"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_on_the_enterprise_page_is_explained_and_kept(
    client: Client, firm: Firm, overrides: dict[str, str], message: str
) -> None:
    response = post_appeal(client, firm, **overrides)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html  # what was typed comes back escaped
    if "title" not in overrides:
        assert 'value="园区道路夜间照明不足"' in html  # and is kept in the form
    assert not Case.objects.exists()
    assert not Appeal.objects.exists()


def test_the_appeal_form_works_with_csrf_checks_on(firm: Firm, caplog: pytest.LogCaptureFixture) -> None:
    """Anonymous contacts post the form too: the page must hand out a CSRF token that is accepted."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(appeal_url(firm))
    token = page.context["csrf_token"]
    data = {
        "kind": Kind.HELP,
        "title": "园区道路夜间照明不足",
        "content": CONTENT,
        "csrfmiddlewaretoken": token,
    }
    response = client.post(appeal_url(firm), data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    assert Appeal.objects.count() == 1
    refused = Client(enforce_csrf_checks=True).post(appeal_url(firm), data)
    assert refused.status_code == 403
    assert Appeal.objects.count() == 1
    assert "CSRF" in caplog.text  # Django logs the refusal


def test_my_enterprises_takes_the_same_queries_for_one_or_many(
    client: Client, city: City, liaison: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Counts and last visits come from one annotated query, not one query per enterprise."""
    from .conftest import make_firm

    login(client, liaison)
    make_firm(city, 1, liaison, "13772400101")
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("enterprises:list"))
    for n in range(2, 7):
        firm = make_firm(city, n, liaison, f"137724001{n:02d}")
        services.submit_appeal(firm.enterprise, firm.contact, kind=Kind.HELP, title="路灯", content=CONTENT)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("enterprises:list")).content.decode()
    assert page.count('class="enterprise-row"') == 6

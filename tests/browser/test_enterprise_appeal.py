"""店小二 in a real browser: the liaison sends an enterprise its personal link, the enterprise's
contact submits an appeal from a phone, and later reads the approved answer on the same page.

The contact's form is posted by Chromium itself, so the page's Referrer-Policy and Django's CSRF
origin check meet as they do in the field (the Django test client sends no Origin header at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from cases import services as case_services
from cases.models import Case, Kind
from enterprises import creditcode
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, EnterpriseContact
from notifications.models import Notification, SmsMessage
from tests.browser.conftest import fits_the_screen
from tests.browser.desks import Desk

pytestmark = pytest.mark.browser

FIRM = "钟祥市莫愁农产品加工有限公司"
OTHER_FIRM = "钟祥市明显陵文旅发展有限公司"
CONTACT_NAME, CONTACT_MOBILE = "刘春燕", "13772400101"
TITLE = "园区道路夜间照明不足"
CONTENT = "兴业大道东段约三百米路灯已坏两周，夜间货车进出厂区看不清路口，存在安全隐患，请协调尽快修复。"
OTHER_TITLE = "景区停车场扩建用地审批进度"
ANSWER = "已安排路灯养护单位于本周五前修复兴业大道东段路灯，并增设路口警示标志。"
HOUSING = "市住建局"  # Unit.display_name: the short name, as both pages show it


def make_enterprise(city: Any, n: int, name: str, *, liaison: User | None, mobile: str) -> Enterprise:
    """Through the service a dispatcher's form uses; the main contact becomes an EnterpriseContact."""
    return enterprise_services.save_enterprise(
        Enterprise(
            name=name,
            # 9 = 市场监管, 1 = 企业, 420881 = 钟祥市; the 18th character is computed.
            credit_code=creditcode.make(f"91420881MA4B{n:05d}"),
            industry="农副食品加工",
            township=city.township,
            address=f"郢中街道兴业大道{n}号",
            contact_name=CONTACT_NAME,
            contact_mobile=mobile,
            liaison=liaison,
        ),
        actor=city.users["dispatcher"],
    )


def test_an_enterprise_appeals_through_its_link_and_reads_the_approved_answer(
    journey_city: Any,
    desk: Callable[[str], Desk],
    phone: Callable[[], Page],
    live_server: Any,
    settings: Any,
) -> None:
    city = journey_city
    # The public address the SMS links point at (here: the test server the phone can reach).
    settings.MOCHOU_PUBLIC_URL = live_server.url
    # The liaison is a clerk of 市教育局: not the unit that will handle the appeal, so the case
    # stays out of their case pages while the enterprise page keeps them informed.
    liaison = city.users["outsider"]
    firm = make_enterprise(city, 1, FIRM, liaison=liaison, mobile=CONTACT_MOBILE)
    # Another enterprise (no liaison yet) with an appeal of its own, which nobody of FIRM may see.
    other = make_enterprise(city, 2, OTHER_FIRM, liaison=None, mobile="13772400202")
    enterprise_services.submit_appeal(
        other,
        other.contacts.get(),
        kind=Kind.CONSULT,
        title=OTHER_TITLE,
        content="我公司申请的景区停车场扩建用地已提交一个月，想了解审批进度。",
    )

    # 店小二 logs in, finds 我的企业 in the top bar: only their own enterprise is listed.
    staff = desk("outsider")
    page = staff.page
    page.locator("#enterprises-link").click()
    page.wait_for_url(re.compile(r"/enterprises/$"))
    expect(page.get_by_role("heading", name="我的企业")).to_be_visible()
    rows = page.locator("#enterprise-table tr.enterprise-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".open-appeals")).to_have_text("0")
    rows.first.get_by_role("link", name=FIRM, exact=True).click()
    page.wait_for_url(re.compile(rf"/enterprises/{firm.pk}/$"))
    expect(page.locator("#enterprise-name")).to_have_text(FIRM)
    expect(page.locator("#appeals")).to_contain_text("暂无诉求。")

    # … and sends the contact the personal link; the SMS is what the contact receives.
    contact_row = page.locator("#contacts li.contact", has_text=CONTACT_NAME)
    expect(contact_row).to_contain_text("137****0101")
    contact_row.get_by_role("button", name="发送诉求链接", exact=True).click()
    expect(page.locator(".messages .message.success")).to_have_text(
        f"诉求专用链接已通过短信发送给 {CONTACT_NAME}（137****0101），原链接作废。"
    )
    expect(contact_row.get_by_role("button", name="重新发送诉求链接", exact=True)).to_be_visible()
    sms = SmsMessage.objects.filter(phone=CONTACT_MOBILE, body__contains="诉求专用链接").get()
    sent = re.search(r"(https?://\S+/enterprises/e/[\w-]+/)", sms.body)
    assert sent is not None
    link = sent.group(1)
    assert link.startswith(live_server.url + "/enterprises/e/")  # MOCHOU_PUBLIC_URL, not the liaison's host

    # The contact, on a phone, no login: the enterprise's own page, without the staff bar.
    mobile = phone()
    response = mobile.goto(link)
    assert response is not None
    assert response.status == 200
    # The token is in the URL: never cached, never sent to another site as a Referer.
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "same-origin"
    expect(mobile.locator("#enterprise-name")).to_have_text(FIRM)
    expect(mobile.locator("#current-user")).to_have_count(0)
    expect(mobile.locator("#my-appeals")).to_contain_text("还没有提交过诉求。")
    expect(mobile.locator("body")).not_to_contain_text(OTHER_TITLE)
    assert fits_the_screen(mobile)

    # Too short first: refused next to the field, what was typed is still there, nothing stored.
    form = mobile.locator("#appeal-form")
    form.locator("#id_kind").select_option(label="求助")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_content").fill("路灯坏了")
    form.get_by_role("button", name="提交", exact=True).tap()
    expect(mobile.locator("#form-error")).to_have_text("请按提示修改后再提交。")
    expect(mobile.locator("#field-id_content .error")).to_have_text(
        "诉求内容至少需要10个字，请说清楚事情和诉求。"
    )
    expect(form.locator("#id_title")).to_have_value(TITLE)
    assert not firm.appeals.exists()

    # Then the real appeal, posted by Chromium with the page's own Origin and CSRF token.
    form.locator("#id_content").fill(CONTENT)
    with mobile.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="提交", exact=True).tap()
    assert posted.value.request.header_value("origin") == live_server.url
    assert posted.value.status == 302, posted.value.status  # 403 would be the CSRF check refusing
    message = mobile.locator("#appeal-message")
    expect(message).to_contain_text("诉求已提交，受理编号")
    posted_number = re.search(r"受理编号 (\d{13})", message.inner_text())
    assert posted_number is not None
    number = posted_number.group(1)
    assert mobile.url == link
    appeal = mobile.locator("#my-appeals article.appeal")
    expect(appeal).to_have_count(1)
    expect(appeal.locator("h3")).to_have_text(TITLE)
    expect(appeal.locator(".meta")).to_contain_text(number)
    expect(appeal.locator(".state")).to_have_text("待派单")
    expect(appeal.locator(".answer")).to_have_count(0)
    assert fits_the_screen(mobile)
    case = Case.objects.get(number=number)
    assert case.appeal.enterprise == firm
    assert SmsMessage.objects.filter(phone=CONTACT_MOBILE, case=case, body__contains=number).exists()

    # A garbled link (one character changed) leads nowhere, and says so.
    token = link.rstrip("/").rsplit("/", 1)[1]
    garbled = link.replace(token, ("A" if token[0] != "A" else "B") + token[1:])
    stranger = phone()
    response = stranger.goto(garbled)
    assert response is not None
    assert response.status == 404
    expect(stranger.get_by_role("heading", name="链接不可用")).to_be_visible()
    expect(stranger.locator("#link-message")).to_have_text("链接无效或已被更换，请联系您的店小二重新发送。")
    expect(stranger.locator("body")).not_to_contain_text(FIRM)

    # 店小二: told in the app, and the enterprise page lists the new open appeal.
    page.goto("/notifications/")
    expect(page.locator("#unread-count")).to_be_visible()
    notice = page.locator("#notification-list li.notification.unread", has_text=number)
    expect(notice).to_contain_text(f"您联系的企业“{FIRM}”提交了诉求：{TITLE}（{number}）")
    assert Notification.objects.filter(user=liaison, case=case, kind="enterprise_appeal").exists()
    page.goto("/enterprises/")
    expect(rows.first.locator(".open-appeals")).to_have_text("1")
    rows.first.get_by_role("link", name=FIRM, exact=True).click()
    expect(page.locator("#appeals h2")).to_contain_text("在办 1 件，共 1 件")
    row = page.locator("#appeals tr.appeal-row", has_text=number)
    expect(row.locator(".title")).to_have_text(TITLE)
    expect(row).to_contain_text(CONTACT_NAME)
    expect(row.locator(".state")).to_have_text("待派单")
    expect(row.get_by_role("link", name=number)).to_have_count(0)  # not their unit's case
    expect(page.locator("#appeals")).not_to_contain_text(OTHER_TITLE)

    # The case loop, through the services: dispatched, accepted, answered, approved.
    case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    case_services.accept(case, actor=city.users["clerk"])
    case_services.submit_reply(case, actor=city.users["clerk"], body=ANSWER)
    case_services.approve_reply(case, actor=city.users["unit_leader"])

    # The contact reloads the page: the approved answer, under its unit; still nothing of the other.
    mobile.reload()
    expect(appeal.locator(".state")).to_have_text("待回访")
    expect(appeal.locator(".answer")).to_contain_text(f"答复（{HOUSING}）：{ANSWER}")
    expect(mobile.locator("#appeal-message")).to_have_count(0)  # the receipt was shown once
    expect(mobile.locator("body")).not_to_contain_text(OTHER_TITLE)
    expect(mobile.locator("body")).not_to_contain_text(OTHER_FIRM)
    assert fits_the_screen(mobile)
    assert SmsMessage.objects.filter(phone=CONTACT_MOBILE, case=case).count() == 2  # receipt, reply

    # The liaison sees the same answer; the appeal stays open until the callback and closure.
    page.reload()
    expect(page.locator("#appeals h2")).to_contain_text("在办 1 件，共 1 件")
    expect(row.locator(".state")).to_have_text("待回访")
    expect(row).to_contain_text(HOUSING)
    expect(row).to_contain_text(ANSWER[:20])
    assert EnterpriseContact.objects.get(enterprise=firm).token_digest  # the link is still live

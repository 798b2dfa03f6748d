"""A citizen on a phone: submits a request with a photo, later looks it up, reads the answer, rates it
through the link of the reply SMS."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from cases import services
from cases.models import Case, Satisfaction
from cases.workflow import State
from notifications.models import SmsMessage
from portal.models import Attachment
from portal.tests import samples
from tests.browser.conftest import fits_the_screen
from tests.browser.desks import Desk

pytestmark = pytest.mark.browser

PHONE = "13712345678"
TEXT = "莫愁湖路12号门口的人行道塌了一个大坑，下雨积水，晚上已经有人摔倒了，请尽快修复。"
ANSWER = "已安排市政养护队于今日修复莫愁湖路12号门口的人行道坑洼，并设置了警示标志。"


@pytest.fixture(autouse=True)
def _fresh_media_and_limits(settings: Any, tmp_path: Path) -> None:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # rate-limit counters of earlier tests


def test_a_citizen_submits_with_a_photo_then_reads_the_answer_and_rates_it(
    journey_city: Any, phone: Callable[[], Page], desk: Callable[[str], Desk]
) -> None:
    city = journey_city
    photo = samples.png(32, 24)
    upload: FilePayload = {"name": "IMG_2031.png", "mimeType": "image/png", "buffer": photo}

    # On the phone: the form, filled in and sent with a photo.
    page = phone()
    page.goto("/m/")
    expect(page.get_by_role("heading", name="我要反映")).to_be_visible()
    assert fits_the_screen(page)
    page.locator("#id_kind").select_option(label="投诉")
    page.locator("#id_content").fill(TEXT)
    page.locator("#id_township").select_option(label="郢中街道")
    page.locator("#id_address").fill("郢中街道莫愁湖路12号")
    page.locator("#id_photos").set_input_files(files=[upload])
    page.locator("#id_name").fill("刘先生")
    page.locator("#id_mobile").fill(PHONE)
    # Sent without consent first: refused next to the box, the text still there.
    page.get_by_role("button", name="提交", exact=True).tap()
    expect(page.locator("#error-consent")).to_have_text("请阅读并同意《个人信息保护告知》后再提交。")
    expect(page.locator("#id_content")).to_have_value(TEXT)
    assert not Case.objects.exists()
    page.locator("#id_photos").set_input_files(
        files=[upload]
    )  # a browser never keeps the files: chosen again
    page.locator("#id_consent").tap()
    page.get_by_role("button", name="提交", exact=True).tap()
    page.wait_for_url(re.compile(r"/m/done/$"))
    number = page.locator("#case-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", number)
    expect(page.locator("#photos-saved")).to_have_text("已收到照片 1 张。")
    assert fits_the_screen(page)

    case = Case.objects.get(number=number)
    assert case.citizen_phone == PHONE
    assert SmsMessage.objects.filter(phone=PHONE, body__contains=number).exists()
    assert Attachment.objects.filter(case=case).count() == 1

    # The unit handles it (through the services); the photo is on the clerk's case page.
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    services.accept(case, actor=city.users["clerk"])
    clerk = desk("clerk")
    clerk.page.goto(f"/cases/{number}/")
    image = clerk.page.locator("#case-photos img")
    expect(image).to_be_visible()
    # decode() waits for the (lazily loaded) photo, then its real width proves it was served.
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 32
    services.submit_reply(case, actor=city.users["clerk"], body=ANSWER)
    services.approve_reply(case, actor=city.users["unit_leader"])

    # Days later, on the phone again (no session left): a wrong phone is refused.
    page = phone()
    page.goto("/m/track/")
    page.locator("#id_number").fill(number)
    page.locator("#id_mobile").fill("13700000000")
    page.get_by_role("button", name="查询", exact=True).tap()
    expect(page.locator("#page-error")).to_have_text("受理编号或手机号不正确。")
    expect(page.locator("#reply-body")).to_have_count(0)

    page.locator("#id_mobile").fill(PHONE)
    page.get_by_role("button", name="查询", exact=True).tap()
    page.wait_for_url(re.compile(rf"/m/case/{number}/$"))
    expect(page.locator("#case-state")).to_have_text("已答复，请您评价")
    expect(page.locator("#reply-body")).to_have_text(ANSWER)
    steps = page.locator("#case-steps .what").all_inner_texts()
    assert steps == [
        "您的诉求已受理",
        "已派至钟祥市住房和城乡建设局办理",
        "承办单位已签收，正在办理",
        "已答复",
    ]
    assert fits_the_screen(page)
    # Number + phone let anyone who knows them read; rating (the callback) needs the SMS link.
    expect(page.locator("#rating-form")).to_have_count(0)
    expect(page.locator("#rate-hint")).to_contain_text("请通过短信中的链接评价")

    # The rating is the callback: the citizen opens the link of the reply SMS.
    sms = SmsMessage.objects.get(phone=PHONE, case=case, body__contains="已有答复")
    link = re.search(r"https?://\S+(/r/\S+)$", sms.body)
    assert link, sms.body
    page.goto(link.group(1))
    page.wait_for_url(re.compile(rf"/m/case/{number}/$"))
    page.get_by_label("是", exact=True).check()
    page.get_by_label("满意", exact=True).check()
    page.locator("#id_comment").fill("修得很快，谢谢！")
    page.get_by_role("button", name="提交评价", exact=True).tap()
    expect(page.locator("#rated")).to_have_text("感谢您的评价！")
    expect(page.locator("#my-rating")).to_contain_text("满意 · 问题已解决")
    expect(page.locator("#rating-form")).to_have_count(0)
    case.refresh_from_db()
    assert case.state == State.CALLED_BACK
    assert (case.satisfaction, case.resolved) == (Satisfaction.SATISFIED, True)

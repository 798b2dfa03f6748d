"""A clerk drafts an answer from a reply template (常用答复模板), edits it, and the leader approves
it; the approved answer is the edited text, and the template's use is counted."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desks import Desk
from tests.factories import accepted_case

pytestmark = pytest.mark.browser

OpenDesk = Callable[[str], Desk]
LIST_SCREENSHOT = "/tmp/reply-templates-list.png"  # noqa: S108 -- for a person to look at
SCREENSHOT = "/tmp/reply-template-picker.png"  # noqa: S108 -- for a person to look at, nothing secret


def _publish(city, **data):
    from replytemplates import services

    template = services.create_template(actor=city.users["dispatcher"], data={"kind": "reply", **data})
    services.submit_template(template, actor=city.users["dispatcher"])
    return services.publish_template(template, actor=city.users["supervisor"])


def test_a_reply_drafted_from_a_template_edited_and_approved(journey_city, desk: OpenDesk) -> None:
    from replytemplates.models import TemplateUse

    city = journey_city
    near = _publish(
        city,
        title="下水道已疏通",
        category=city.category,
        body="{称呼}：您好！您于{登记日期}反映的“{诉求标题}”（受理编号{受理编号}），{承办单位}已安排人员疏通，"
        "现已恢复正常排水。感谢您的监督！",
    )
    _publish(city, title="通用答复", body="{称呼}：您好！您反映的问题已转{承办单位}办理。")
    case = accepted_case(city, citizen_name="王某某")

    clerk = desk("clerk")
    page = clerk.page
    page.goto(f"/cases/{case.number}/")
    form = clerk.form("reply")
    picker = form.locator("#reply-template-picker")
    expect(picker).to_be_visible()  # revealed by the script; without it, the texts are there to copy
    assert picker.locator("option").all_inner_texts() == ["不使用模板，直接填写", "下水道已疏通", "通用答复"]

    picker.select_option(label="下水道已疏通")
    body = form.locator("#id_reply_body")
    expect(body).to_have_value(re.compile(r"^尊敬的王女士/先生：您好！"))
    filled = body.input_value()
    assert filled.startswith("尊敬的王女士/先生：您好！您于")
    assert f"（受理编号{case.number}），钟祥市住房和城乡建设局已安排人员疏通" in filled
    expect(form.locator("#id_reply_template")).to_have_value(str(near.pk))
    form.locator("#id_reply_result").fill("已疏通")
    form.screenshot(path=SCREENSHOT)

    edited = filled.replace("已安排人员疏通", "已于当天安排市政养护队疏通莫愁湖路12号门口的下水道")
    body.fill(edited)
    clerk.act("reply", "提交答复")
    clerk.expect_state("待审核")

    leader = desk("unit_leader")
    leader.page.goto(f"/cases/{case.number}/")
    leader.act("approve", "审核通过", note="同意")
    leader.expect_state("待回访")
    approved = leader.page.locator("#case-replies article.reply-approved")
    expect(approved).to_contain_text("已于当天安排市政养护队疏通莫愁湖路12号门口的下水道")
    expect(approved).to_contain_text("尊敬的王女士/先生")

    # The centre sees the use counted on its list of templates.
    dispatcher = desk("dispatcher")
    dispatcher.page.locator("#replytemplates-link").click()
    row = dispatcher.page.locator(f'#template-list tr[data-template="{near.pk}"]')
    expect(row.locator("td.num").first).to_have_text("1")
    dispatcher.page.screenshot(path=LIST_SCREENSHOT, full_page=True)

    use = TemplateUse.objects.get()
    assert (use.template_id, use.case_id) == (near.pk, case.pk)
    assert use.reply.body == edited

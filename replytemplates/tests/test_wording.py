"""SMS texts: from a published SMS template when there is one (by name, and state when set), from
the loop's shipped file otherwise; the signature is always the loop's."""

from __future__ import annotations

from django.conf import settings

from cases import services
from notifications.models import SmsMessage
from notifications.texts import sms_text
from replytemplates import services as template_services
from replytemplates.models import TemplateKind
from tests.factories import accepted_case, make_case

from .conftest import published


def _last_sms() -> str:
    return SmsMessage.objects.order_by("-pk").values_list("body", flat=True).first() or ""


def test_the_shipped_file_without_a_published_template(city) -> None:
    draft = template_services.create_template(
        actor=city.users["dispatcher"],
        data={"title": "草稿", "kind": TemplateKind.SMS, "name": "case_received", "body": "草稿{受理编号}"},
    )
    assert draft.status == "draft"
    case = make_case(city)
    assert _last_sms().startswith(f"{settings.MOCHOU_SMS_SIGNATURE}您的诉求已受理，受理编号{case.number}")


def test_a_published_template_words_the_sms(city) -> None:
    published(
        city, title="受理短信", kind=TemplateKind.SMS, name="case_received",
        body="{称呼}，您反映的“{诉求标题}”已受理，编号{受理编号}，进度：{查看链接}",
    )  # fmt: skip
    case = make_case(city)
    text = _last_sms()
    assert text.startswith(
        f"{settings.MOCHOU_SMS_SIGNATURE}尊敬的张女士，您反映的“小区门口下水道堵塞”已受理，编号{case.number}"
    )
    assert "{" not in text


def test_the_template_for_the_case_state_wins(city) -> None:
    base = {"kind": TemplateKind.SMS, "name": "case_replied"}
    published(city, title="通用", body="{受理编号}已有答复，请{评价提示}：{查看链接}", **base)
    published(city, title="待回访", body="您的诉求{受理编号}已办理，稍后将回访，请{评价提示}：{查看链接}",
              case_state="replied", **base)  # fmt: skip
    case = accepted_case(city)
    services.submit_reply(case, actor=city.users["clerk"], body="已安排人员处理，问题已解决。")
    services.approve_reply(case, actor=city.users["unit_leader"])
    assert f"您的诉求{case.number}已办理，稍后将回访，请查看并评价：" in _last_sms()


def test_names_without_a_template_and_unknown_names_fall_back(city) -> None:
    published(city, title="受理短信", kind=TemplateKind.SMS, name="case_received", body="编号{受理编号}")
    assert (
        sms_text("deadline_notice", message="工单即将超期") == f"{settings.MOCHOU_SMS_SIGNATURE}工单即将超期"
    )

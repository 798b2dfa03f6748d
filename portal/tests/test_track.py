"""The citizen looks up a case with number + phone, reads the answer in plain words and rates it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from cases import services
from cases.models import Callback, Case, Satisfaction
from cases.workflow import State
from portal.links import LINK_DAYS, rating_path, rating_url
from tests.factories import City, accepted_case, dispatched_case, make_case, replied_case

pytestmark = pytest.mark.django_db

PHONE = "13812345678"  # tests.factories.make_case's citizen
WRONG_PAIR = "受理编号或手机号不正确。"


def page(response: Any) -> str:
    return response.content.decode()


def look_up(client: Client, number: str, phone: str = PHONE) -> Any:
    return client.post("/m/track/", {"number": number, "mobile": phone})


def open_sms_link(client: Client, case: Case) -> Any:
    """What the citizen does with the reply SMS: the only door (with the submission) to rating."""
    return client.get(rating_path(case))


def test_lookup_with_number_and_phone_opens_the_case(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    response = look_up(client, case.number)
    assert response.status_code == 302
    assert response["Location"] == f"/m/case/{case.number}/"
    body = page(client.get(response["Location"]))
    assert "已派至承办单位，等待签收" in body
    assert "已派至钟祥市住房和城乡建设局办理" in body
    # Read through a lookup: the text without its house number (issue 8, finding 8).
    assert "郢中街道莫愁湖路**号小区门口的下水道堵塞好几天了" in body
    assert "莫愁湖路12号" not in body


@pytest.mark.parametrize("phone", ["13900000000", "13812345679"])
def test_lookup_with_a_wrong_phone_is_refused_and_reveals_nothing(
    client: Client, city: City, clock: object, phone: str
) -> None:
    case = dispatched_case(city)
    response = look_up(client, case.number, phone)
    assert response.status_code == 404
    assert WRONG_PAIR in page(response)
    assert case.content not in page(response)
    # No right to the case page either.
    assert client.get(f"/m/case/{case.number}/")["Location"] == "/m/track/"


def test_an_unknown_number_gets_the_same_answer_as_a_wrong_phone(
    client: Client, city: City, clock: object
) -> None:
    case = make_case(city)
    wrong_phone = look_up(client, case.number, "13900000000")
    unknown = look_up(client, "2025092499999")
    assert (unknown.status_code, wrong_phone.status_code) == (404, 404)
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="\d+"', "", page(r))  # noqa: E731
    assert strip(unknown) == strip(wrong_phone)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "mobile": PHONE}, "请填写受理编号。"),
        ({"number": "20250924", "mobile": PHONE}, "受理编号为13位数字"),
        ({"number": "2025092400001", "mobile": ""}, "请填写提交诉求时的手机号码。"),
        ({"number": "2025092400001", "mobile": "138123"}, "手机号码格式不正确"),
    ],
)
def test_lookup_needs_both_fields_well_formed(
    client: Client, city: City, clock: object, data: dict[str, str], message: str
) -> None:
    response = client.post("/m/track/", data)
    assert response.status_code == 422
    assert message in page(response)


def test_the_case_page_needs_a_lookup_first(client: Client, city: City, clock: object) -> None:
    case = make_case(city)
    assert client.get(f"/m/case/{case.number}/")["Location"] == "/m/track/"
    assert client.get("/m/case/2025092499999/")["Location"] == "/m/track/"


def test_the_timeline_speaks_citizen_terms_without_staff_names_or_notes(
    client: Client, city: City, clock: object
) -> None:
    case = accepted_case(city)
    services.request_extension(case, actor=city.users["clerk"], days=3, reason="需要协调燃气公司一同施工")
    services.decide_extension(case, actor=city.users["dispatcher"], approve=True, note="同意延期三天")
    services.submit_reply(case, actor=city.users["clerk"], body="内部草稿：已经派人去看过现场了，正在处理。")
    services.reject_reply(case, actor=city.users["unit_leader"], note="答复太简单，请补充")
    look_up(client, case.number)
    body = page(client.get(f"/m/case/{case.number}/"))
    steps = re.findall(r'<span class="what">([^<]+)</span>', body)
    assert steps == [
        "您的诉求已受理",
        "已派至钟祥市住房和城乡建设局办理",
        "承办单位已签收，正在办理",
        "因办理需要，办理期限已延长",
    ]
    assert "承办单位正在办理" in body
    staff_names = ("王话务", "赵派单", "钱承办", "孙局长")
    for internal in (*staff_names, "燃气公司", "同意延期", "内部草稿", "答复太简单"):
        assert internal not in body


def test_the_approved_reply_is_shown_and_rating_closes_the_callback(
    client: Client, city: City, clock: object
) -> None:
    case = replied_case(city)
    open_sms_link(client, case)
    body = page(client.get(f"/m/case/{case.number}/"))
    assert "已答复，请您评价" in body
    assert "已安排市政养护队疏通下水道，现已恢复正常排水。" in body
    assert 'id="rating-form"' in body

    response = client.post(
        f"/m/case/{case.number}/rate/",
        {"resolved": "yes", "satisfaction": Satisfaction.BASICALLY, "comment": "修得挺快，谢谢"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.CALLED_BACK
    assert (case.satisfaction, case.resolved) == (Satisfaction.BASICALLY, True)
    callback = Callback.objects.get(case=case)
    assert callback.by.username == "channel-mobile"
    assert (callback.outcome, callback.comment) == (Callback.Outcome.REACHED, "修得挺快，谢谢")
    after = page(client.get(response["Location"]))
    assert "感谢您的评价！" in after
    assert "基本满意 · 问题已解决" in after
    assert 'id="rating-form"' not in after
    # The centre can now close it: the citizen's rating is the callback.
    services.close(case, actor=city.users["agent"])


def test_an_incomplete_rating_is_refused_next_to_the_question(
    client: Client, city: City, clock: object
) -> None:
    case = replied_case(city)
    open_sms_link(client, case)
    response = client.post(f"/m/case/{case.number}/rate/", {"satisfaction": Satisfaction.SATISFIED})
    assert response.status_code == 422
    assert "请选择问题是否已解决。" in page(response)
    assert Case.objects.get(pk=case.pk).state == State.REPLIED


def test_a_case_cannot_be_rated_twice(client: Client, city: City, clock: object) -> None:
    case = replied_case(city)
    open_sms_link(client, case)
    rating = {"resolved": "no", "satisfaction": Satisfaction.UNSATISFIED}
    client.post(f"/m/case/{case.number}/rate/", rating)
    again = client.post(f"/m/case/{case.number}/rate/", rating)
    assert again.status_code == 409
    assert "该诉求目前不能评价" in page(again)
    assert Callback.objects.filter(case=case).count() == 1


def test_rating_is_refused_without_a_lookup(client: Client, city: City, clock: object) -> None:
    case = replied_case(city)
    response = client.post(f"/m/case/{case.number}/rate/", {"resolved": "yes", "satisfaction": "satisfied"})
    assert response["Location"] == "/m/track/"
    assert Case.objects.get(pk=case.pk).state == State.REPLIED


def test_a_merged_case_shows_the_parents_answer(client: Client, city: City, clock: object) -> None:
    parent = accepted_case(city)
    duplicate = make_case(city, citizen_phone="13700000007", citizen_name="陈先生")
    services.merge(duplicate, actor=city.users["dispatcher"], parent=parent)
    services.submit_reply(parent, actor=city.users["clerk"], body="下水道已疏通，排水恢复正常，感谢反映。")
    services.approve_reply(parent, actor=city.users["unit_leader"])
    look_up(client, duplicate.number, "13700000007")
    body = page(client.get(f"/m/case/{duplicate.number}/"))
    assert "与其他市民反映的同一事项合并办理：已答复，请您评价" in body
    assert "您的诉求与同类诉求合并办理，答复如下" in body
    assert "下水道已疏通，排水恢复正常，感谢反映。" in body
    assert parent.number not in body  # another citizen's case stays hidden
    assert 'id="rating-form"' not in body


def test_a_merged_case_shows_the_parents_answer_without_the_other_citizens_personal_data(
    client: Client, city: City, clock: object
) -> None:
    parent = accepted_case(city, citizen_name="张秀英", citizen_phone="13812345678")
    duplicate = make_case(city, citizen_phone="13700000007", citizen_name="陈先生")
    services.merge(duplicate, actor=city.users["dispatcher"], parent=parent)
    services.submit_reply(
        parent,
        actor=city.users["clerk"],
        body=(
            "张秀英您好：经核实，您家（莫愁湖路12号3-2-201）门前下水道已疏通。张女士如有疑问，"
            "请拨打138 1234 5678或0724-4221234联系，身份证号42088119800101123X已登记。"
        ),
        result="已疏通，联系人张秀英",
    )
    services.approve_reply(parent, actor=city.users["unit_leader"])
    look_up(client, duplicate.number, "13700000007")
    body = page(client.get(f"/m/case/{duplicate.number}/"))
    reply = body.split('id="case-reply"')[1].split("</section>")[0]
    personal = ("张秀英", "张女士", "1234 5678", "13812345678", "4221234", "42088119800101123X", "3-2-201")
    for each in personal:
        assert each not in reply
    assert "张**您好：经核实，您家（莫愁湖路12号*-*-***）门前下水道已疏通。" in reply
    assert "请拨打138****5678或****-*******联系" in reply
    assert "办理结果：</strong>已疏通，联系人张**" in reply
    # The parent's own citizen, through their SMS link, reads their reply as it was written;
    # a lookup (number + phone, which others may know) reads it without its numbers and flats.
    look_up(client, parent.number, "13812345678")
    looked_up = page(client.get(f"/m/case/{parent.number}/"))
    assert "138 1234 5678" not in looked_up
    assert "3-2-201" not in looked_up
    open_sms_link(client, parent)
    own = page(client.get(f"/m/case/{parent.number}/"))
    assert "张秀英您好" in own
    assert "138 1234 5678" in own
    assert "您的诉求与同类诉求合并办理" not in own


# ---------------------------------------------------------------- who may rate

RATING = {"resolved": "yes", "satisfaction": Satisfaction.SATISFIED}


def test_a_lookup_lets_the_citizen_read_but_not_rate(client: Client, city: City, clock: object) -> None:
    """Number + phone can be known or guessed by others: they must not record the callback."""
    case = replied_case(city)
    look_up(client, case.number)
    body = page(client.get(f"/m/case/{case.number}/"))
    assert "已安排市政养护队疏通下水道，现已恢复正常排水。" in body
    assert 'id="rating-form"' not in body
    assert "请通过短信中的链接评价" in body
    refused = client.post(f"/m/case/{case.number}/rate/", RATING)
    assert refused.status_code == 403
    assert "请通过短信中的链接评价" in page(refused)
    assert Case.objects.get(pk=case.pk).state == State.REPLIED
    assert not Callback.objects.filter(case=case).exists()
    # The SMS link, opened in the same browser, gives the right to rate.
    open_sms_link(client, case)
    assert client.post(f"/m/case/{case.number}/rate/", RATING).status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.CALLED_BACK


def test_a_later_lookup_does_not_take_away_the_sms_links_right(
    client: Client, city: City, clock: object
) -> None:
    case = replied_case(city)
    open_sms_link(client, case)
    look_up(client, case.number)
    assert 'id="rating-form"' in page(client.get(f"/m/case/{case.number}/"))


def test_the_browser_that_submitted_the_case_may_rate_it(client: Client, city: City, clock: object) -> None:
    from portal.tests.test_submit import PHONE as SUBMITTED_BY
    from portal.tests.test_submit import form_data

    assert client.post("/m/", form_data(city)).status_code == 302
    case = Case.objects.get(citizen_phone=SUBMITTED_BY)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    services.accept(case, actor=city.users["clerk"])
    services.submit_reply(case, actor=city.users["clerk"], body="路灯已于今日修复，感谢您的反映。")
    services.approve_reply(case, actor=city.users["unit_leader"])
    assert 'id="rating-form"' in page(client.get(f"/m/case/{case.number}/"))
    assert client.post(f"/m/case/{case.number}/rate/", RATING).status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.CALLED_BACK


# ---------------------------------------------------------------- the signed link of the SMS


def test_the_signed_link_opens_the_case_for_rating(client: Client, city: City, clock: object) -> None:
    case = replied_case(city)
    url = rating_url(case)
    assert url.startswith("http://")
    assert url.endswith(rating_path(case))
    response = client.get(rating_path(case))
    assert response["Location"] == f"/m/case/{case.number}/"
    assert 'id="rating-form"' in page(client.get(response["Location"]))
    assert case.number not in rating_path(case)  # nothing in the link names the case in clear


def test_the_public_address_of_the_link_comes_from_settings(city: City, clock: object, settings: Any) -> None:
    case = make_case(city)
    settings.MOCHOU_PUBLIC_URL = "https://12345.zhongxiang.gov.cn/"
    assert rating_url(case).startswith("https://12345.zhongxiang.gov.cn/r/")
    assert len(rating_url(case)) <= 60  # an SMS of 70 characters still has room for its text


def test_a_tampered_or_expired_link_is_refused(client: Client, city: City, clock: object) -> None:
    case = replied_case(city)
    other = make_case(city)
    path = rating_path(case)
    _pk, issued, signature = path.rsplit("/", 1)[1].split(".")
    other_pk = rating_path(other).rsplit("/", 1)[1].split(".")[0]
    assert client.get(f"/r/{other_pk}.{issued}.{signature}").status_code == 410  # pointed at another case
    assert client.get(f"/r/{_pk}.{issued}.{signature[:-1]}A").status_code in (410,)
    assert client.get("/r/nonsense").status_code == 410
    assert client.get("/m/r/nonsense/").status_code == 410
    with time_machine.travel("2025-10-25 10:00 +0800", tick=False):  # 31 days later
        expired = client.get(path)
    assert expired.status_code == 410
    assert "链接已失效" in page(expired)
    assert client.get(f"/m/case/{case.number}/")["Location"] == "/m/track/"
    with time_machine.travel("2025-10-23 10:00 +0800", tick=False):  # within LINK_DAYS
        assert LINK_DAYS == 30
        assert client.get(path).status_code == 302


def test_the_reply_sms_carries_a_rating_link_that_opens_the_case(client, city, clock) -> None:
    from notifications.models import SmsMessage
    from tests.factories import replied_case

    case = replied_case(city)
    sms = SmsMessage.objects.filter(case=case, body__contains="已有答复").get()
    assert "查看并评价" in sms.body
    link = sms.body.split("：", 1)[1]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/r/")
    opened = client.get(path, follow=True)
    assert opened.status_code == 200
    assert case.number in opened.content.decode()


def test_a_link_signed_before_a_key_rotation_still_opens(
    client: Client, city: City, clock: object, settings: Any
) -> None:
    case = replied_case(city)
    path = rating_path(case)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    assert client.get(path).status_code == 302
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(path).status_code == 410

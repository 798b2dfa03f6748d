"""A citizen submits a request from the phone page: the number on screen, the SMS, the photos."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases.models import Case, CaseEvent, Channel
from notifications.models import SmsMessage
from portal import views
from portal.models import Attachment
from portal.tests import samples
from tests.factories import City

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
TEXT = "莫愁湖路12号小区门口的路灯坏了一个多星期，晚上很黑，老人出门不安全，请尽快修好。"


def page(response: Any) -> str:
    return response.content.decode()


def form_data(city: City, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "content": TEXT,
        "township": str(city.township.pk),
        "address": "郢中街道莫愁湖路12号",
        "name": "刘先生",
        "mobile": PHONE,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def error_of(response: Any, field: str) -> str:
    match = re.search(rf'<p class="error" id="error-{field}">([^<]*)</p>', page(response))
    return match.group(1) if match else ""


def test_the_form_lists_the_real_townships_and_the_kinds(client: Client, city: City) -> None:
    body = page(client.get("/m/"))
    assert f'<option value="{city.township.pk}">郢中街道</option>' in body
    assert city.housing.name not in body  # departments are not places
    for label in ("咨询", "求助", "投诉", "举报", "建议", "表扬"):
        assert f">{label}</option>" in body
    assert 'href="/m/privacy/"' in body
    assert "/static/portal/portal.css" in body
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body)  # nothing from other hosts
    assert 'id="current-user"' not in body  # not the staff top bar


def test_a_submission_with_a_photo_shows_the_number_and_queues_the_sms(
    client: Client, city: City, clock: object, settings: Any
) -> None:
    photo = samples.png(32, 24)
    response = client.post("/m/", {**form_data(city), "photos": [upload("IMG_0001.png", photo)]})
    assert response.status_code == 302
    done = client.get(response["Location"])
    shown = re.search(r'id="case-number">(\d+)<', page(done))
    assert shown is not None
    number = shown.group(1)
    assert "提交成功" in page(done)
    assert "已收到照片 1 张" in page(done)

    case = Case.objects.get(number=number)
    assert (case.channel, case.kind, case.citizen_phone, case.citizen_name) == (
        Channel.MOBILE,
        "complaint",
        PHONE,
        "刘先生",
    )
    assert case.township == city.township
    assert case.content == TEXT
    assert case.registered_by is not None
    assert case.registered_by.username == "channel-mobile"
    sms = SmsMessage.objects.get(phone=PHONE)
    assert number in sms.body

    attachment = Attachment.objects.get(case=case)
    assert (attachment.content_type, attachment.width, attachment.height) == ("image/png", 32, 24)
    stored = Path(settings.MEDIA_ROOT) / "case-photos" / attachment.path
    # Re-encoded, not the uploaded bytes (mochou.images): the same picture, pixel for pixel (PNG).
    with Image.open(stored) as kept, Image.open(io.BytesIO(photo)) as sent:
        assert (kept.format, kept.size) == ("PNG", sent.size)
        assert kept.tobytes() == sent.convert(kept.mode).tobytes()
    assert attachment.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert re.fullmatch(r"2025/09/[\w-]{24}\.thumb\.jpg", attachment.thumbnail_path)
    # Stored under <yyyy>/<mm>/ with a random name, never the citizen's file name.
    assert re.fullmatch(r"2025/09/[\w-]{24}\.png", attachment.path)
    assert "IMG_0001" not in attachment.path


def test_the_number_page_leads_to_the_progress_without_retyping(
    client: Client, city: City, clock: object
) -> None:
    client.post("/m/", form_data(city))
    case = Case.objects.get()
    progress = client.get(f"/m/case/{case.number}/")
    assert progress.status_code == 200
    assert "已受理，正在确定承办单位" in page(progress)


def test_up_to_three_photos_in_any_accepted_format(client: Client, city: City, clock: object) -> None:
    photos = [
        upload("a.png", samples.png()),
        upload("b.jpg", samples.jpeg(), "image/jpeg"),
        upload("c.webp", samples.webp(), "image/webp"),
    ]
    assert client.post("/m/", {**form_data(city), "photos": photos}).status_code == 302
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["image/jpeg", "image/png", "image/webp"]


def test_a_photo_that_cannot_be_stored_leaves_the_case_and_says_so(
    client: Client, city: City, clock: object, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(views, "save_photo", broken)
    data = {**form_data(city), "photos": [upload("a.png", samples.png())]}
    response = client.post("/m/", data, follow=True)
    case = Case.objects.get()
    assert case.number in page(response)
    assert "有 1 张照片未能保存，您的诉求已经受理" in page(response)
    assert not Attachment.objects.exists()
    assert f"photo of case {case.number} not stored" in caplog.text  # and the operators are told


def test_script_in_the_text_is_stored_as_typed_and_shown_escaped(
    client: Client, city: City, clock: object
) -> None:
    text = "<script>alert('x')</script> 小区门口的井盖丢了，晚上很危险，请尽快处理。"
    client.post("/m/", form_data(city, content=text))
    case = Case.objects.get()
    assert case.content == text
    body = page(client.get(f"/m/case/{case.number}/"))
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


# ---------------------------------------------------------------- bad input: nothing stored


def assert_nothing_stored() -> None:
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not SmsMessage.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"content": "路灯坏了"}, "content", "诉求内容至少需要10个字（现为4个字）"),
        ({"content": "很" * 2001}, "content", "诉求内容不能超过2000个字（现为2001个字）"),
        ({"content": "   "}, "content", "请填写诉求内容。"),
        ({"mobile": "1381234567"}, "mobile", "手机号码格式不正确"),
        ({"mobile": "12812345678"}, "mobile", "手机号码格式不正确"),
        ({"mobile": "0724-4222345"}, "mobile", "手机号码格式不正确"),
        ({"mobile": ""}, "mobile", "请填写手机号码。"),
        ({"consent": None}, "consent", "请阅读并同意《个人信息保护告知》后再提交。"),
        ({"kind": ""}, "kind", "请选择诉求类型。"),
        ({"kind": "lottery"}, "kind", "选择一个有效的选项"),
        ({"township": ""}, "township", "请选择所在乡镇（街道）。"),
        ({"township": "999999"}, "township", "请从列表中选择所在乡镇（街道）。"),
        ({"address": ""}, "address", "请填写详细地址。"),
        ({"name": ""}, "name", "请填写您的称呼。"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_the_input_kept(
    client: Client, city: City, clock: object, overrides: dict[str, Any], field: str, message: str
) -> None:
    data = form_data(city, **overrides)
    response = client.post("/m/", data)
    assert response.status_code == 422
    assert message in error_of(response, field)
    assert "请按提示修改后再提交。" in page(response)
    body = page(response)
    if field != "address":
        assert 'value="郢中街道莫愁湖路12号"' in body  # what the citizen typed is still there
    if field != "content" and overrides.get("content") is None:
        assert TEXT in body
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"this is a text file, renamed to .jpg\n" * 4, "照片：文件不是有效的图片"),
        ("cut.png", samples.png(64, 64)[:-30], "照片：图片文件不完整或已损坏"),
        ("huge.png", samples.png_claiming(9000, 9000), "照片：照片尺寸过大（像素过多）"),
        ("wide.png", samples.png_claiming(8001, 10), "照片：照片尺寸过大（8001×10）"),
        ("bomb.png", samples.png_bomb(), "照片：照片尺寸过大（像素过多）"),
        ("big.png", samples.png() + b"\x00" * (5 * 1024 * 1024), "照片超过5MB"),
        ("page.png", b"<html><script>alert(1)</script></html>", "照片：文件不是有效的图片"),
    ],
)
def test_a_fake_or_broken_photo_is_refused_and_nothing_stored(
    client: Client, city: City, clock: object, name: str, data: bytes, message: str
) -> None:
    response = client.post("/m/", {**form_data(city), "photos": [upload(name, data)]})
    assert response.status_code == 422
    assert message in error_of(response, "photos")
    assert TEXT in page(response)
    assert_nothing_stored()


def test_the_second_of_two_photos_is_named_when_it_is_bad(client: Client, city: City, clock: object) -> None:
    photos = [upload("a.png", samples.png()), upload("b.jpg", b"not a photo at all, really")]
    response = client.post("/m/", {**form_data(city), "photos": photos})
    assert "第2张照片：文件不是有效的图片" in error_of(response, "photos")
    assert_nothing_stored()


def test_more_than_three_photos_are_refused(client: Client, city: City, clock: object) -> None:
    photos = [upload(f"{i}.png", samples.png()) for i in range(4)]
    response = client.post("/m/", {**form_data(city), "photos": photos})
    assert "最多上传3张照片（您选择了4张）" in error_of(response, "photos")
    assert_nothing_stored()


def test_an_oversized_upload_is_refused_before_it_is_read(client: Client, city: City, clock: object) -> None:
    response = client.post("/m/", form_data(city), CONTENT_LENGTH=str(views.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "上传内容过大" in page(response)
    assert_nothing_stored()


def test_the_size_is_checked_before_the_csrf_check_reads_the_body(city: City, clock: object) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/m/", form_data(city), CONTENT_LENGTH=str(views.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413  # a 403 would mean the body had been parsed first
    assert_nothing_stored()


def test_the_honeypot_stores_nothing(client: Client, city: City, clock: object) -> None:
    response = client.post("/m/", form_data(city, website="http://spam.example"))
    assert response.status_code == 400
    assert "提交失败" in page(response)
    assert_nothing_stored()


def test_a_post_without_the_csrf_token_is_refused(city: City, clock: object, caplog: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/m/", form_data(city)).status_code == 403
    assert "CSRF" in caplog.text  # Django's security log records the refusal
    assert_nothing_stored()
    form = client.get("/m/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(form))
    assert found is not None
    token = found.group(1)
    assert client.post("/m/", {**form_data(city), "csrfmiddlewaretoken": token}).status_code == 302


def test_the_privacy_notice_is_public(client: Client) -> None:
    body = page(client.get("/m/privacy/"))
    assert "个人信息保护告知" in body
    assert "手机号码" in body

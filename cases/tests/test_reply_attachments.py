"""答复附件: a clerk attaches images and PDFs to a draft answer; the leader sees them when approving;
the citizen on the portal once approved (issue 10, item 15)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases import services
from cases.attachments import MAX_FILES, BadFile, check_upload
from cases.models import Case, ReplyAttachment
from tests.factories import City, accepted_case

pytestmark = pytest.mark.django_db

BODY = "已安排市政养护队疏通下水道，现已恢复正常排水。"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 10.0, 0.0)}  # a GPS position
    exif[0x0110] = "Phone X"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def reply_post(client: Client, case: Case, *files: SimpleUploadedFile) -> str:
    data = {"body": BODY, "result": "已疏通", "reply_files": list(files)}
    response = client.post(f"/cases/{case.number}/act/reply/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_an_image_is_re_encoded_without_its_location() -> None:
    clean = check_upload("现场.jpg", jpeg_with_gps())
    assert clean.content_type == "image/jpeg"
    assert b"Phone X" not in clean.data
    assert not Image.open(io.BytesIO(clean.data)).getexif()


def test_a_pdf_is_recognised_by_its_signature_and_active_content_refused() -> None:
    assert check_upload("决定书.pdf", PDF).content_type == "application/pdf"
    with pytest.raises(BadFile, match="含有脚本"):
        check_upload(
            "a.pdf", PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>")
        )
    with pytest.raises(BadFile, match="不是完整的 PDF"):
        check_upload("a.pdf", PDF[:-7])
    with pytest.raises(BadFile, match="仅支持图片"):
        check_upload("报告.docx", b"PK\x03\x04 not a photo")


def test_the_clerk_attaches_files_and_the_leader_sees_them_when_approving(city: City, client: Client) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    reply_post(
        client,
        case,
        SimpleUploadedFile("现场照片.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("处理决定.pdf", PDF, "application/pdf"),
    )
    files = list(ReplyAttachment.objects.filter(reply__case=case))
    assert [f.name for f in files] == ["现场照片.jpg", "处理决定.pdf"]
    leader = Client()
    leader.force_login(city.users["unit_leader"])
    page = leader.get(f"/cases/{case.number}/").content.decode()
    assert "附件（2个）" in page
    assert "处理决定.pdf" in page
    image = leader.get(f"/cases/reply-files/{files[0].pk}/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert b"Phone X" not in b"".join(image.streaming_content)  # type: ignore[attr-defined]
    pdf = leader.get(f"/cases/reply-files/{files[1].pk}/")
    assert "attachment" in pdf["Content-Disposition"]  # downloaded, not opened in the browser


def test_a_bad_file_is_refused_with_its_name_and_nothing_is_stored(city: City, client: Client) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    page = reply_post(client, case, SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", "application/pdf"))
    assert "“病毒.exe”" in page
    assert not case.replies.exists()


def test_at_most_five_files(city: City, client: Client) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    files = [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(MAX_FILES + 1)]
    page = reply_post(client, case, *files)
    assert f"附件最多 {MAX_FILES} 个" in page
    assert not case.replies.exists()


def test_a_unit_that_does_not_see_the_case_gets_no_file(city: City, client: Client) -> None:
    case = accepted_case(city)
    clean = check_upload("a.pdf", PDF)
    reply = services.submit_reply(case, actor=city.users["clerk"], body=BODY, files=[clean])
    attachment = reply.attachments.get()
    client.force_login(city.users["outsider"])
    assert client.get(f"/cases/reply-files/{attachment.pk}/").status_code == 404


def test_the_citizen_sees_the_files_only_after_approval(city: City, client: Client) -> None:
    case = accepted_case(city, citizen_phone="13812345678")
    reply = services.submit_reply(
        case, actor=city.users["clerk"], body=BODY, files=[check_upload("a.pdf", PDF)]
    )
    attachment = reply.attachments.get()
    client.post("/m/track/", {"number": case.number, "mobile": "13812345678"})
    url = f"/m/case/{case.number}/files/{attachment.pk}/"
    assert client.get(url).status_code == 404  # a draft is not the citizen's
    services.approve_reply(Case.objects.get(pk=case.pk), actor=city.users["unit_leader"])
    page = client.get(f"/m/case/{case.number}/").content.decode()
    assert "答复附件（1个）" in page
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404  # another browser, not granted the case

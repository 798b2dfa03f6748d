"""Citizens' photos reach staff who may see the case, and nobody else; never through a public URL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases import services
from cases.models import Case
from portal.models import Attachment
from portal.tests import samples
from portal.tests.test_submit import form_data
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def submitted_with_photo(
    client: Client, city: City, photo: bytes | None = None, name: str = "street.png"
) -> tuple[Case, Attachment, bytes]:
    """The case, its attachment, and the bytes stored for it (never the uploaded ones)."""
    photo = photo if photo is not None else samples.png(40, 30)
    upload = SimpleUploadedFile(name, photo, content_type="application/octet-stream")
    assert client.post("/m/", {**form_data(city), "photos": [upload]}).status_code == 302
    case = Case.objects.get()
    attachment = Attachment.objects.get(case=case)
    return case, attachment, stored_file(attachment).read_bytes()


def stored_file(attachment: Attachment, *, thumbnail: bool = False) -> Path:
    path = attachment.thumbnail_path if thumbnail else attachment.path
    return Path(settings.MEDIA_ROOT) / "case-photos" / path


def served(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.getvalue()  # the streamed file, joined


def test_no_stored_or_served_byte_holds_where_the_photo_was_taken(
    client: Client, city: City, clock: object
) -> None:
    sent = samples.jpeg_with_gps(120, 80)
    assert samples.CAMERA.encode() in sent  # the EXIF is in the upload
    with Image.open(io.BytesIO(sent)) as original:
        assert original.getexif().get_ifd(0x8825)[2] == samples.GPS_LATITUDE  # GPS latitude is there
    _, attachment, _ = submitted_with_photo(client, city, sent, "IMG_0001.jpg")
    staff = Client()
    staff.force_login(city.users["agent"])
    for data in (
        stored_file(attachment).read_bytes(),
        stored_file(attachment, thumbnail=True).read_bytes(),
        served(staff, f"/m/photos/{attachment.pk}/"),
        served(staff, f"/m/photos/{attachment.pk}/thumbnail/"),
    ):
        assert data != sent
        assert b"Exif" not in data
        assert samples.CAMERA.encode() not in data
        assert b"xmpmeta" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert image.getexif().get_ifd(0x8825) == {}
    # Nothing else under the photo folder either: the upload itself was never written.
    files = [p for p in (Path(settings.MEDIA_ROOT) / "case-photos").rglob("*") if p.is_file()]
    assert sorted(files) == sorted([stored_file(attachment), stored_file(attachment, thumbnail=True)])


def test_an_iphone_heic_is_stored_as_a_clean_jpeg(client: Client, city: City, clock: object) -> None:
    sent = samples.heic(64, 48)
    _, attachment, stored = submitted_with_photo(client, city, sent, "IMG_0002.HEIC")
    assert (attachment.content_type, attachment.width, attachment.height) == ("image/jpeg", 64, 48)
    assert attachment.path.endswith(".jpg")
    assert samples.CAMERA.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_a_decompression_bomb_is_refused_with_a_clear_message(
    client: Client, city: City, clock: object
) -> None:
    upload = SimpleUploadedFile("bomb.png", samples.png_bomb(), content_type="image/png")
    response = client.post("/m/", {**form_data(city), "photos": [upload]})
    assert response.status_code == 422
    assert "照片：照片尺寸过大（像素过多），长和宽都不能超过 8000 像素。" in response.content.decode()
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_staff_who_see_the_case_get_the_photo(client: Client, city: City, clock: object) -> None:
    case, attachment, photo = submitted_with_photo(client, city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    for username in ("agent", "dispatcher", "clerk", "unit_leader"):
        staff = Client()
        staff.force_login(city.users[username])
        response = staff.get(f"/m/photos/{attachment.pk}/")
        assert response.status_code == 200, username
        assert response.streaming
        assert response.getvalue() == photo  # the stored, clean bytes (b"".join of the stream)
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
    from accounts.models import PersonalDataView

    viewers = set(PersonalDataView.objects.filter(purpose="photo").values_list("user__username", flat=True))
    assert viewers == {"agent", "dispatcher", "clerk", "unit_leader"}


def test_a_clerk_of_another_unit_gets_404(client: Client, city: City, clock: object) -> None:
    case, attachment, _ = submitted_with_photo(client, city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    client.force_login(city.users["outsider"])
    assert client.get(f"/m/photos/{attachment.pk}/").status_code == 404
    assert client.get("/m/photos/999999/").status_code == 404
    from accounts.models import PersonalDataView

    assert not PersonalDataView.objects.filter(purpose="photo").exists()  # a refused look is no view


def test_anonymous_visitors_are_sent_to_the_login(client: Client, city: City, clock: object) -> None:
    _, attachment, _ = submitted_with_photo(client, city)
    anonymous = Client()
    response = anonymous.get(f"/m/photos/{attachment.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    # The citizen who sent it does not get it back either: the portal never serves files.
    assert client.get(f"/m/photos/{attachment.pk}/").status_code == 302


def test_no_public_url_serves_the_stored_file(client: Client, city: City, clock: object) -> None:
    _, attachment, _ = submitted_with_photo(client, city)
    for url in (
        f"/media/case-photos/{attachment.path}",
        f"/case-photos/{attachment.path}",
        f"/static/case-photos/{attachment.path}",
    ):
        assert Client().get(url).status_code == 404, url


def test_the_staff_case_page_shows_the_photos(client: Client, city: City, clock: object) -> None:
    case, attachment, _ = submitted_with_photo(client, city)
    client.force_login(city.users["agent"])
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="case-photos"' in body
    assert f'src="/m/photos/{attachment.pk}/thumbnail/"' in body  # the list shows thumbnails
    assert f'href="/m/photos/{attachment.pk}/"' in body  # each opens the photo
    assert "市民上传的照片（1张）" in body


def test_a_case_without_photos_shows_nothing_of_them(client: Client, city: City, clock: object) -> None:
    case = make_case(city)
    client.force_login(city.users["agent"])
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert "case-photos" not in body
    assert "照片" not in body


def test_the_citizen_page_counts_the_photos_but_does_not_show_them(
    client: Client, city: City, clock: object, settings: Any
) -> None:
    case, _attachment, _ = submitted_with_photo(client, city)
    body = client.get(f"/m/case/{case.number}/").content.decode()
    assert "照片 1 张" in body
    assert "/m/photos/" not in body

"""Citizens' photos reach staff who may see the case, and nobody else; never through a public URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases import services
from cases.models import Case
from portal.models import Attachment
from portal.tests import samples
from portal.tests.test_submit import form_data
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def submitted_with_photo(client: Client, city: City) -> tuple[Case, Attachment, bytes]:
    photo = samples.png(40, 30)
    upload = SimpleUploadedFile("street.png", photo, content_type="image/png")
    assert client.post("/m/", {**form_data(city), "photos": [upload]}).status_code == 302
    case = Case.objects.get()
    return case, Attachment.objects.get(case=case), photo


def test_staff_who_see_the_case_get_the_photo(client: Client, city: City, clock: object) -> None:
    case, attachment, photo = submitted_with_photo(client, city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    for username in ("agent", "dispatcher", "clerk", "unit_leader"):
        staff = Client()
        staff.force_login(city.users[username])
        response = staff.get(f"/m/photos/{attachment.pk}/")
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == photo
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
    assert f'src="/m/photos/{attachment.pk}/"' in body
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

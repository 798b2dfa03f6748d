"""The pages: a report from the phone form, an action, the board, the documents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit.models import AuditRecord
from enforcement.models import Violation
from enforcement.tests.conftest import Control, png, violation_in
from enforcement.workflow import State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_township_reports_a_violation_with_photos_from_the_form(client: Client, control: Control) -> None:
    login(client, "yzjd_clerk")
    assert client.get(reverse("enforcement:new")).status_code == 200
    data = {
        "township": control.township.pk,
        "village": control.village.pk,
        "address": "郢中街道莫愁湖社区三组5号",
        "lat": "31.170000",
        "lng": "112.590000",
        "crs": "gcj02",
        "area": "42",
        "structure": "steel",
        "land_type": "homestead",
        "built_on": "2025-09-01",
        "channel": "patrol",
        "description": "宅基地上加建钢结构二层",
        "owner_name": "李四",
        "owner_phone": "13900001111",
        "photos": [SimpleUploadedFile("a.png", png()), SimpleUploadedFile("b.png", png())],
    }
    response = client.post(reverse("enforcement:new"), data)
    assert response.status_code == 302
    v = Violation.objects.get()
    assert v.photos.count() == 2
    assert v.state == State.REPORTED
    page = client.get(response["Location"])
    assert "李*" in page.content.decode()
    assert "13900001111" not in page.content.decode()
    first = v.photos.all()[0]
    assert client.get(reverse("enforcement:photo", args=[first.pk]) + "?size=thumb").status_code == 200


def test_the_office_confirms_on_the_page_and_the_township_is_not_offered_it(
    client: Client, control: Control
) -> None:
    v = violation_in(control, State.REPORTED)
    page = login(Client(), "yzjd_clerk").get(reverse("enforcement:detail", args=[v.number])).content.decode()
    assert 'id="btn-confirm"' not in page
    office = login(client, "kwb_clerk")
    assert 'id="btn-confirm"' in office.get(reverse("enforcement:detail", args=[v.number])).content.decode()
    response = office.post(reverse("enforcement:act", args=[v.number, "confirm"]), {"note": "现场核实"})
    assert response.status_code == 302
    assert Violation.objects.get(pk=v.pk).state == State.CONFIRMED


def test_another_township_does_not_see_the_violation(client: Client, control: Control) -> None:
    v = violation_in(control, State.REPORTED)
    assert login(client, "hzjd_clerk").get(reverse("enforcement:detail", args=[v.number])).status_code == 404


def test_printing_a_document_is_audited(client: Client, control: Control) -> None:
    v = violation_in(control, State.ORDERED)
    doc = v.documents.get(kind="demolish")
    page = login(client, "yzjd_clerk").get(reverse("enforcement:document", args=[doc.pk]))
    assert "限期拆除决定书" in page.content.decode()
    assert "张三丰" in page.content.decode()
    assert AuditRecord.objects.filter(action="enforcement.owner_view").exists()
    assert (
        login(Client(), "hzjd_clerk").get(reverse("enforcement:document", args=[doc.pk])).status_code == 404
    )


def test_the_board_and_its_export(client: Client, control: Control) -> None:
    violation_in(control, State.CONFIRMED)
    office = login(client, "kwb_leader")
    page = office.get(reverse("enforcement:board")).content.decode()
    assert "零增长" in page
    assert "皇庄街道" in page
    export = office.get(reverse("enforcement:board_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "通报" in office.get(reverse("enforcement:bulletin")).content.decode()
    assert (
        office.get(reverse("enforcement:index") + "?kind=new&overdue=on", HTTP_HX_REQUEST="true").status_code
        == 200
    )


def test_the_overdue_filter_lists_a_violation_confirmed_and_not_stopped(
    client: Client, control: Control, clock: object
) -> None:
    waiting = violation_in(control, State.CONFIRMED)
    stopped = violation_in(control, State.STOPPED)
    office = login(client, "kwb_leader")
    url = reverse("enforcement:index") + "?overdue=on"
    assert waiting.number not in office.get(url).content.decode()
    clock.move_to(timezone.now() + timedelta(hours=25))  # type: ignore[attr-defined]
    page = login(Client(), "kwb_leader").get(url).content.decode()  # a new day, a new session
    assert waiting.number in page
    assert stopped.number not in page  # its 限期拆除决定 is due in 10 working days
    assert "制止" in page
    assert "超期" in page


def test_the_demo_map_says_its_points_are_illustrative_and_the_patch_page_lists_imports(
    client: Client, control: Control, settings: Any
) -> None:
    from enforcement.services.patches import import_patches
    from enforcement.tests.test_intake import CSV

    office = login(client, "kwb_clerk")
    assert "演示数据" not in office.get(reverse("enforcement:map")).content.decode()
    settings.MOCHOU_DEMO = True
    assert "点位按乡镇示意排布" in office.get(reverse("enforcement:map")).content.decode()
    assert "还没有导入卫片图斑" in office.get(reverse("enforcement:patches")).content.decode()
    import_patches(CSV.encode(), "patches.csv", actor=control.users["kwb_clerk"])
    page = office.get(reverse("enforcement:patches")).content.decode()
    assert "WP2025-001" in page
    assert "WP2025-002" in page

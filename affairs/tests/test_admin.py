"""The admin of 一网通办's configuration: partners (the key written, never shown back), packages
with their parts, the catalogue read only; and the hall's windows, queues and slots."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.audit.models import AuditRecord
from affairs.models import Bundle, Partner
from hall.models import Queue, Slot, Window

pytestmark = pytest.mark.django_db

KEY = "k" * 40


def _partner_form(**over: str) -> dict[str, str]:
    return {
        "code": "420821", "name": "京山市", "kind": "jingmen", "base_url": "http://127.0.0.1:8102",
        "key": "", "matters": "[]", "is_active": "on", "audit_reason": "配置通办", **over,
    }  # fmt: skip


def test_a_partners_key_is_written_never_shown_back(client, city, clock):
    client.force_login(city.users["admin"])
    add = client.post(reverse("admin:affairs_partner_add"), _partner_form(key=KEY))
    assert add.status_code == 302
    partner = Partner.objects.get()
    assert partner.key == KEY
    change = reverse("admin:affairs_partner_change", args=[partner.pk])
    page = client.get(change).content.decode()
    assert KEY not in page
    assert KEY not in client.get(reverse("admin:affairs_partner_changelist")).content.decode()
    # An empty field keeps the key; a short one is refused; 清除密钥 removes it.
    client.post(change, _partner_form(name="京山市政务服务中心"))
    partner.refresh_from_db()
    assert (partner.name, partner.key) == ("京山市政务服务中心", KEY)
    short = client.post(change, _partner_form(key="short"))
    assert short.status_code == 200
    assert "至少 32 个字符" in short.content.decode()
    client.post(change, _partner_form(clear_key="on"))
    partner.refresh_from_db()
    assert partner.key == ""
    records = AuditRecord.objects.filter(action__startswith="affairs.partner")
    assert records.count() == 3
    assert all(KEY not in json.dumps([r.old, r.new]) for r in records)


def test_packages_are_configured_with_their_parts_and_matters_only_read(client, city, clock, matter):
    client.force_login(city.users["admin"])
    response = client.post(
        reverse("admin:affairs_bundle_add"),
        {
            "code": "new-bundle",
            "name": "公积金一件事",
            "description": "",
            "is_active": "on",
            "audit_reason": "新增",
            "parts-TOTAL_FORMS": "1",
            "parts-INITIAL_FORMS": "0",
            "parts-0-matter": str(matter.pk),
            "parts-0-stage": "1",
        },
    )
    assert response.status_code == 302
    assert list(Bundle.objects.get(code="new-bundle").parts.values_list("matter", "stage")) == [
        (matter.pk, 1)
    ]
    page = client.get(reverse("admin:affairs_matter_change", args=[matter.pk]))
    assert page.status_code == 200
    assert (
        reverse("affairs:matter", args=[matter.pk])
        in client.get(reverse("admin:affairs_matter_changelist")).content.decode()
    )
    assert client.get(reverse("admin:affairs_matter_add")).status_code == 403
    refused = client.post(reverse("admin:affairs_matter_change", args=[matter.pk]), {"name": "改名"})
    assert refused.status_code == 403
    matter.refresh_from_db()
    assert matter.name == "住房公积金提取"


def test_the_halls_windows_queues_and_slots_are_configured_and_audited(client, city, clock, matter):
    client.force_login(city.users["admin"])
    client.post(
        reverse("admin:hall_queue_add"),
        {
            "letter": "A",
            "name": "综合受理",
            "is_default": "on",
            "audit_reason": "开厅",
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "0",
            "slots-0-start": "09:00",
            "slots-0-end": "10:00",
            "slots-0-capacity": "4",
        },
    )
    queue = Queue.objects.get(letter="A")
    assert Slot.objects.get(queue=queue).capacity == 4
    client.post(
        reverse("admin:hall_window_add"),
        {"number": "05", "name": "公积金窗口", "matters": [str(matter.pk)], "order": "5", "is_open": "on",
         "audit_reason": "开窗"},
    )  # fmt: skip
    window = Window.objects.get(number="05")
    assert list(window.matters.all()) == [matter]
    assert AuditRecord.objects.filter(action__in=["hall.queue.add", "hall.window.add"]).count() == 2

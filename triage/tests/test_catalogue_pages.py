"""The centre's pages for the 派单目录: read by unit and by category, a draft edited, published
with an effective date, and its history of who changed what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit.models import AuditRecord
from loop.versions import VersionStatus, new_draft, publish
from triage.models import DispatchCatalogue, DispatchRule
from triage.tests.factories import publish_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(city) -> DispatchCatalogue:
    top = city.category.parent.parent
    return publish_rules(city.users["admin"], [(top, city.township, city.township, [city.housing])])


def page(client, user, name: str, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_centre_reads_the_catalogue_by_unit_and_by_category(client, city, first):
    dispatcher = city.users["dispatcher"]
    listing = page(client, dispatcher, "catalogue:index")
    assert "第1版" in listing
    assert "生效中" in listing
    assert 'id="new-draft"' not in listing  # a dispatcher reads, the centre's management edits
    by_unit = page(client, dispatcher, "catalogue:version", 1)
    assert "郢中街道（1）" in by_unit  # the group of the lead unit
    assert "市住建局" in by_unit  # its co-handler
    client.force_login(dispatcher)
    by_category = client.get(reverse("catalogue:version", args=[1]), {"by": "category"}).content.decode()
    assert "城乡建设（1）" in by_category
    as_co = client.get(reverse("catalogue:version", args=[1]), {"unit": city.housing.code}).content.decode()
    assert "共 1 条事项" in as_co  # 市住建局 co-handles it
    none = client.get(reverse("catalogue:version", args=[1]), {"unit": city.education.code}).content.decode()
    assert "没有符合条件的事项" in none


def test_unit_staff_may_not_read_it_and_a_dispatcher_may_not_edit_it(client, city, first):
    client.force_login(city.users["clerk"])
    assert client.get(reverse("catalogue:index")).status_code == 403
    client.force_login(city.users["dispatcher"])
    assert client.post(reverse("catalogue:new_draft"), {"valid_from": "2030-01-01T00:00"}).status_code == 403


def test_a_draft_is_edited_published_with_its_date_and_its_history_says_who_changed_what(
    client, city, clock, first
):
    admin = city.users["admin"]
    client.force_login(admin)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("catalogue:new_draft"),
        {"valid_from": tomorrow.strftime("%Y-%m-%dT%H:%M"), "note": "夜间施工"},
    )
    assert response.status_code == 302
    draft = DispatchCatalogue.objects.get(number=2)
    assert draft.rules.count() == 1  # a copy of version 1

    new = reverse("catalogue:entry_new", args=[2])
    form = {
        "category_path": city.category.path,
        "township": "",
        "keywords": "施工|工地  噪|吵",
        "hours_from": "22:00",
        "hours_to": "06:00",
        "lead_unit": city.housing.pk,
        "co_units": [city.education.pk],
        "basis": "派单口径：噪音类诉求的派单单位",
        "note": "夜间建筑施工噪声",
        "is_active": "on",
        "reason": "按派单口径增加夜间施工噪声",
    }
    assert client.post(new, form).status_code == 302
    entry = draft.rules.get(note="夜间建筑施工噪声")
    assert (entry.keywords, entry.time_text(), list(entry.co_units.all())) == (
        "施工|工地 噪|吵",
        "22:00–06:00",
        [city.education],
    )
    # A second plain entry for the same category and township is refused in plain Chinese.
    plain = form | {"keywords": "", "hours_from": "", "hours_to": "", "township": city.township.pk}
    plain["category_path"] = city.category.parent.parent.path
    refused = client.post(new, plain)
    assert refused.status_code == 200
    assert "本版已有该分类、该乡镇的一般事项" in refused.content.decode()
    bad = client.post(new, form | {"category_path": "城乡建设/不存在"})
    assert "没有这个启用中的事项分类" in bad.content.decode()

    edit = reverse("catalogue:entry_edit", args=[2, entry.pk])
    assert client.post(edit, form | {"co_units": [], "reason": "不再协办"}).status_code == 302
    assert list(entry.co_units.all()) == []
    record = AuditRecord.objects.filter(action="setting.change", target_id=str(draft.pk)).latest("pk")
    row = f"dispatchrule#{entry.pk}"
    assert (record.old[row]["co_units"], record.new[row]["co_units"], record.reason) == (
        [city.education.pk],
        [],
        "不再协办",
    )
    assert record.actor == admin

    publish = reverse("catalogue:publish", args=[2])
    past = client.post(publish, {"valid_from": "2020-01-01T00:00", "reason": "试一试"}, follow=True)
    assert "生效时间不能早于发布时间" in past.content.decode()
    start = tomorrow.strftime("%Y-%m-%dT%H:%M")
    done = client.post(publish, {"valid_from": start, "reason": "市政府办公室通知"}, follow=True)
    assert "第2版已发布" in done.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert timezone.localtime(draft.valid_from).strftime("%Y-%m-%dT%H:%M") == start
    assert (
        AuditRecord.objects.get(action="setting.publish", target_id=str(draft.pk)).reason
        == "市政府办公室通知"
    )

    history = page(client, admin, "catalogue:version", 2)
    assert "与第1版相比的变化" in history
    assert "新增" in history
    assert "夜间建筑施工噪声" in history
    assert 'id="new-entry"' not in history  # published: read-only
    listing = page(client, admin, "catalogue:index")
    assert "郑管理" in listing  # who drafted and published
    # A published version's entries refuse the pages' edits.
    assert client.get(edit).status_code == 404
    assert DispatchRule.objects.filter(version=draft).count() == 2


def test_the_case_page_tells_the_dispatcher_why(client, city, clock, triage_on, first):
    from tests import factories as f

    case = f.make_case(city, category=None)
    client.force_login(city.users["dispatcher"])
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="triage-reason"' in body
    assert "派单目录第1版：城乡建设（郢中街道） → 郢中街道（协办：市住建局）" in body


def test_a_dispatch_guide_counts_only_once_written_into_the_catalogue(client, city, first):
    from knowledge.models import Audience
    from knowledge.services import import_guide

    import_guide(
        slug="noise-dispatch",
        data={
            "title": "派单口径：噪音类诉求的派单单位",
            "body": "夜间建筑施工噪声派市住建局并抄送生态环境分局。",
            "unit": city.centre,
            "audience": Audience.INTERNAL,
        },
    )
    listing = page(client, city.users["dispatcher"], "catalogue:index")
    assert "派单口径：噪音类诉求的派单单位" in listing
    assert "尚未写入派单目录，不影响派单" in listing
    admin = city.users["admin"]
    draft = new_draft(DispatchCatalogue, actor=admin, valid_from=timezone.now(), copy_from=first)
    DispatchRule.objects.create(
        version=draft, category=city.category, lead_unit=city.housing, basis="派单口径：噪音类诉求的派单单位"
    )
    publish(draft, actor=admin, now=draft.valid_from)
    assert "已写入生效目录 1 条事项" in page(client, city.users["dispatcher"], "catalogue:index")

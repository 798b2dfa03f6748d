"""The dispatch catalogue is versioned (loop.versions): each suggestion keeps the version its unit
came from, a new version changes new cases only, and a published version is read-only."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit.models import AuditRecord
from accounts.audit.tests.conftest import form_data
from cases.models import CaseEvent
from loop.versions import ReadOnlyVersion, VersionStatus, new_draft, publish
from mochou.errors import InvalidInput
from tests import factories as f
from triage.demo import seed_rules
from triage.models import DispatchCatalogue, DispatchRule, Suggestion
from triage.rules import units_for
from triage.services import triage_case
from triage.tests.factories import publish_rules

pytestmark = pytest.mark.django_db

DRAIN = {
    "title": "郢中街道小区门口下水道堵塞",
    "content": "郢中街道莫愁湖路小区门口的下水道堵塞好几天了，污水漫到路面，臭气熏天，请尽快疏通管网。",
    "category": None,
}


@pytest.fixture
def first(city) -> DispatchCatalogue:
    """Version 1: 城乡建设 in 郢中街道 goes to the 街道 itself, with 市住建局 co-handling."""
    top = city.category.parent.parent
    return publish_rules(city.users["admin"], [(top, city.township, city.township, [city.housing])])


def second_version(city, first: DispatchCatalogue, start: datetime) -> DispatchCatalogue:
    """An administrator's new version: a copy of version 1 whose 郢中街道 rule goes to 市住建局 alone."""
    admin = city.users["admin"]
    draft = new_draft(DispatchCatalogue, actor=admin, valid_from=start, copy_from=first, note="街道不再主办")
    rule = draft.rules.get(township=city.township)
    rule.lead_unit = city.housing
    rule.save()
    rule.co_units.clear()
    return publish(draft, actor=admin, reason="市政府办公室关于调整派单的通知")


def triage_payload(case) -> dict:
    return CaseEvent.objects.get(case=case, action="triage").payload


def test_a_rule_changed_in_a_new_version_leaves_old_suggestions_and_new_cases_get_the_new_unit(
    city, clock, triage_on, first
):
    old_case = f.make_case(city, **DRAIN)
    old = Suggestion.objects.get(case=old_case)
    assert (old.catalogue, old.lead_unit, old.co_units) == (first, city.township, [city.housing.code])

    start = timezone.now() + timedelta(days=1)
    second = second_version(city, first, start)
    first.refresh_from_db()
    assert first.valid_to == start  # closed where the new version begins
    today = f.make_case(city, citizen_phone="13700001111", **DRAIN)  # before the new version: still v1
    assert Suggestion.objects.get(case=today).lead_unit == city.township

    clock.move_to(start + timedelta(hours=1))
    new_case = f.make_case(city, citizen_phone="13700002222", **DRAIN)
    new = Suggestion.objects.get(case=new_case)
    assert (new.catalogue, new.lead_unit, new.co_units) == (second, city.housing, [])
    assert (triage_payload(new_case)["catalogue"], triage_payload(new_case)["unit"]) == (2, city.housing.code)

    old.refresh_from_db()
    assert (old.catalogue, old.lead_unit, old.co_units) == (first, city.township, [city.housing.code])
    assert (triage_payload(old_case)["catalogue"], triage_payload(old_case)["unit"]) == (
        1,
        city.township.code,
    )
    # Months later, the old suggestion is explained by the catalogue it names.
    choice = units_for(old_case.category or old.category, city.township, catalogue=old.catalogue)
    assert choice is not None
    assert choice.lead == city.township
    assert "派单目录第1版" in choice.source


def test_a_case_triaged_late_gets_the_rules_in_force_when_it_came_in(city, clock, triage_on, first, settings):
    settings.MOCHOU_TRIAGE = False  # its hook did not run (a crash, triage switched off …)
    case = f.make_case(city, **DRAIN)
    start = timezone.now() + timedelta(hours=1)
    second_version(city, first, start)
    clock.move_to(start + timedelta(hours=1))
    suggestion = triage_case(case.pk)
    assert suggestion is not None
    assert (suggestion.catalogue, suggestion.lead_unit) == (first, city.township)


def test_without_a_catalogue_in_force_the_category_default_applies_and_none_is_recorded(
    city, clock, triage_on
):
    top = city.category.parent.parent
    top.default_unit = city.housing
    top.save()
    case = f.make_case(city, **DRAIN)
    suggestion = Suggestion.objects.get(case=case)
    assert (suggestion.catalogue, suggestion.lead_unit) == (None, city.housing)
    assert triage_payload(case)["catalogue"] is None


def test_a_published_catalogue_and_its_rules_are_read_only(city, first):
    rule = first.rules.get()
    rule.lead_unit = city.housing
    with pytest.raises(ReadOnlyVersion):
        rule.save()
    # The many-to-many manager refuses inside its own atomic block: a savepoint keeps the test's.
    with pytest.raises(ReadOnlyVersion), transaction.atomic():
        rule.co_units.add(city.education)
    with pytest.raises(ReadOnlyVersion), transaction.atomic():
        rule.co_units.clear()
    with pytest.raises(ReadOnlyVersion):
        rule.delete()
    with pytest.raises(ReadOnlyVersion):
        DispatchRule.objects.create(version=first, category=city.category, lead_unit=city.housing)
    first.note = "改一改"
    with pytest.raises(ReadOnlyVersion):
        first.save()
    with pytest.raises(ReadOnlyVersion):
        first.delete()
    rule.refresh_from_db()
    assert (rule.lead_unit, list(rule.co_units.all())) == (city.township, [city.housing])


def test_a_new_version_starts_as_a_copy_with_the_co_handlers(city, first):
    draft = new_draft(
        DispatchCatalogue, actor=city.users["admin"], valid_from=timezone.now(), copy_from=first
    )
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    copy = draft.rules.get()
    original = first.rules.get()
    assert copy.pk != original.pk
    assert (copy.category, copy.township, copy.lead_unit) == (
        original.category,
        original.township,
        original.lead_unit,
    )
    assert list(copy.co_units.all()) == [city.housing]
    copy.co_units.add(city.education)  # a draft is editable
    assert list(original.co_units.all()) == [city.housing]


def test_overlapping_periods_are_refused(city, first):
    admin, now = city.users["admin"], timezone.now()
    bounded = new_draft(DispatchCatalogue, actor=admin, valid_from=now + timedelta(days=1))
    bounded.valid_to = now + timedelta(days=10)
    bounded.save()
    publish(bounded, actor=admin)
    clash = new_draft(DispatchCatalogue, actor=admin, valid_from=now + timedelta(days=5))
    with pytest.raises(InvalidInput) as refused:
        publish(clash, actor=admin)
    assert refused.value.code == "invalid_input.overlap"


def changelist(model=DispatchCatalogue) -> str:
    return reverse(f"admin:triage_{model._meta.model_name}_changelist")


def change_url(version: DispatchCatalogue) -> str:
    return reverse("admin:triage_dispatchcatalogue_change", args=[version.pk])


@pytest.fixture
def admin_client(client, city):
    client.force_login(city.users["admin"])
    return client


def test_the_admin_copies_edits_publishes_and_audits_and_keeps_published_versions_read_only(
    admin_client, city, first
):
    # 复制为新版本草稿
    response = admin_client.post(changelist(), {"action": "copy_as_draft", "_selected_action": [first.pk]})
    assert response.status_code == 302
    draft = DispatchCatalogue.objects.get(number=2)
    assert draft.status == VersionStatus.DRAFT
    assert AuditRecord.objects.filter(action="setting.draft", target_id=str(draft.pk)).exists()

    # The draft's rules are edited inline, with a reason; the co-handlers' change is in the record.
    rule = draft.rules.get()
    page = admin_client.get(change_url(draft))
    assert page.status_code == 200
    data = form_data(page, audit_reason="住建局协办改为教育局协办")
    key = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(rule.pk))
    data[key.removesuffix("-id") + "-co_units"] = [city.education.pk]
    data["rules-TOTAL_FORMS"] = data["rules-INITIAL_FORMS"]  # no blank extra row
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(rule.co_units.all()) == [city.education]
    record = AuditRecord.objects.get(action="setting.change", target_id=str(draft.pk))
    row = f"dispatchrule#{rule.pk}"
    assert (record.old[row]["co_units"], record.new[row]["co_units"]) == (
        [city.housing.pk],
        [city.education.pk],
    )
    assert record.new[row]["lead_unit"] == city.township.pk
    assert record.reason == "住建局协办改为教育局协办"

    # 发布: from its start (tomorrow) it is in force, and read-only.
    response = admin_client.post(changelist(), {"action": "publish_versions", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert first.valid_to == draft.valid_from
    assert AuditRecord.objects.filter(action="setting.publish", target_id=str(draft.pk)).exists()

    # A published version is shown, not offered for change, and neither saved nor deleted.
    page = admin_client.get(change_url(first))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url(first), form_data(page, note="改一改")).status_code == 403
    # The bulk delete asks has_delete_permission of every object: a published one is refused.
    response = admin_client.post(
        changelist(), {"action": "delete_selected", "_selected_action": [first.pk, draft.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert DispatchCatalogue.objects.filter(pk__in=[first.pk, draft.pk]).count() == 2
    assert first.rules.get().lead_unit == city.township


def test_predict_prints_the_unit_of_the_catalogue_in_force(city, clock, triage_on: Path, tmp_path):
    top = city.category.parent.parent
    first = publish_rules(city.users["admin"], [(top, None, city.education, [])])
    start = timezone.now() + timedelta(days=1)
    draft = new_draft(DispatchCatalogue, actor=city.users["admin"], valid_from=start, copy_from=first)
    DispatchRule.objects.filter(version=draft).update(lead_unit=city.housing)
    publish(draft, actor=city.users["admin"])
    path = tmp_path / "unseen.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言编号", "留言主题", "留言详情"])
        writer.writerow(["u1", "小区下水道堵塞污水横流", "小区门口的下水道堵了，污水流到路上，请尽快疏通。"])

    def predicted_unit() -> str:
        out = io.StringIO()
        call_command("triage", "predict", str(path), "--model", str(triage_on), stdout=out)
        (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
        assert row["category"] == "城乡建设"
        return row["unit"]

    assert predicted_unit() == city.education.name  # version 2 is not in force yet
    clock.move_to(start + timedelta(minutes=1))
    assert predicted_unit() == city.housing.name


def test_the_demo_catalogue_is_version_one_published_once(city):
    """The test city has one category of the demo tree with a unit (市政设施 → 市住建局)."""
    assert seed_rules() == 1
    version = DispatchCatalogue.objects.get()
    assert (version.number, version.status, version.valid_from.year) == (1, VersionStatus.PUBLISHED, 2000)
    rule = version.rules.get()
    assert (rule.category, rule.township, rule.lead_unit, list(rule.co_units.all())) == (
        city.category,
        None,
        city.housing,
        [],
    )
    assert rule.basis.startswith("三定：负责建筑工程施工现场")
    assert seed_rules() == 1
    assert DispatchCatalogue.objects.count() == 1

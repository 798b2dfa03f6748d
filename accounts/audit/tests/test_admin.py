"""Changes made in the admin land in the audit log with who, why, and the old and new values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.audit.models import AuditRecord
from accounts.audit.tests.conftest import form_data
from accounts.models import Role, User
from cases.models import Category, LimitVersion
from loop.versions import new_draft
from org.models import Unit
from triage.models import DispatchCatalogue
from worktime.models import CalendarDay

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def post_change(client, obj, **changes):
    url = change_url(obj)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **changes))


def only_record(**filters) -> AuditRecord:
    records = list(AuditRecord.objects.filter(**filters))
    assert len(records) == 1, records
    return records[0]


def test_changing_a_categorys_limit_records_old_new_reason_and_actor(admin_client, city, clock) -> None:
    """Limits are versioned (a draft, edited inline, then published): the draft's edit is audited."""
    admin = city.users["admin"]
    draft = new_draft(
        LimitVersion, actor=admin, valid_from=timezone.now(), copy_from=LimitVersion.objects.get(number=1)
    )
    entry = draft.entries.get(category__path="城乡建设")
    page = admin_client.get(change_url(draft))
    assert page.status_code == 200
    data = form_data(page, audit_reason="市政府要求办理时限缩短为3个工作日")
    row = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(entry.pk))
    data[row.removesuffix("-id") + "-handle_days"] = "3"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.handle_days == 3
    rec = only_record(action="setting.change")
    assert rec.actor == admin
    assert rec.actor_name == "郑管理 (admin)"
    assert (rec.target_type, rec.target_id) == ("cases.limitversion", str(draft.pk))
    key = f"categorylimit#{entry.pk}"
    assert list(rec.old) == [key]
    assert rec.old[key]["handle_days"] == 5
    assert rec.new[key]["handle_days"] == 3
    assert rec.new[key]["category"] == entry.category_id
    assert rec.reason == "市政府要求办理时限缩短为3个工作日"
    assert rec.ip == "127.0.0.1"


def test_a_change_without_a_reason_is_refused_and_not_saved(admin_client, city) -> None:
    response = post_change(admin_client, city.housing, phone="0724-4221234")
    assert response.status_code == 200
    assert "audit_reason" in response.context["adminform"].form.errors
    city.housing.refresh_from_db()
    assert city.housing.phone == ""
    assert not AuditRecord.objects.filter(action__startswith="unit").exists()


def test_the_change_form_asks_for_the_reason(admin_client, city) -> None:
    body = admin_client.get(change_url(city.category)).content.decode()
    assert "修改原因" in body
    assert 'name="audit_reason"' in body


def test_saving_without_a_change_records_nothing(admin_client, city) -> None:
    response = post_change(admin_client, city.housing, audit_reason="只是看看")
    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action__startswith="unit").exists()


NATIONAL_DAY = dt.date(2025, 10, 1)


def calendar_changelist_post(client, reason: str | None, **changes):
    """The calendar's change list, filtered to one day, saved with its inline edits."""
    day = CalendarDay.objects.get(date=NATIONAL_DAY)
    row = {"date": day.date.isoformat(), "name": day.name, **changes}
    if day.is_workday:
        row.setdefault("is_workday", "on")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "保存",
        **{f"form-0-{key}": value for key, value in row.items()},
    }
    if reason is not None:
        data["audit_reason"] = reason
    url = reverse("admin:worktime_calendarday_changelist")
    return client.post(url + f"?date__exact={NATIONAL_DAY.isoformat()}", data)


def test_inline_list_edits_are_audited_with_the_one_reason(admin_client, city) -> None:
    response = calendar_changelist_post(admin_client, "更正节日名称", name="国庆节（第一天）")
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=NATIONAL_DAY).name == "国庆节（第一天）"
    rec = only_record(action="calendar.change")
    assert rec.old["name"] == "国庆节"
    assert rec.new["name"] == "国庆节（第一天）"
    assert rec.reason == "更正节日名称"


def test_the_change_list_asks_for_the_reason(admin_client, city) -> None:
    body = admin_client.get(reverse("admin:worktime_calendarday_changelist")).content.decode()
    assert 'name="audit_reason"' in body


def test_inline_list_edits_without_a_reason_are_not_saved(admin_client, city) -> None:
    response = calendar_changelist_post(admin_client, "", name="国庆节（第一天）")
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=NATIONAL_DAY).name == "国庆节"
    assert not AuditRecord.objects.filter(action__startswith="calendar").exists()
    assert "修改原因" in admin_client.get(response["Location"]).content.decode()


def test_a_role_change_records_user_roles(admin_client, city) -> None:
    clerk = city.users["clerk"]
    response = post_change(admin_client, clerk, role=Role.UNIT_LEADER, audit_reason="任命为副局长")
    assert response.status_code == 302, response.context["adminform"].form.errors
    rec = only_record(action="user.roles")
    assert (rec.target_type, rec.target_id) == ("accounts.user", str(clerk.pk))
    assert rec.old == {"role": "clerk"}
    assert rec.new == {"role": "unit_leader"}
    assert rec.reason == "任命为副局长"
    assert User.objects.get(pk=clerk.pk).role == Role.UNIT_LEADER


def test_a_unit_and_group_change_of_a_user_records_user_roles(admin_client, city) -> None:
    group = Group.objects.create(name="值班长")
    clerk = city.users["clerk"]
    response = post_change(
        admin_client, clerk, unit=city.education.pk, groups=[group.pk], audit_reason="调岗到教育局"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rec = only_record(action="user.roles")
    assert rec.old == {"unit": city.housing.pk, "groups": []}
    assert rec.new == {"unit": city.education.pk, "groups": [group.pk]}


def test_a_name_change_of_a_user_is_a_plain_user_change(admin_client, city) -> None:
    response = post_change(
        admin_client, city.users["agent"], display_name="王话务员", audit_reason="更正姓名"
    )
    assert response.status_code == 302
    rec = only_record(action="user.change")
    assert rec.new == {"display_name": "王话务员"}


def test_a_password_set_by_an_administrator_is_recorded_without_the_password(admin_client, city) -> None:
    agent = city.users["agent"]
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    new_password = "Zx-new-pass-2025!"
    response = admin_client.post(
        url, {"password1": new_password, "password2": new_password, "usable_password": "true"}
    )
    assert response.status_code == 302
    rec = only_record(action="user.password")
    assert rec.target_id == str(agent.pk)
    agent.refresh_from_db()
    for value in (rec.old, rec.new, rec.reason, rec.target_repr):
        assert new_password not in str(value)
        assert agent.password not in str(value)


def test_a_group_permission_change_is_audited(admin_client, city) -> None:
    group = Group.objects.create(name="值班长")
    perm = Permission.objects.get(codename="view_case")
    response = post_change(admin_client, group, permissions=[perm.pk], audit_reason="值班长可查看工单")
    assert response.status_code == 302, response.context["adminform"].form.errors
    rec = only_record(action="group.change")
    assert rec.new == {"permissions": [perm.pk]}


def test_a_unit_change_is_audited(admin_client, city) -> None:
    response = post_change(admin_client, city.housing, phone="0724-4221234", audit_reason="更新值班电话")
    assert response.status_code == 302, response.context["adminform"].form.errors
    rec = only_record(action="unit.change", target_type="org.unit")
    assert rec.old == {"phone": ""}
    assert rec.new == {"phone": "0724-4221234"}


# Dispatch rules are versioned (a catalogue draft, rules edited inline, then published): their
# audited edit through the catalogue's admin is triage/tests/test_catalogue.py's admin test.


def test_a_calendar_day_change_is_audited(admin_client, city) -> None:
    day = CalendarDay.objects.get(date=dt.date(2025, 9, 28))  # 国庆调休: a working Sunday
    assert day.is_workday
    response = post_change(
        admin_client, day, is_workday=False, name="调休取消", audit_reason="国务院办公厅通知更正"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rec = only_record(action="calendar.change")
    assert rec.target_id == "2025-09-28"
    assert rec.old["is_workday"] is True
    assert rec.new["is_workday"] is False
    assert rec.new["source"] == "admin"


def test_adding_needs_no_reason_and_records_the_new_values(admin_client, city) -> None:
    url = reverse("admin:org_unit_add")
    response = admin_client.post(
        url,
        {"code": "D-MZJ", "name": "钟祥市民政局", "kind": "department", "sort_order": "0", "is_active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(code="D-MZJ")
    rec = only_record(action="unit.add")
    assert rec.old == {}
    assert rec.new["name"] == "钟祥市民政局"
    assert rec.target_id == str(unit.pk)


def test_deleting_is_audited_with_the_old_values(admin_client, city, clock) -> None:
    draft = new_draft(DispatchCatalogue, actor=city.users["admin"], valid_from=timezone.now(), note="试拟")
    url = reverse("admin:triage_dispatchcatalogue_delete", args=[draft.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not DispatchCatalogue.objects.filter(pk=draft.pk).exists()
    rec = only_record(action="setting.delete")
    assert rec.old["note"] == "试拟"
    assert rec.new == {}


def test_every_settings_admin_is_audited() -> None:
    from django.contrib import admin
    from django.contrib.auth.models import Group

    from accounts.audit.audited_admin import AuditedAdmin

    for model in (Category, LimitVersion, DispatchCatalogue, Unit, User, Group, CalendarDay):
        assert isinstance(admin.site._registry[model], AuditedAdmin), model


class _ChildUnits:
    """A stand-in for an inline formset of sub-units (the admin's save_related only needs these)."""

    model = Unit
    fk = Unit._meta.get_field("parent")

    def __init__(self, change) -> None:
        self.change = change

    def save(self) -> None:
        self.change()


class _Form:
    def __init__(self, instance) -> None:
        self.instance = instance
        self.fields = {"audit_reason": None}
        self.cleaned_data = {"audit_reason": "街道下设社区调整"}

    def save_m2m(self) -> None:
        pass


def test_inline_rows_are_part_of_old_and_new(city) -> None:
    """A version edited with its rows inline (its limits) records the rows that changed."""
    from django.contrib import admin
    from django.test import RequestFactory

    from accounts.audit.audited_admin import AuditedAdmin

    community = Unit.objects.create(code="C-001", name="莫愁湖社区", kind="village", parent=city.township)
    Unit.objects.create(code="C-002", name="王府社区", kind="village", parent=city.township)

    class TownshipAdmin(AuditedAdmin):
        audit_action = "unit"

    model_admin = TownshipAdmin(Unit, admin.AdminSite())
    request = RequestFactory().post("/")
    request.user = city.users["admin"]
    township = Unit.objects.get(pk=city.township.pk)
    model_admin.save_model(request, township, None, change=True)

    def rename() -> None:
        Unit.objects.filter(pk=community.pk).update(name="莫愁湖社区居委会")

    model_admin.save_related(request, _Form(township), [_ChildUnits(rename)], change=True)
    rec = only_record(action="unit.change")
    key = f"unit#{community.pk}"
    assert list(rec.old) == [key]
    assert rec.old[key]["name"] == "莫愁湖社区"
    assert rec.new[key]["name"] == "莫愁湖社区居委会"
    assert "parent" not in rec.new[key]
    assert rec.reason == "街道下设社区调整"

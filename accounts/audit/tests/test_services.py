"""record(), snapshot() and changes()."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.audit.models import AuditRecord
from accounts.audit.services import changes, record, snapshot
from loop.versions import new_draft
from triage.models import DispatchCatalogue, DispatchRule

pytestmark = pytest.mark.django_db


def test_record_fills_the_target_the_actor_and_the_address(city) -> None:
    admin = city.users["admin"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    rec = record(
        actor=admin,
        action="setting.change",
        target=city.category,
        old={"handle_days": 5},
        new={"handle_days": 3},
        reason="  市政府要求提速  ",
        request=request,
    )
    rec = AuditRecord.objects.get(pk=rec.pk)
    assert rec.actor == admin
    assert rec.actor_name == "郑管理 (admin)"
    assert rec.ip == "10.1.2.3"
    assert (rec.target_type, rec.target_id) == ("cases.category", str(city.category.pk))
    assert rec.target_repr == str(city.category)
    assert rec.reason == "市政府要求提速"
    assert (rec.old, rec.new) == ({"handle_days": 5}, {"handle_days": 3})


def test_the_actors_name_is_kept_when_the_user_is_renamed(city) -> None:
    admin = city.users["admin"]
    rec = record(actor=admin, action="login", target=admin)
    admin.display_name = "改名后"
    admin.save()
    assert AuditRecord.objects.get(pk=rec.pk).actor_name == "郑管理 (admin)"


def test_no_actor_is_the_system(city) -> None:
    rec = record(actor=None, action="calendar.change", target_type="worktime.calendarday", target_id="x")
    assert rec.actor is None
    assert rec.actor_name == ""


def test_snapshot_is_json_safe(city) -> None:
    draft = new_draft(DispatchCatalogue, actor=None, valid_from=timezone.now())
    rule = DispatchRule.objects.create(
        version=draft, category=city.category, township=city.township, lead_unit=city.housing
    )
    rule.co_units.set([city.education, city.centre])
    values = snapshot(rule, ["category", "lead_unit", "is_active", "co_units"])
    assert values == {
        "category": city.category.pk,
        "lead_unit": city.housing.pk,
        "is_active": True,
        "co_units": sorted([city.education.pk, city.centre.pk]),
    }
    json.dumps(values)  # storable as it is
    everything = snapshot(city.users["admin"])
    assert "password" not in everything
    assert everything["unit"] == city.centre.pk
    assert isinstance(everything["date_joined"], str)
    dt.datetime.fromisoformat(everything["date_joined"])


def test_snapshot_of_decimals_and_dates() -> None:
    from decimal import Decimal

    from worktime.models import CalendarDay

    day = CalendarDay(date=dt.date(2025, 10, 1), is_workday=False, name="国庆节")
    assert snapshot(day, ["date", "is_workday", "name"]) == {
        "date": "2025-10-01",
        "is_workday": False,
        "name": "国庆节",
    }
    from accounts.audit.services import _jsonable

    assert _jsonable(Decimal("1.50")) == "1.50"


def test_changes_keeps_only_what_changed() -> None:
    old = {"a": 1, "b": 2, "c": None, "gone": 1}
    new = {"a": 1, "b": 3, "c": None, "added": 0}
    assert changes(old, new) == ({"b": 2, "gone": 1}, {"b": 3, "added": 0})
    assert changes(old, old) == ({}, {})

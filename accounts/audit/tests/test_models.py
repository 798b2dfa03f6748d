"""Audit records are append-only: neither the model nor its queryset changes or deletes one."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.audit.models import AppendOnlyError, AuditRecord
from accounts.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def rec(city) -> AuditRecord:
    return record(actor=city.users["admin"], action="setting.change", target=city.category, reason="测试")


def test_a_saved_record_cannot_be_saved_again(rec: AuditRecord) -> None:
    rec.reason = "改过的原因"
    with pytest.raises(AppendOnlyError):
        rec.save()
    assert AuditRecord.objects.get(pk=rec.pk).reason == "测试"


def test_a_record_cannot_be_deleted(rec: AuditRecord) -> None:
    with pytest.raises(AppendOnlyError):
        rec.delete()
    assert AuditRecord.objects.filter(pk=rec.pk).exists()


def test_the_queryset_refuses_update_delete_and_bulk_update(rec: AuditRecord) -> None:
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_update([rec], ["reason"])
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.update_or_create(pk=rec.pk, defaults={"reason": "x"})
    assert AuditRecord.objects.get(pk=rec.pk).reason == "测试"


def test_a_new_instance_with_an_existing_pk_inserts_and_fails(rec: AuditRecord) -> None:
    # A plain save with a pk would UPDATE the existing row; the model always inserts.
    forged = AuditRecord(pk=rec.pk, action="login", reason="伪造")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AuditRecord.objects.get(pk=rec.pk).reason == "测试"


def test_the_admin_shows_records_read_only() -> None:
    from django.contrib import admin

    from mochou.admin import ReadOnlyAdmin

    assert isinstance(admin.site._registry[AuditRecord], ReadOnlyAdmin)

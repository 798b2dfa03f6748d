"""The audit log in the admin: read-only, like every log the domain writes."""

from __future__ import annotations

from django.contrib import admin

from accounts.audit.models import AuditRecord
from mochou.admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "target_type", "target_repr", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor_name", "target_repr", "reason")
    date_hierarchy = "at"

from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from org.models import Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    audit_action = "unit"
    list_display = ("name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "short_name")
    autocomplete_fields = ("parent",)

"""Admin: categories, and their time limits as versions (drafted, published, then read-only);
cases are read-only (the loop writes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from cases.models import Case, CaseEvent, Category, CategoryLimit, LimitVersion
from loop.admin import DraftOnlyInline, SettingsVersionAdmin
from mochou.admin import ReadOnlyAdmin

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _EventInline = admin.TabularInline[CaseEvent, Case]
else:
    _EventInline = admin.TabularInline


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    # Time limits are settings: every change, inline ones included, is audited with a reason.
    audit_action = "setting"
    list_display = ("path", "level", "default_unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("path",)
    autocomplete_fields = ("parent", "default_unit")


class CategoryLimitInline(DraftOnlyInline):
    model = CategoryLimit
    fields = ("category", "accept_hours", "handle_days", "urgent_accept_hours", "urgent_handle_days")
    autocomplete_fields = ("category",)


@admin.register(LimitVersion)
class LimitVersionAdmin(SettingsVersionAdmin):
    """时限版本: a draft's limits edited inline, published for its period (loop.admin)."""

    inlines = [CategoryLimitInline]


class EventInline(_EventInline):
    model = CaseEvent
    fields = ("seq", "created_at", "action", "from_state", "to_state", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "state", "lead_unit", "created_at")
    list_filter = ("state", "channel", "kind", "urgency")
    search_fields = ("number", "title")
    inlines = [EventInline]
    exclude = ("citizen_phone",)  # personal data is shown (and audited) on the case page only

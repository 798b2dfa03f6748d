"""Admin: categories and their limits are edited here; cases are read-only (the loop writes them)."""

from django.contrib import admin

from audit.audited_admin import AuditedAdmin
from cases.models import Case, CaseEvent, Category
from mochou.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    # Time limits are settings: every change, inline ones included, is audited with a reason.
    audit_action = "setting"
    list_display = ("path", "level", "default_unit", "accept_hours", "handle_days", "urgent_accept_hours",
                    "urgent_handle_days", "is_active")  # fmt: skip
    list_filter = ("level", "is_active")
    list_editable = ("accept_hours", "handle_days", "urgent_accept_hours", "urgent_handle_days")
    search_fields = ("path",)
    autocomplete_fields = ("parent", "default_unit")


class EventInline(admin.TabularInline):
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

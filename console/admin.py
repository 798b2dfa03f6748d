from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from console.models import AgentExtension, Call, IntakeAnswer


@admin.register(AgentExtension)
class AgentExtensionAdmin(AuditedAdmin):
    audit_action = "setting"  # which agent a call to an extension pops up for
    list_display = ("extension", "user")
    search_fields = ("extension", "user__username", "user__display_name")
    autocomplete_fields = ("user",)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("call_id", "state", "agent", "started_at", "answered_at", "ended_at", "case")
    list_filter = ("state",)
    search_fields = ("call_id",)
    # Calls are the switch's record: read them here, never edit them.
    readonly_fields = [f.name for f in Call._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(IntakeAnswer)
class IntakeAnswerAdmin(admin.ModelAdmin):
    list_display = ("case", "guide_id", "guide_title", "answered_by", "created_at")
    raw_id_fields = ("case", "call")

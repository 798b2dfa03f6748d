from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from mochou.admin import ReadOnlyAdmin
from open311.models import ApiKey, Open311Request


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdmin):
    """Keys are issued by `mochou open311-key`; here they can only be looked at and deactivated."""

    list_display = ["name", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    readonly_fields = ["name", "prefix", "digest", "created_at", "last_used_at"]
    audit_action = "setting"  # deactivating a key shuts a partner out

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyAdmin):
    """Written with its case by the Open311 POST; the admin only looks."""

    list_display = ["case", "api_key", "created_at"]

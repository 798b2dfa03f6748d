"""The admin of versioned settings (loop.versions), once for every kind: a draft is edited with
its entries inline and published for its period; a published version is read-only; "copy as a
new draft" starts the next one. A kind registers `SettingsVersionAdmin` with its entries' inline
made from `DraftOnlyInline`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.audited_admin import AuditedAdmin
from loop.versions import SettingsVersion, new_draft, publish
from mochou.errors import DomainError

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _Inline = admin.TabularInline[Any, Any]
else:
    _Inline = admin.TabularInline

VERSION_FIELDS = ("number", "status", "valid_from", "valid_to", "note", "published_by", "published_at")


class DraftOnlyInline(_Inline):
    """A version's entries: added, changed and deleted only while the version is a draft."""

    extra = 1

    def _draft(self, obj: SettingsVersion | None) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


def _tomorrow() -> Any:
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start_of_today + timedelta(days=1)


class SettingsVersionAdmin(AuditedAdmin):
    """Edit a draft, publish it for its period; a published version is read-only (and audited)."""

    audit_action = "setting"
    list_display = VERSION_FIELDS
    list_filter = ("status",)
    fields = VERSION_FIELDS
    readonly_fields = ("number", "status", "published_by", "published_at")
    actions = ["publish_versions", "copy_as_draft"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:  # numbered after the last version, like "新建版本"
            last = self.model._default_manager.aggregate(m=Max("number"))["m"] or 0
            obj.number, obj.created_by = last + 1, request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选草稿（发布后只读）", permissions=["change"])
    def publish_versions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for version in queryset.order_by("valid_from"):
            try:
                publish(version, actor=request.user, reason="管理后台发布")
            except DomainError as error:
                self.message_user(request, f"{version}：{error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{version}已发布，自{version.valid_from:%Y-%m-%d %H:%M}起生效。")

    @admin.action(description="复制为新版本草稿（次日零时生效，可修改）", permissions=["add"])
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for version in queryset:
            draft = new_draft(
                self.model,
                actor=request.user,
                valid_from=_tomorrow(),
                copy_from=version,
                note=f"复制自{version}",
            )
            self.message_user(request, f"已新建{draft}。")

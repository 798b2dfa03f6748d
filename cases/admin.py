"""Admin: categories, and their time limits as versions (drafted, published, then read-only);
cases are read-only (the loop writes them)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.audited_admin import AuditedAdmin
from cases.models import Case, CaseEvent, Category, CategoryLimit, LimitVersion
from loop.versions import new_draft, publish
from mochou.admin import ReadOnlyAdmin
from mochou.errors import DomainError

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _LimitInline = admin.TabularInline[CategoryLimit, LimitVersion]
    _EventInline = admin.TabularInline[CaseEvent, Case]
else:
    _LimitInline = _EventInline = admin.TabularInline


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    # Time limits are settings: every change, inline ones included, is audited with a reason.
    audit_action = "setting"
    list_display = ("path", "level", "default_unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("path",)
    autocomplete_fields = ("parent", "default_unit")


class CategoryLimitInline(_LimitInline):
    model = CategoryLimit
    fields = ("category", "accept_hours", "handle_days", "urgent_accept_hours", "urgent_handle_days")
    autocomplete_fields = ("category",)
    extra = 1

    def _draft(self, obj: LimitVersion | None) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(LimitVersion)
class LimitVersionAdmin(AuditedAdmin):
    """时限版本: edit a draft, publish it for its period; a published version is read-only."""

    audit_action = "setting"
    list_display = ("number", "status", "valid_from", "valid_to", "note", "published_by", "published_at")
    list_filter = ("status",)
    fields = ("number", "status", "valid_from", "valid_to", "note", "published_by", "published_at")
    readonly_fields = ("number", "status", "published_by", "published_at")
    inlines = [CategoryLimitInline]
    actions = ["publish_versions", "copy_as_draft"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:  # numbered after the last version, like "新建版本"
            last = LimitVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
            obj.number, obj.created_by = last + 1, request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选草稿（发布后只读）")
    def publish_versions(self, request: HttpRequest, queryset: QuerySet[LimitVersion]) -> None:
        for version in queryset.order_by("valid_from"):
            try:
                publish(version, actor=request.user, reason="管理后台发布")
            except DomainError as error:
                self.message_user(request, f"{version}：{error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{version}已发布，自{version.valid_from:%Y-%m-%d %H:%M}起生效。")

    @admin.action(description="复制为新版本草稿（次日零时生效，可修改）")
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[LimitVersion]) -> None:
        for version in queryset:
            tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
                days=1
            )
            draft = new_draft(
                LimitVersion,
                actor=request.user,
                valid_from=tomorrow,
                copy_from=version,
                note=f"复制自{version}",
            )
            self.message_user(request, f"已新建{draft}。")


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

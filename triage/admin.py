"""Admin: the dispatch catalogue as versions (drafted with their rules inline, published, then
read-only), suggestions (read-only: triage writes them) and the dispatchers' training examples."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.audited_admin import AuditedAdmin
from loop.versions import new_draft, publish
from mochou.admin import ReadOnlyAdmin
from mochou.errors import DomainError
from triage.models import DispatchCatalogue, DispatchRule, Suggestion, TrainingExample

# ModelAdmin and TabularInline are generic only in django-stubs; at run time they cannot be
# subscripted (no django_stubs_ext.monkeypatch() in the settings), so the parameterised bases are
# for mypy only.
if TYPE_CHECKING:
    _RuleInline = admin.TabularInline[DispatchRule, DispatchCatalogue]
    _ExampleAdmin = admin.ModelAdmin[TrainingExample]
else:
    _RuleInline = admin.TabularInline
    _ExampleAdmin = admin.ModelAdmin


class DispatchRuleInline(_RuleInline):
    model = DispatchRule
    fields = ("category", "township", "lead_unit", "co_units", "is_active", "note")
    autocomplete_fields = ("category", "township", "lead_unit", "co_units")
    extra = 1

    def _draft(self, obj: DispatchCatalogue | None) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(DispatchCatalogue)
class DispatchCatalogueAdmin(AuditedAdmin):
    """派单目录: edit a draft's rules, publish it for its period; a published version is read-only."""

    audit_action = "setting"
    list_display = ("number", "status", "valid_from", "valid_to", "note", "published_by", "published_at")
    list_filter = ("status",)
    fields = ("number", "status", "valid_from", "valid_to", "note", "published_by", "published_at")
    readonly_fields = ("number", "status", "published_by", "published_at")
    inlines = [DispatchRuleInline]
    actions = ["publish_versions", "copy_as_draft"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:  # numbered after the last version, like "新建版本"
            last = DispatchCatalogue.objects.order_by("-number").values_list("number", flat=True).first()
            obj.number, obj.created_by = (last or 0) + 1, request.user
        super().save_model(request, obj, form, change)

    def _inline_snapshots(self, obj: Any, formsets: Any) -> dict[str, Any]:
        # A rule's co-handlers are a many-to-many field, which the rows' snapshots leave out.
        values = super()._inline_snapshots(obj, formsets)
        through = DispatchRule.co_units.through
        co: dict[int, list[int]] = {}
        for rule_id, unit_id in through.objects.filter(dispatchrule__version=obj).values_list(
            "dispatchrule_id", "unit_id"
        ):
            co.setdefault(rule_id, []).append(unit_id)
        for key, row in values.items():
            model, _, pk = key.partition("#")
            if model == DispatchRule._meta.model_name:
                row["co_units"] = sorted(co.get(int(pk), []))
        return values

    @admin.action(description="发布所选草稿（发布后只读）")
    def publish_versions(self, request: HttpRequest, queryset: QuerySet[DispatchCatalogue]) -> None:
        for version in queryset.order_by("valid_from"):
            try:
                publish(version, actor=request.user, reason="管理后台发布")
            except DomainError as error:
                self.message_user(request, f"{version}：{error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{version}已发布，自{version.valid_from:%Y-%m-%d %H:%M}起生效。")

    @admin.action(description="复制为新版本草稿（次日零时生效，可修改）")
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[DispatchCatalogue]) -> None:
        for version in queryset:
            tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
                days=1
            )
            draft = new_draft(
                DispatchCatalogue,
                actor=request.user,
                valid_from=tomorrow,
                copy_from=version,
                note=f"复制自{version}",
            )
            self.message_user(request, f"已新建{draft}。")


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "category_label",
        "confidence",
        "lead_unit",
        "catalogue",
        "urgent",
        "auto_dispatched",
        "latency_ms",
    )
    list_filter = ("auto_dispatched", "urgent", "category_label")


@admin.register(TrainingExample)
class TrainingExampleAdmin(_ExampleAdmin):
    list_display = ("case", "label", "suggested_label", "is_correction", "created_by", "created_at")
    list_filter = ("is_correction", "label")

from typing import TYPE_CHECKING

from django.contrib import admin

from audit.audited_admin import AuditedAdmin
from mochou.admin import ReadOnlyAdmin
from triage.models import DispatchRule, Suggestion, TrainingExample

# ModelAdmin is generic only in django-stubs; at run time it cannot be subscripted (no
# django_stubs_ext.monkeypatch() in the settings), so the parameterised bases are for mypy only.
if TYPE_CHECKING:
    _RuleAdmin = admin.ModelAdmin[DispatchRule]
    _ExampleAdmin = admin.ModelAdmin[TrainingExample]
else:
    _RuleAdmin = _ExampleAdmin = admin.ModelAdmin


@admin.register(DispatchRule)
class DispatchRuleAdmin(AuditedAdmin, _RuleAdmin):
    audit_action = "rule"
    audit_m2m = ("co_units",)
    list_display = ("category", "township", "lead_unit", "is_active", "note")
    list_filter = ("is_active", "category__level")
    search_fields = ("category__path", "township__name", "lead_unit__name")
    autocomplete_fields = ("category", "township", "lead_unit", "co_units")


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "category_label",
        "confidence",
        "lead_unit",
        "urgent",
        "auto_dispatched",
        "latency_ms",
    )
    list_filter = ("auto_dispatched", "urgent", "category_label")


@admin.register(TrainingExample)
class TrainingExampleAdmin(_ExampleAdmin):
    list_display = ("case", "label", "suggested_label", "is_correction", "created_by", "created_at")
    list_filter = ("is_correction", "label")

from django.contrib import admin

from mochou.admin import ReadOnlyAdmin
from triage.models import DispatchRule, Suggestion, TrainingExample


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
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
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ("case", "label", "suggested_label", "is_correction", "created_by", "created_at")
    list_filter = ("is_correction", "label")

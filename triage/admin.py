"""Admin: the dispatch catalogue as versions (drafted with their rules inline, published, then
read-only), suggestions (read-only: triage writes them) and the dispatchers' training examples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from loop.admin import DraftOnlyInline, SettingsVersionAdmin
from mochou.admin import ReadOnlyAdmin
from triage.models import DispatchCatalogue, DispatchRule, Suggestion, TrainingExample

# ModelAdmin and TabularInline are generic only in django-stubs; at run time they cannot be
# subscripted (no django_stubs_ext.monkeypatch() in the settings), so the parameterised bases are
# for mypy only.
if TYPE_CHECKING:
    _ExampleAdmin = admin.ModelAdmin[TrainingExample]
else:
    _ExampleAdmin = admin.ModelAdmin


class DispatchRuleInline(DraftOnlyInline):
    model = DispatchRule
    fields = ("category", "township", "lead_unit", "co_units", "is_active", "note")
    autocomplete_fields = ("category", "township", "lead_unit", "co_units")


@admin.register(DispatchCatalogue)
class DispatchCatalogueAdmin(SettingsVersionAdmin):
    """派单目录: a draft's rules edited inline, published for its period (loop.admin)."""

    inlines = [DispatchRuleInline]

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

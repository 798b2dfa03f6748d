"""Admin: guides are read and corrected here, but their status moves only through the review flow
(knowledge/services.py), so it is read-only; revisions are an append-only log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from knowledge.models import Guide, GuideRevision
from mochou.admin import ReadOnlyAdmin


class RevisionInline(admin.TabularInline):
    model = GuideRevision
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "unit", "status", "audience", "updated_at")
    list_filter = ("status", "audience", "unit")
    search_fields = ("title", "aliases", "slug")
    readonly_fields = (
        "status",
        "draft_of",
        "author",
        "editor",
        "reviewer",
        "reviewed_at",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("unit",)
    inlines = [RevisionInline]


@admin.register(GuideRevision)
class GuideRevisionAdmin(ReadOnlyAdmin):
    list_display = ("guide", "action", "actor", "created_at")
    list_filter = ("action",)

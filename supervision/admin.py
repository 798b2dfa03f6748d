"""The 督办单 in the admin: read-only, since every change is a verb with its event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from mochou.admin import ReadOnlyAdmin
from supervision.models import Notice, NoticeEvent

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _EventInline = admin.TabularInline[NoticeEvent, Notice]
else:
    _EventInline = admin.TabularInline


class NoticeEventInline(_EventInline):
    model = NoticeEvent
    fields = ("seq", "created_at", "action", "from_state", "to_state", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "colour", "state", "case", "unit", "respond_by", "approved_at")
    list_filter = ("state", "colour")
    search_fields = ("number", "case__number")
    inlines = [NoticeEventInline]

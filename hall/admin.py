"""The admin of the hall's configuration (audited): windows, queues and their appointment slots.
Tickets and appointments are the verbs' (hall/services), never edited here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from hall.models import Queue, Slot, Window

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _SlotInline = admin.TabularInline[Slot, Queue]
else:
    _SlotInline = admin.TabularInline


@admin.register(Window)
class WindowAdmin(AuditedAdmin):
    audit_action = "hall.window"
    audit_m2m = ("matters", "departments", "clerks")
    list_display = ("number", "name", "comprehensive", "is_open", "order")
    list_filter = ("comprehensive", "is_open")
    list_editable = ("is_open",)
    search_fields = ("number", "name")
    filter_horizontal = ("matters", "departments", "clerks")


class SlotInline(_SlotInline):
    model = Slot
    extra = 1
    fields = ("start", "end", "capacity")


@admin.register(Queue)
class QueueAdmin(AuditedAdmin):
    audit_action = "hall.queue"
    audit_m2m = ("matters", "departments")
    list_display = ("letter", "name", "is_default")
    search_fields = ("letter", "name")
    filter_horizontal = ("matters", "departments")
    inlines = [SlotInline]


@admin.register(Slot)
class SlotAdmin(AuditedAdmin):
    audit_action = "hall.slot"
    list_display = ("queue", "start", "end", "capacity")
    list_filter = ("queue",)

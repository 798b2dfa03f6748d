"""The admin shows the market's records read-only: every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from mochou.admin import ReadOnlyAdmin

from .models import Agency, Need


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "checked_at", "is_active")
    search_fields = ("name", "credit_code")


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("project", "service_type", "state", "respond_by", "delivered_on", "on_time", "rating")
    list_filter = ("state", "service_type")

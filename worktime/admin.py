"""Admin for the working-day calendar: where holidays and 调休 are corrected by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.audit.audited_admin import AuditedAdmin
from worktime.models import CalendarDay, CalendarSource

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class YearFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> QuerySet[CalendarDay]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    audit_action = "calendar"
    list_display = ("date", "weekday", "is_workday", "name", "source", "updated_at")
    list_editable = ("is_workday", "name")
    list_filter = (YearFilter, "is_workday", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source", "updated_at")
    list_per_page = 62  # two months at a glance

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS[obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> tuple[str, ...]:
        # The date is the key: an existing day may change its kind, never its date.
        if obj is not None:
            return (*self.readonly_fields, "date")
        return self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: ModelForm[CalendarDay], change: bool
    ) -> None:
        # A hand-edited day is the admin's decision; re-seeding must not overwrite it.
        obj.source = CalendarSource.ADMIN
        super().save_model(request, obj, form, change)

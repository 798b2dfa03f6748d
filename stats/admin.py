"""考核方案 in the admin: a draft version's schemes edited inline, published for a period, with
the history of versions (loop.admin); the fact tables are a cache and are not edited."""

from __future__ import annotations

from django.contrib import admin

from loop.admin import DraftOnlyInline, SettingsVersionAdmin
from stats.models import Scheme, SchemeVersion


class SchemeInline(DraftOnlyInline):
    model = Scheme
    extra = 0
    fields = ("code", "name", "is_default", "sort_order", "definition", "provenance")


@admin.register(SchemeVersion)
class SchemeVersionAdmin(SettingsVersionAdmin):
    """考核方案版本: edit a draft's schemes (weights, breaks, groups, grades, boards), then publish."""

    inlines = [SchemeInline]

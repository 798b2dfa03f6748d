"""Django admin: enterprises and their liaisons (saved through the service), contacts, appeals, visits."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User
from enterprises import services
from enterprises.forms import EnterpriseForm
from enterprises.models import (
    Appeal,
    ContactDataView,
    Enterprise,
    EnterpriseContact,
    SquadMember,
    SquadVisit,
    Visit,
)
from mochou.admin import ReadOnlyAdmin


class ContactInline(admin.TabularInline):
    model = EnterpriseContact
    extra = 0
    fields = ("name", "mobile", "is_active", "token_issued_at", "token_expires_at")
    readonly_fields = ("token_issued_at", "token_expires_at")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "township", "park", "industry", "liaison", "is_active")
    list_filter = ("is_active", "township", "park")
    search_fields = ("name", "credit_code")
    form = EnterpriseForm  # the same field checks and Chinese messages as the 店小二 pages
    inlines = (ContactInline,)

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        # The same rules and the same notice to a new liaison as the 店小二 pages.
        # The admin site lets only signed-in staff this far.
        services.save_enterprise(obj, actor=cast(User, request.user))


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """Read-only: an appeal is created by submit_appeal together with its case."""

    list_display = ("case", "enterprise", "contact", "created_at")
    search_fields = ("case__number", "enterprise__name")
    list_select_related = ("case", "enterprise", "contact")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "date", "purpose", "liaison")
    list_filter = ("date",)
    search_fields = ("enterprise__name", "purpose")


@admin.register(ContactDataView)
class ContactDataViewAdmin(ReadOnlyAdmin):
    list_display = ("viewed_at", "user", "contact", "purpose", "ip")


@admin.register(SquadMember)
class SquadMemberAdmin(admin.ModelAdmin):
    """莫愁小分队's members and its leader: configuration, edited here."""

    list_display = ("user", "is_leader", "is_active")
    list_filter = ("is_leader", "is_active")
    raw_id_fields = ("user",)


@admin.register(SquadVisit)
class SquadVisitAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "origin", "wished_date", "scheduled_date", "state", "rating")
    list_filter = ("state", "origin")

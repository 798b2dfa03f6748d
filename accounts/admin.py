from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, PersonalDataView, User
from mochou.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "display_name", "unit__name")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),  # a tuple; the stubs allow None
        ("莫愁", {"fields": ("display_name", "role", "unit", "mobile")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at")
    readonly_fields = ("user", "digest", "prefix", "created_at", "last_used_at")


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    """The audit is read-only: nobody edits or deletes who looked at what."""

    list_display = ("viewed_at", "user", "case", "fields", "purpose", "ip")
    list_filter = ("purpose",)
    search_fields = ("user__username", "case__number")

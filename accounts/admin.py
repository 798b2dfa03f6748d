from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from accounts.audit import admin as audit_admin  # noqa: F401  # registers the audit log's read-only admin
from accounts.audit.audited_admin import AuditedAdmin
from accounts.audit.services import record
from accounts.models import ApiToken, PersonalDataView, User
from mochou.admin import ReadOnlyAdmin

# What decides what a user may see and do: a change to any of them is recorded as "user.roles".
PRIVILEGE_FIELDS = frozenset(
    {"role", "unit", "is_staff", "is_superuser", "is_active", "groups", "user_permissions"}
)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "display_name", "unit__name")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),  # a tuple; the stubs allow None
        ("莫愁", {"fields": ("display_name", "role", "unit", "mobile", "must_change_password")}),
    )
    audit_action = "user"
    audit_m2m = ("groups", "user_permissions")

    def audit_action_for(self, verb: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        if verb == "change" and PRIVILEGE_FIELDS & {*old, *new}:
            return "user.roles"
        return super().audit_action_for(verb, old, new)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # A password set by an administrator is audited (that it happened, never the password).
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                record(actor=request.user, action="user.password", target=user, request=request)
                # A password somebody else chose is known to them: the user must replace it.
                if user.pk != getattr(request.user, "pk", None):
                    User.objects.filter(pk=user.pk).update(must_change_password=True)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """Django's permission groups: a change to a group's permissions changes its members' rights."""

    audit_action = "group"
    audit_m2m = ("permissions",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at")
    readonly_fields = ("user", "digest", "prefix", "created_at", "last_used_at")
    audit_action = "token"  # deleting a token revokes it


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    """The audit is read-only: nobody edits or deletes who looked at what."""

    list_display = ("viewed_at", "user", "case", "fields", "purpose", "ip")
    list_filter = ("purpose",)
    search_fields = ("user__username", "case__number")

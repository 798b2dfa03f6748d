"""The admin of 一网通办's configuration: the 跨域通办 partners and the 一件事 packages are set up
here (audited); the catalogue is only read here, since its department edit and office review
(affairs/catalogue.py, /affairs/matters/) are the one way a matter changes."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts.audit.audited_admin import AuditedAdmin
from affairs.formfields import union_fields
from affairs.models import Bundle, BundlePart, Matter, Partner
from mochou.admin import ReadOnlyAdmin
from mochou.errors import DomainError

# TabularInline is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _PartInline = admin.TabularInline[BundlePart, Bundle]
    _PartnerForm = forms.ModelForm[Partner]
else:
    _PartInline = admin.TabularInline
    _PartnerForm = forms.ModelForm


class PartnerForm(_PartnerForm):
    """The shared key is written, never shown back: the field starts empty, an empty field keeps
    the key as it is, 清除密钥 removes it (the partner is then sent nothing)."""

    key = forms.CharField(
        label="共享密钥",
        required=False,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="双方约定，用于签名。不回显：留空则保持原密钥。",
    )
    clear_key = forms.BooleanField(label="清除密钥（不再通办）", required=False)
    # Declared here, not generated from the model: the generated field would be built without
    # assume_scheme at import (Django 5.x warns); an address typed without a scheme is HTTPS.
    base_url = forms.URLField(
        label="接口地址",
        max_length=200,
        assume_scheme="https",
        help_text="对方莫愁的地址，如 https://zw.jingshan.gov.cn",
    )

    class Meta:
        model = Partner
        fields = ("code", "name", "kind", "base_url", "key", "clear_key", "matters", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["key"] = ""  # never rendered back, not even into the form's initial data
        self._old_key = self.instance.key if self.instance.pk else ""

    def clean_key(self) -> str:
        key = str(self.cleaned_data.get("key") or "")
        if key and len(key) < 32:
            raise forms.ValidationError("共享密钥至少 32 个字符。")
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("clear_key"):
            data["key"] = ""
        elif not data.get("key"):
            data["key"] = self._old_key
        return data


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    audit_action = "affairs.partner"
    form = PartnerForm
    list_display = ("code", "name", "kind", "base_url", "has_key", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")

    @admin.display(boolean=True, description="已设密钥")
    def has_key(self, obj: Partner) -> bool:
        return bool(obj.key)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(PartnerForm.Meta.fields)

    def audit_snapshot(self, obj: Any) -> dict[str, Any]:
        # The audit log shows that the key was set or changed (a short fingerprint of a key of 32
        # characters or more), never the key itself.
        values = super().audit_snapshot(obj)
        key = str(values.pop("key", "") or "")
        values["key_fingerprint"] = hashlib.sha256(key.encode()).hexdigest()[:8] if key else ""
        return values


class BundlePartFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """A package's parts must agree on their form fields: one key, one question (the catalogue's
    review checks the same when a part's matter is published: affairs.catalogue.bundle_conflicts)."""

    def clean(self) -> None:
        super().clean()
        matters = [
            f.cleaned_data["matter"]
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and f.cleaned_data.get("matter")
            and not f.cleaned_data.get("DELETE")
        ]
        try:
            union_fields((m.name, m.fields) for m in matters)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


class BundlePartInline(_PartInline):
    model = BundlePart
    formset = BundlePartFormSet
    extra = 1
    fields = ("matter", "stage")
    autocomplete_fields = ("matter",)


@admin.register(Bundle)
class BundleAdmin(AuditedAdmin):
    audit_action = "affairs.bundle"
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    inlines = [BundlePartInline]


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    """Read only: a matter is edited by its department and published by the office's review."""

    list_display = ("code", "name", "department", "kind", "status", "updated_at", "review_page")
    list_filter = ("status", "kind", "category")
    search_fields = ("code", "name")

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        # The 一件事 parts' autocomplete offers the live matters only (no drafts of revisions).
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "bundlepart":
            queryset = queryset.filter(draft_of__isnull=True)
        return queryset, distinct

    @admin.display(description="事项清单")
    def review_page(self, obj: Matter) -> str:
        return format_html('<a href="{}">编辑与审核</a>', reverse("affairs:matter", args=[obj.pk]))

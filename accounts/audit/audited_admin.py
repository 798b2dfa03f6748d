"""`AuditedAdmin`: a ModelAdmin whose saves and deletes are written to the audit log.

The old values are read from the database in `save_model` (the form has already changed the
instance by then), the new ones after `save_related` (many-to-many fields are saved there), and
the record is written in the admin's own transaction: a change is never committed without it.
The change form asks for a reason (修改原因), required when an existing object is changed; the
change list's inline edits (`list_editable`) ask for one reason for the whole save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect

from accounts.audit.services import changes, record, snapshot

REASON_FIELD = "audit_reason"
REASON_LABEL = "修改原因"
_OLD_ATTR = "_audit_old"

# ModelAdmin is generic only in django-stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class AuditedAdmin(_ModelAdmin):
    """Mix in before the admin's own base: `class CategoryAdmin(AuditedAdmin)`,
    `class UserAdmin(AuditedAdmin, BaseUserAdmin)`."""

    # Records are "<audit_action>.add", ".change", ".delete".
    audit_action: ClassVar[str] = "setting"
    # Many-to-many fields to include in the snapshots (each costs a query).
    audit_m2m: ClassVar[Sequence[str]] = ()
    change_list_template = "audit/admin/change_list.html"

    # ------------------------------------------------------------------ the reason field

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        # Admins without fieldsets get the field from the form (get_fields); others need it added.
        if REASON_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets.append((REASON_LABEL, {"fields": [REASON_FIELD]}))
        return fieldsets

    def get_form(
        self, request: Any, obj: models.Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        # The model form is built without the reason (it is no model field), then extended by it.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        reason = forms.CharField(
            label=REASON_LABEL,
            required=obj is not None,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="将与修改前后的值一起记入审计日志。" if obj is not None else "可不填。",
        )
        return type(form.__name__, (form,), {REASON_FIELD: reason})

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Inline edits are saved only with a reason; without one nothing is saved.
        if (
            request.method == "POST"
            and "_save" in request.POST
            and self.list_editable
            and not request.POST.get(REASON_FIELD, "").strip()
        ):
            self.message_user(request, f"请填写{REASON_LABEL}后再保存，本次修改未保存。", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    # ------------------------------------------------------------------ saving and deleting

    def audit_snapshot(self, obj: models.Model) -> dict[str, Any]:
        return {**snapshot(obj), **snapshot(obj, self.audit_m2m)}

    def audit_action_for(self, verb: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        """The action code of one record; an admin may name some changes more precisely."""
        return f"{self.audit_action}.{verb}"

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            before = type(obj)._base_manager.filter(pk=obj.pk).first()
        setattr(obj, _OLD_ATTR, self.audit_snapshot(before) if before is not None else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        old_values: dict[str, Any] | None = getattr(obj, _OLD_ATTR, None)
        if old_values is not None:  # the inlines' rows are still as they were in the database
            old_values = {**old_values, **self._inline_snapshots(obj, formsets)}
        super().save_related(request, form, formsets, change)
        new_values = {**self.audit_snapshot(obj), **self._inline_snapshots(obj, formsets)}
        old: dict[str, Any]
        if old_values is None:
            verb, old, new = "add", {}, new_values
        else:
            verb = "change"
            old, new = changes(old_values, new_values)
            if not old and not new:
                return  # saved without a change: nothing to audit
        if REASON_FIELD in form.fields:
            reason = form.cleaned_data.get(REASON_FIELD, "")
        else:  # a row of the change list: the one reason given for the whole save
            reason = request.POST.get(REASON_FIELD, "")
        record(
            actor=request.user,
            action=self.audit_action_for(verb, old, new),
            target=obj,
            old=old,
            new=new,
            reason=reason,
            request=request,
        )

    def _inline_snapshots(self, obj: models.Model, formsets: Any) -> dict[str, Any]:
        """The rows of the inlines (e.g. a version's limits), one key per row: "model#pk"."""
        values: dict[str, Any] = {}
        for formset in formsets or ():
            fk = getattr(formset, "fk", None)
            if fk is None:  # not a foreign-key inline
                continue
            model = formset.model
            for row in model._base_manager.filter(**{fk.name: obj}).order_by("pk"):
                row_values = snapshot(row)
                row_values.pop(fk.name, None)
                values[f"{model._meta.model_name}#{row.pk}"] = row_values
        return values

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: QuerySet[Any]) -> None:
        # The bulk action runs outside the admin's transactions: this one keeps records and rows together.
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _record_delete(self, request: HttpRequest, obj: models.Model) -> None:
        old = self.audit_snapshot(obj)
        record(
            actor=request.user,
            action=self.audit_action_for("delete", old, {}),
            target=obj,
            old=old,
            request=request,
        )

"""The auditor's filters, shared by the list page and the export."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.audit.actions import ACTIONS
from accounts.audit.models import AuditRecord

# Targets written by something other than an audited admin (the case loop, the logins).
OTHER_TARGETS = ("cases.case", "accounts.user")


def target_type_choices() -> list[tuple[str, str]]:
    """Every model an audited admin edits, plus the loop's and the logins' targets, by label.
    From the code, not from the table: no scan of the whole log to fill a drop-down."""
    from accounts.audit.audited_admin import AuditedAdmin

    labels = {m._meta.label_lower for m, a in admin.site._registry.items() if isinstance(a, AuditedAdmin)}
    labels.update(label for label in OTHER_TARGETS if model_of(label) is not None)
    return sorted(((label, target_type_label(label)) for label in labels), key=lambda c: c[1])


def target_type_label(label: str) -> str:
    model = model_of(label)
    return str(model._meta.verbose_name) if model is not None else label


def model_of(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label="日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(label="操作", required=False)
    actor = forms.CharField(
        label="操作人",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "姓名或用户名"}),
    )
    target_type = forms.ChoiceField(label="对象类型", required=False)
    q = forms.CharField(
        label="查找",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "对象名称或修改原因中的文字"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        action_field.choices = [("", "全部操作"), *ACTIONS.items()]
        type_field = self.fields["target_type"]
        assert isinstance(type_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        type_field.choices = [("", "全部类型"), *target_type_choices()]

    def apply(self, records: QuerySet[AuditRecord]) -> QuerySet[AuditRecord]:
        # An invalid filter (a bad date, a NUL byte) shows its error and no rows: never "everything".
        if not self.is_valid():
            return records.none()
        data = self.cleaned_data
        if data.get("date_from"):
            records = records.filter(at__gte=_local_midnight(data["date_from"]))
        if data.get("date_to"):
            records = records.filter(at__lt=_local_midnight(data["date_to"] + timedelta(days=1)))
        if data.get("action"):
            records = records.filter(action=data["action"])
        if actor := (data.get("actor") or "").strip():
            records = records.filter(actor_name__icontains=actor)
        if data.get("target_type"):
            records = records.filter(target_type=data["target_type"])
        if q := (data.get("q") or "").strip():
            records = records.filter(Q(target_repr__icontains=q) | Q(reason__icontains=q))
        return records

    def describe(self) -> dict[str, str]:
        """The filters in force, for the export's record of what was exported."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}

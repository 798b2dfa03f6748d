"""Forms of the centre's dispatch-catalogue pages."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models import Category
from org.models import Unit
from triage.models import DispatchRule


class EntryForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: ModelForm is generic only in stubs
    """One entry of a draft. The category is typed as its path (a datalist offers the tree), so
    the form is not a flat list of 500 options."""

    category_path = forms.CharField(label="事项分类（完整路径）", max_length=200)
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label="修改说明", max_length=200, required=False)

    class Meta:
        model = DispatchRule
        fields = ("township", "keywords", "hours_from", "hours_to", "lead_unit", "basis", "note", "is_active")
        widgets = {
            "hours_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "hours_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = Unit.objects.handlers().order_by("kind", "sort_order", "code")
        self.fields["lead_unit"].queryset = handlers  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = handlers  # type: ignore[attr-defined]
        self.fields["township"].queryset = Unit.objects.townships()  # type: ignore[attr-defined]
        self.fields["note"].label = "事项名称"
        self.fields["note"].help_text = "派单员看到的简称，如“夜间建筑施工噪声”"
        if self.instance.pk:
            self.initial["category_path"] = self.instance.category.path
            self.initial["co_units"] = list(self.instance.co_units.all())

    def clean_category_path(self) -> Category:
        path = self.cleaned_data["category_path"].strip().strip("/")
        category = Category.objects.filter(path=path, is_active=True).first()
        if category is None:
            raise forms.ValidationError("没有这个启用中的事项分类，请从列表中选择完整路径。")
        return category

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("hours_from"), data.get("hours_to")
        if (start is None) != (end is None):
            raise forms.ValidationError("时段须同时填写起止时间，或都留空。")
        if start is not None and start == end:
            raise forms.ValidationError("时段的起止时间不能相同。")
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["category"] = data.pop("category_path")
        data["keywords"] = " ".join(data.get("keywords", "").split())
        return data


class DraftForm(forms.Form):
    valid_from = forms.DateTimeField(
        label="生效时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label="修订说明", max_length=200, required=False)


class PublishForm(forms.Form):
    valid_from = forms.DateTimeField(
        label="生效时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label="发布依据", max_length=200)

"""Forms of the templates' pages: the editor's form and the list's filter (the note is loop.review's)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cases.models import Category, Kind
from cases.workflow import State
from mochou.errors import DomainError
from replytemplates import placeholders
from replytemplates.models import ReplyTemplate, SmsName, TemplateKind, TemplateStatus


def _placeholder_help() -> str:
    reply = "、".join(f"{{{n}}}" for n in placeholders.CASE_FIELDS)
    sms = "；".join(
        f"{SmsName(name).label}另可用 " + "、".join(f"{{{f}}}" for f in fields)
        for name, fields in placeholders.SMS_FIELDS.items()
    )
    return f"可用占位符：{reply}。短信模板中，{sms}。如需原样显示花括号，请写成 {{{{ 或 }}}}。"


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path).replace("/", " / ")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["title", "kind", "category", "case_kind", "name", "case_state", "body"]
        field_classes = {"category": CategoryField}
        widgets = {
            "kind": forms.RadioSelect,
            "body": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast("forms.ModelChoiceField[Category]", self.fields["category"])
        category.queryset = Category.objects.filter(is_active=True).order_by("path")
        category.empty_label = "（所有分类）"
        self.fields["case_kind"].choices = [("", "（所有类型）"), *Kind.choices]  # type: ignore[attr-defined]
        self.fields["name"].choices = [("", "（请选择）"), *SmsName.choices]  # type: ignore[attr-defined]
        self.fields["name"].help_text = "仅短信模板：发布后替换系统默认的这条短信（短信签名由系统自动加上）"
        states = [
            State.REGISTERED,
            State.DISPATCHED,
            State.IN_PROGRESS,
            State.REPLIED,
            State.CLOSED,
            State.MERGED,
        ]
        self.fields["case_state"] = forms.ChoiceField(
            label="工单状态",
            required=False,
            choices=[("", "（任何状态）"), *((s.value, s.label) for s in states)],
            help_text="仅短信模板：只在工单处于此状态时使用",
        )
        self.fields["body"].help_text = _placeholder_help()
        self.fields["kind"].initial = TemplateKind.REPLY

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        # The service's own checks, here too, so the error sits under the field it is about.
        from replytemplates.services import clean_content

        try:
            data.update(clean_content(data))
        except DomainError as error:
            field = error.details.get("field")
            self.add_error(field if field in self.fields else None, error.message)
        return data


class FilterForm(forms.Form):
    label_suffix = ""  # a row of filters: the label sits on top, no colon
    q = forms.CharField(label="关键词", required=False, max_length=50)
    kind = forms.ChoiceField(label="用途", required=False, choices=[("", "全部用途"), *TemplateKind.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *TemplateStatus.choices]
    )
    category = forms.ModelChoiceField(
        label="事项分类", required=False, queryset=Category.objects.filter(level=1).order_by("path"),
        empty_label="全部分类",
    )  # fmt: skip

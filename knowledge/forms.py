"""Forms of the guide pages: the editor's form (the reviewer's note is loop.review.NoteForm)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms

from accounts.models import User
from knowledge.models import CONTENT_FIELDS, Guide
from knowledge.permissions import is_reviewer
from org.models import Unit, UnitKind

MAX_TEXT = 20_000  # a guide is read on a call: anything longer is a document, not an answer
MAX_ALIASES = 50


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = list(CONTENT_FIELDS)
        widgets = {
            "aliases": forms.Textarea(
                attrs={"rows": 4, "placeholder": "身份证丢了怎么补\n身份证过期了怎么换"}
            ),
            "body": forms.Textarea(attrs={"rows": 8}),
            "documents": forms.Textarea(attrs={"rows": 4, "placeholder": "每行一项"}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.active().filter(
            kind__in=[UnitKind.CENTRE, UnitKind.DEPARTMENT, UnitKind.TOWNSHIP, UnitKind.VILLAGE]
        )
        if not is_reviewer(user):
            # Unit staff write for their own unit only: the choice is shown but fixed.
            # (No unit, no choice: the filter on a null pk matched nothing either.)
            units = units.filter(pk=user.unit_id) if user.unit_id is not None else units.none()
            self.fields["unit"].initial = user.unit_id
        # A ForeignKey's form field is a ModelChoiceField, a TextField's a CharField.
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units
        for name in ("body", "aliases", "documents", "legal_basis"):
            cast(forms.CharField, self.fields[name]).max_length = MAX_TEXT
            self.fields[name].validators.append(_max_length(MAX_TEXT))

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("请填写标题。")
        return title

    def clean_aliases(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]
        if len(lines) > MAX_ALIASES:
            raise forms.ValidationError(f"常见问法最多 {MAX_ALIASES} 条。")
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns (typed as Optional by the stubs)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "失效日期不能早于生效日期。")
        return data


def _max_length(limit: int) -> Callable[[str], None]:
    def check(value: str) -> None:
        if value and len(value) > limit:
            raise forms.ValidationError(f"内容过长（{len(value)} 字），最多 {limit} 字。")

    return check

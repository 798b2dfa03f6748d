"""Forms of 莫愁小分队's pages: they parse input; squad.services checks the rules and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User

from .services import MAX_PROBLEMS, squad_users
from .workflow import RATINGS

DATE = forms.DateInput(attrs={"type": "date"})
PROBLEM_ROWS = 3  # rows offered on the page (the API takes up to MAX_PROBLEMS)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.name


class BookForm(forms.Form):
    topics = forms.CharField(
        label="需要帮办的事项",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：用电增容审批进度、技改补贴政策、招工用工",
    )
    wished_date = forms.DateField(label="希望上门日期", widget=DATE)


class ScheduleForm(forms.Form):
    scheduled_date = forms.DateField(label="走访日期", widget=DATE)
    members = PeopleField(label="走访人员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = squad_users()  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    attendees = PeopleField(
        label="实际走访人员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    discussed = forms.CharField(label="交流内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = squad_users()  # type: ignore[attr-defined]
        for n in range(1, PROBLEM_ROWS + 1):
            self.fields[f"problem{n}_title"] = forms.CharField(
                label=f"发现问题{n}（标题）", max_length=60, required=False
            )
            self.fields[f"problem{n}_content"] = forms.CharField(
                label=f"问题{n}详情",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def problems(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        rows = [
            {"title": data.get(f"problem{n}_title", ""), "content": data.get(f"problem{n}_content", "")}
            for n in range(1, PROBLEM_ROWS + 1)
        ]
        return rows[:MAX_PROBLEMS]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评价",
        choices=[(k, v) for k, v in RATINGS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择非常满意、满意、基本满意、不满意或非常不满意。"},
    )
    rating_note = forms.CharField(label="意见（不满意时请写明原因）", max_length=500, required=False)

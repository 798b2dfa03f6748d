"""HTML forms of the 督办单 pages. They parse input only; the verbs check the rules and write."""

from __future__ import annotations

from typing import Any

from django import forms

from supervision.models import Notice
from supervision.workflow import Action, Colour, State


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class IssueForm(forms.Form):
    colour = forms.ChoiceField(
        label="督办单颜色",
        choices=Colour.choices,
        initial=Colour.BLUE,
        widget=forms.RadioSelect,
        help_text="一般先发蓝色督办单；逾期未反馈时系统自动升级为黄色、红色。重大或紧急事项可直接发黄色或红色。",
    )
    major = forms.BooleanField(label="重大事项", required=False)
    body = forms.CharField(label="督办要求", widget=_area(4), max_length=2000)
    respond_days = forms.IntegerField(label="反馈期限（工作日）", min_value=1, max_value=30, initial=2)


class SignForm(forms.Form):
    action = Action.SIGN
    prefix = "sign"  # several forms on one page: ids stay unique (id_sign-…)


class AnswerForm(forms.Form):
    action = Action.ANSWER
    prefix = "answer"  # several forms on one page: ids stay unique (id_answer-…)
    body = forms.CharField(
        label="反馈内容", widget=_area(5), max_length=5000, help_text="办理情况与结果，至少10个字"
    )

    def __init__(self, *args: Any, notice: Notice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if notice is not None and notice.answer and not self.is_bound:
            self.fields["body"].initial = notice.answer  # a returned draft is edited, not retyped


class ApproveForm(forms.Form):
    action = Action.APPROVE
    prefix = "approve"  # several forms on one page: ids stay unique (id_approve-…)
    note = forms.CharField(label="审核意见", widget=_area(2), max_length=500, required=False)


class ReturnForm(forms.Form):
    action = Action.RETURN
    prefix = "return"  # several forms on one page: ids stay unique (id_return-…)
    note = forms.CharField(label="退回意见", widget=_area(2), max_length=500)


ACTION_FORMS: dict[Action, type[forms.Form]] = {
    Action.SIGN: SignForm,
    Action.ANSWER: AnswerForm,
    Action.APPROVE: ApproveForm,
    Action.RETURN: ReturnForm,
}


class QueueFilter(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    colour = forms.ChoiceField(label="颜色", required=False, choices=[("", "全部"), *Colour.choices])
    unit = forms.CharField(label="被督办单位", required=False, max_length=100)
    late = forms.BooleanField(label="只看逾期", required=False)
    q = forms.CharField(label="编号", required=False, max_length=30)

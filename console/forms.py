"""The console's quick intake form. It parses input only; cases.services checks the rules and writes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse_lazy

from accounts.phones import normalize_phone
from cases.models import Kind
from mochou.errors import InvalidInput
from org.models import Unit

# Text with HTML tags is refused: nobody on a call dictates markup, and what we store here goes
# out again in SMS, answers and exports.
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|<\s*/?\s*[a-zA-Z]+\s*$|javascript:", re.IGNORECASE)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PATHS = {"register": "登记并派单流转", "answer": "直接办结"}


def _clean_text(value: str) -> str:
    if TAG_RE.search(value or ""):
        raise forms.ValidationError("请勿输入 HTML 标签或脚本（如 <script>），请用文字描述。", code="markup")
    if CONTROL_RE.search(value or ""):
        raise forms.ValidationError("内容含有无法显示的控制字符，请删除后重试。", code="control")
    return value


def _messages(label: str) -> dict[str, str]:
    """Errors in the words the rest of Mochou uses (cases.services._text), not Django's defaults."""
    return {
        "required": f"请填写{label}。",
        "max_length": f"{label}不能超过%(limit_value)d个字（现为%(show_value)d个字）。",
    }


class KindRadio(forms.RadioSelect):
    """Kind radios labelled with the digit that picks them (1 咨询 … 6 表扬)."""

    option_template_name = "console/_kind_option.html"


class IntakeForm(forms.Form):
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)
    guide = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(
        label="诉求类型",
        choices=Kind.choices,
        initial=Kind.CONSULT,
        widget=KindRadio,
        error_messages={
            "required": "请选择诉求类型。",
            "invalid_choice": "请选择诉求类型：1 咨询、2 求助、3 投诉、4 举报、5 建议、6 表扬。",
        },
    )
    content = forms.CharField(
        label="诉求内容",
        error_messages=_messages("诉求内容"),
        max_length=5000,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "autofocus": True,
                "placeholder": "边听边记：来电人反映……（Ctrl+Enter 登记）",
                # As the agent types, the knowledge base is searched (the console's own fragment,
                # which adds a button to use each guide's answer).
                "hx-get": reverse_lazy("console:kb"),
                "hx-trigger": "input changed delay:300ms, load",  # input: typing, paste, cut, IME
                "hx-target": "#kb-results",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    citizen_name = forms.CharField(
        label="来电人", error_messages=_messages("来电人"), max_length=40, required=False
    )
    citizen_phone = forms.CharField(
        label="联系电话", error_messages=_messages("联系电话"), max_length=20, required=False
    )
    township = forms.CharField(
        label="所属乡镇",
        error_messages=_messages("所属乡镇"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "township-list", "autocomplete": "off", "placeholder": "输入首字查找"}
        ),
    )
    address = forms.CharField(label="地址", error_messages=_messages("地址"), max_length=200, required=False)
    title = forms.CharField(
        label="标题",
        error_messages=_messages("标题"),
        max_length=120,
        required=False,
        help_text="不填则取诉求内容的前30个字",
    )
    urgent = forms.BooleanField(label="紧急（危及生命财产安全）", required=False)
    answer = forms.CharField(
        label="答复内容",
        error_messages=_messages("答复内容"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "从右侧莫愁指南“采用”后可修改"}),
    )
    path = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.townships = list(Unit.objects.townships().order_by("sort_order", "code"))

    def clean_content(self) -> str:
        return _clean_text(self.cleaned_data["content"])

    def clean_citizen_name(self) -> str:
        return _clean_text(self.cleaned_data["citizen_name"])

    def clean_citizen_phone(self) -> str:
        """Read by accounts.phones, as every channel's numbers are: the screen pop finds it again."""
        try:
            return normalize_phone(self.cleaned_data["citizen_phone"])
        except InvalidInput as error:
            raise forms.ValidationError(error.message, code="phone") from None

    def clean_address(self) -> str:
        return _clean_text(self.cleaned_data["address"])

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"])

    def clean_answer(self) -> str:
        return _clean_text(self.cleaned_data["answer"])

    def clean_township(self) -> Unit | None:
        """By name: exact, then the one township whose name starts with or contains what was typed."""
        typed = (self.cleaned_data.get("township") or "").strip()
        if not typed:
            return None
        for match in (
            lambda u: typed in (u.name, u.short_name),
            lambda u: u.name.startswith(typed),
            lambda u: typed in u.name,
        ):
            found = [u for u in self.townships if match(u)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = "、".join(u.name for u in found[:5])
                raise forms.ValidationError(f"“{typed}”对应多个乡镇（{names}），请选择其一。")
        raise forms.ValidationError(f"找不到乡镇“{typed}”，请从列表中选择。")

    def clean_path(self) -> str:
        """Which button. The page's script writes it into the hidden "path" (htmx leaves the button
        out of a scripted submit such as Alt+J); without script the button's own value is sent."""
        path = self.cleaned_data.get("path") or self.data.get("submit_path") or "register"
        if path not in PATHS:
            raise forms.ValidationError("未知的提交方式。")
        return path

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (typed as Optional by the stubs)
        if data.get("path") == "answer":
            # Checked before anything is registered: a 直接办结 that cannot be completed stores nothing.
            if data.get("kind") and data["kind"] != Kind.CONSULT:
                self.add_error("kind", "只有咨询类诉求可以直接办结；其他诉求请“登记并派单流转”。")
            answer = (data.get("answer") or "").strip()
            if "answer" not in self.errors and len(answer) < 5:
                self.add_error("answer", "直接办结需要填写答复内容（至少5个字），可从莫愁指南采用后修改。")
        return data

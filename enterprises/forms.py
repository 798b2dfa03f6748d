"""Forms of the 店小二 pages. They parse input; enterprises.services checks the rules and writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q

from accounts.models import Role, User
from accounts.phones import normalize_mobile
from cases.models import Kind
from enterprises import creditcode, services
from enterprises.models import PARKS, Enterprise
from enterprises.services import MAX_CONTENT
from mochou.errors import DomainError
from org.models import Unit


class LiaisonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = obj.unit.display_name if obj.unit is not None else "无单位"
        return f"{obj.name}（{unit}，{obj.get_role_display()}）"


class TownshipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def liaison_candidates() -> Any:
    """Staff of departments and townships; never the system's own accounts."""
    return (
        User.objects.filter(is_active=True, role__in=[Role.CLERK, Role.UNIT_LEADER])
        .exclude(Q(username__startswith="channel-") | Q(username="system"))
        .select_related("unit")
        .order_by("unit__kind", "unit__sort_order", "username")
    )


class EnterpriseForm(forms.ModelForm):
    # Longer than 18 so that a pasted code with spaces reaches clean_credit_code and its messages.
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40)
    township = TownshipChoiceField(label="所属乡镇", queryset=Unit.objects.none(), empty_label="（请选择）")
    liaison = LiaisonChoiceField(
        label="店小二", queryset=User.objects.none(), required=False, empty_label="（暂不指派）"
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "industry",
            "park",
            "township",
            "address",
            "legal_representative",
            "contact_name",
            "contact_mobile",
            "liaison",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # form.fields holds plain Fields in the stubs; these two are the ModelChoiceFields declared above.
        cast("forms.ModelChoiceField[Unit]", self.fields["township"]).queryset = Unit.objects.townships()
        cast("forms.ModelChoiceField[User]", self.fields["liaison"]).queryset = liaison_candidates()
        self.fields["park"].widget.attrs["list"] = "parks"
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.parks = PARKS

    def clean_credit_code(self) -> str:
        # Lower case and pasted spaces are fine; the messages say what else is wrong.
        try:
            return creditcode.validate(self.cleaned_data.get("credit_code"))
        except creditcode.CreditCodeError as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def clean_contact_mobile(self) -> str:
        return _checked(_mobile, self.cleaned_data.get("contact_mobile"), "contact_mobile")

    def clean_contact_name(self) -> str:
        return _checked(
            services.clean_person_name, self.cleaned_data.get("contact_name"), "contact_name", "联系人"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns (typed as Optional by the stubs)
        if bool(data.get("contact_name")) != bool(data.get("contact_mobile")):
            raise forms.ValidationError("联系人和联系人手机请一起填写，或都不填。", code="contact_pair")
        return data


def _mobile(raw: str | None, field: str) -> str:
    return normalize_mobile(raw, field=field)  # the one phone parser, with its 店小二 messages


def _checked(check: Any, value: str | None, *args: str) -> str:
    """Optional field: empty stays empty, anything else must pass the service's check."""
    if not (value or "").strip():
        return ""
    try:
        return check(value, *args)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from error


class ContactForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    mobile = forms.CharField(label="手机号", max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_mobile(self) -> str:
        return _checked(_mobile, self.cleaned_data.get("mobile"), "mobile")


class VisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(label="走访事由", widget=forms.TextInput(attrs={"maxlength": 100}))
    notes = forms.CharField(label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label="后续跟进", required=False, widget=forms.TextInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AppealForm(forms.Form):
    # No max_length here: enterprises.services gives the one message for too-long text.
    kind = forms.ChoiceField(label="诉求类型", choices=Kind.choices, initial=Kind.HELP)
    title = forms.CharField(
        label="标题", widget=forms.TextInput(attrs={"maxlength": 60, "placeholder": "一句话说明诉求"})
    )
    content = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CONTENT}),
        help_text=f"请写明事情经过、涉及的部门或地点和希望解决的问题，不超过{MAX_CONTENT}字。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

"""Forms of 莫愁超市's pages: they parse input; intermediaries.services checks the rules and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Response
from .workflow import RATINGS, ServiceType

DATE = forms.DateInput(attrs={"type": "date"})
WAN = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class NeedForm(forms.Form):
    service_type = forms.ChoiceField(label="服务类型", choices=ServiceType.choices)
    scope = forms.CharField(label="服务内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    budget_min = forms.DecimalField(label="预算下限（万元）", **WAN)  # type: ignore[arg-type]
    budget_max = forms.DecimalField(label="预算上限（万元）", **WAN)  # type: ignore[arg-type]
    time_limit_days = forms.IntegerField(label="服务时限（工作日）", min_value=1, max_value=250)
    respond_by = forms.DateField(label="响应截止日期", widget=DATE)


class SelectForm(forms.Form):
    response = forms.ModelChoiceField(
        label="选定机构", queryset=Response.objects.none(), widget=forms.RadioSelect
    )
    reason = forms.CharField(label="选定理由（非最低价时必填）", max_length=500, required=False)

    def __init__(self, *args: Any, need: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if need is not None:
            field = self.fields["response"]
            field.queryset = need.responses.select_related("agency")  # type: ignore[attr-defined]
            field.label_from_instance = lambda r: f"{r.agency.name}：{r.price} 万元，{r.days} 个工作日"  # type: ignore[attr-defined]


class StartForm(forms.Form):
    started_on = forms.DateField(label="服务开始日期", widget=DATE)


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label="交付日期", widget=DATE)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="验收评价",
        choices=list(RATINGS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择非常满意、满意、基本满意、不满意或非常不满意。"},
    )
    rating_note = forms.CharField(label="意见（不满意时必填）", max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500)


class RespondForm(forms.Form):
    price = forms.DecimalField(label="报价（万元）", **WAN)  # type: ignore[arg-type]
    days = forms.IntegerField(label="承诺工期（工作日）", min_value=1, max_value=250)
    note = forms.CharField(label="说明", max_length=1000, required=False)


class AgencyForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=40)
    contact_mobile = forms.CharField(label="联系人手机", max_length=20)


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(label="服务类型", choices=ServiceType.choices)
    price_min = forms.DecimalField(label="最低报价（万元）", **WAN)  # type: ignore[arg-type]
    price_max = forms.DecimalField(label="最高报价（万元）", **WAN)  # type: ignore[arg-type]


class QualificationForm(forms.Form):
    service_type = forms.ChoiceField(label="服务类型", choices=ServiceType.choices)
    name = forms.CharField(label="资质名称", max_length=100)
    number = forms.CharField(label="证书编号", max_length=60)
    expires_on = forms.DateField(label="有效期至", widget=DATE)

"""The pages' forms: they parse; the services (services.py) clean and decide."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role, User
from org.models import Unit

from .models import REASONS, Chain, Park, Source, TargetFigure
from .workflow import StallReason, TerminationReason

DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class ProjectForm(forms.Form):
    code_name = forms.CharField(label="项目代号", max_length=60, help_text="对外使用，不写投资方名称")
    name = forms.CharField(label="项目名称", max_length=100)
    investor_name = forms.CharField(label="投资方", max_length=100)
    investor_credit_code = forms.CharField(
        label="投资方统一社会信用代码", max_length=30, required=False, help_text="签约前须填写"
    )
    source = forms.ChoiceField(label="项目来源", choices=Source.choices)
    source_detail = forms.CharField(
        label="来源说明", max_length=100, required=False, help_text="招商活动或渠道名称"
    )
    chain = forms.ModelChoiceField(label="产业链", queryset=Chain.objects.filter(is_active=True))
    park = forms.ModelChoiceField(
        label="园区", queryset=Park.objects.filter(is_active=True), required=False, empty_label="园区外"
    )
    township = forms.ModelChoiceField(label="所在乡镇", queryset=Unit.objects.townships())
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.handlers(), required=False, help_text="不选则为本单位"
    )
    total_investment = forms.DecimalField(
        label="协议总投资（万元）", max_digits=14, decimal_places=2, min_value=0
    )
    first_phase_investment = forms.DecimalField(
        label="首期投资（万元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    registered_capital = forms.DecimalField(
        label="注册资本（万元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    expected_output = forms.DecimalField(
        label="预计年产值（万元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    expected_tax = forms.DecimalField(
        label="预计年税收（万元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    expected_jobs = forms.IntegerField(label="预计就业（人）", min_value=0, required=False)
    is_leading = forms.BooleanField(label="龙头企业", required=False)
    is_little_giant = forms.BooleanField(label="专精特新“小巨人”", required=False)
    is_tech_upgrade = forms.BooleanField(label="技改项目", required=False)
    patron_leader = forms.ModelChoiceField(
        label="包保领导", queryset=User.objects.filter(role=Role.LEADER, is_active=True), required=False
    )
    task_force = forms.CharField(label="专班", max_length=60, required=False)
    liaison = forms.ModelChoiceField(
        label="店小二",
        queryset=User.objects.filter(is_active=True, role__in=[Role.CLERK, Role.UNIT_LEADER]).select_related(
            "unit"
        ),
        required=False,
    )
    planned_start = forms.DateField(
        label="计划开工月份", required=False, widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("township", "responsible_unit", "liaison"):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.label_from_instance = lambda obj: getattr(obj, "display_name", None) or str(obj)  # type: ignore[method-assign]


# The confidential facts of one project (access.py): who may not see them is not shown them on
# the edit form either; a field left blank keeps its value.
CONFIDENTIAL_FIELDS = (
    "name", "investor_name", "investor_credit_code", "total_investment", "first_phase_investment",
    "registered_capital", "expected_output", "expected_tax",
)  # fmt: skip


class ProjectEditForm(ProjectForm):
    """修改项目信息: the registration form, filled with the project's facts. For someone who may
    not see the confidential ones they are empty and optional (blank = unchanged)."""

    def __init__(self, *args: Any, project: Any, confidential: bool, **kwargs: Any) -> None:
        initial = {
            name: getattr(project, name)
            for name in self.base_fields
            if name != "responsible_unit" and (confidential or name not in CONFIDENTIAL_FIELDS)
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.confidential = confidential
        self.fields["responsible_unit"].help_text = "不选则不变；只有招商局可以更换"
        if not confidential:
            for name in CONFIDENTIAL_FIELDS:
                field = self.fields[name]
                field.required = False
                field.help_text = "保密，不显示原值；留空则不变"

    def changes(self) -> dict[str, Any]:
        """What the form asks to change: every field, but a blank confidential one when hidden."""
        data = dict(self.cleaned_data)
        data.pop("responsible_unit", None)
        if not self.confidential:
            for name in CONFIDENTIAL_FIELDS:
                if data.get(name) in (None, ""):
                    data.pop(name, None)
        return data


def reason_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        ("终止/流失原因", [(v, str(lbl)) for v, lbl in TerminationReason.choices]),
        ("暂停原因（要素）", [(v, str(lbl)) for v, lbl in StallReason.choices]),
    ]


class ReportForm(forms.Form):
    stage = forms.ChoiceField(label="申报阶段")
    date = forms.DateField(label="日期", widget=DATE)
    event_name = forms.CharField(label="签约活动", max_length=100, required=False, help_text="签约时填写")
    reason = forms.ChoiceField(label="原因", required=False, help_text="暂停、终止时选择")
    new_total_investment = forms.DecimalField(
        label="增资后总投资（万元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    new_investor_name = forms.CharField(label="新投资方", max_length=100, required=False)
    new_investor_credit_code = forms.CharField(
        label="新投资方统一社会信用代码", max_length=30, required=False
    )
    note = forms.CharField(
        label="情况说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage, reason = self.fields["stage"], self.fields["reason"]
        if isinstance(stage, forms.ChoiceField) and isinstance(reason, forms.ChoiceField):
            stage.choices = stages
            reason.choices = [("", "—"), *reason_choices()]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "")
        stage = self.data.get("stage", "")
        allowed = REASONS.get(str(stage))
        return reason if allowed is None or reason in allowed.values else ""


class DocumentForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=60)
    file = forms.FileField(label="文件")


class FundsForm(forms.Form):
    month = forms.DateField(label="月份", widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])
    amount = forms.DecimalField(label="到位资金（万元）", max_digits=14, decimal_places=2, min_value=0)


class OutputForm(forms.Form):
    park = forms.ModelChoiceField(
        label="园区", queryset=Park.objects.filter(is_active=True), required=False, empty_label="全市规上工业"
    )
    month = forms.DateField(label="月份", widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])
    output = forms.DecimalField(label="工业总产值（万元）", max_digits=14, decimal_places=2, min_value=0)


class ProblemForm(forms.Form):
    """要素保障: a problem of the project, raised as its enterprise's appeal."""

    kind = forms.ChoiceField(label="要素类别", choices=StallReason.choices)
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="按类别默认派单",
        help_text="不选：用地→自然资源和规划局，审批→政务服务和大数据管理局，水电气→供电公司…",
    )
    title = forms.CharField(label="问题", max_length=40)
    content = forms.CharField(
        label="具体情况和诉求", max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        if isinstance(unit, forms.ModelChoiceField):
            # The problem goes out as the enterprise's appeal, dispatched to a department.
            unit.queryset = Unit.objects.handlers().exclude(kind="township").order_by("sort_order", "code")


class StallReasonForm(forms.Form):
    reason = forms.ChoiceField(label="停滞原因", choices=StallReason.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    scope = forms.ChoiceField(
        label="考核对象",
        choices=[("city", "全市"), ("township", "乡镇"), ("park", "园区"), ("chain", "产业链")],
    )
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    park = forms.ModelChoiceField(label="园区", queryset=Park.objects.filter(is_active=True), required=False)
    chain = forms.ModelChoiceField(
        label="产业链", queryset=Chain.objects.filter(is_active=True), required=False
    )
    figure = forms.ChoiceField(label="考核项", choices=TargetFigure.choices)
    value = forms.DecimalField(label="目标值", max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        township = self.fields["township"]
        if isinstance(township, forms.ModelChoiceField):
            township.queryset = Unit.objects.townships()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        for key in ("township", "park", "chain"):
            if key != scope:
                data[key] = None
            elif data.get(key) is None:
                self.add_error(key, "请选择考核对象。")
        return data


class OutputImportForm(forms.Form):
    file = forms.FileField(label="产值文件（CSV 或 xlsx）")

"""HTML forms of the decision tasks' pages: they parse input; the verbs check rules and write."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role, User
from org.models import Unit
from supervision.task_models import Indicator, Plan, Task
from supervision.task_workflow import Source, TaskAction, TaskState

A = TaskAction


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date() -> forms.DateInput:
    # type=date needs ISO (the zh-CN locale would render 2023/12/31, which the browser drops).
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units() -> Any:
    return Unit.objects.handlers() | Unit.objects.filter(kind="centre")


def indicator_choices() -> Any:
    return Indicator.objects.select_related("plan").order_by("plan__number", "code")


class IndicatorField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # not generic at run time
    """The indicators a task moves, named with their plan (two plans may share an indicator name)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.name}：{obj.name}"


def _indicator_field() -> IndicatorField:
    return IndicatorField(
        label="关联指标",
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="该事项推动的指标（可多选）",
    )


def leaders() -> Any:
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("display_name", "pk")


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", widget=_area(2), max_length=1000, required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="理由", widget=_area(2), max_length=1000)


class EmptyForm(forms.Form):
    pass


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    leader = forms.ModelChoiceField(label="责任领导", queryset=User.objects.none())
    deadline = forms.DateField(
        label="办结时限", required=False, widget=_date(), help_text="不填则按来源的默认时限"
    )
    report_every = forms.IntegerField(label="报送周期（工作日）", min_value=1, max_value=60, initial=10)
    indicators = _indicator_field()

    def __init__(self, *args: Any, task: Task | None = None, **kwargs: Any) -> None:
        if task is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"].update(
                lead_unit=task.lead_unit_id,
                co_units=list(task.co_units.values_list("pk", flat=True)),
                leader=task.leader_id,
                deadline=task.deadline.date() if task.deadline else None,
                report_every=task.report_every,
                indicators=list(task.indicators.values_list("pk", flat=True)),
            )
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicator_choices()  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units()  # type: ignore[attr-defined]
        self.fields["leader"].queryset = leaders()  # type: ignore[attr-defined]


class AdjustForm(forms.Form):
    reason = forms.CharField(
        label="调整理由", widget=_area(3), max_length=1000, help_text="不属于本单位职责，或事项表述需要调整"
    )


class ReportForm(forms.Form):
    body = forms.CharField(
        label="进展情况", widget=_area(4), max_length=4000, help_text="已预填上次报送内容，修改即可"
    )
    progress = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    evidence = forms.CharField(
        label="佐证材料",
        widget=_area(2),
        max_length=2000,
        required=False,
        help_text="文件名称、文号、台账即可，无需截图",
    )
    next_steps = forms.CharField(label="下步计划", widget=_area(2), max_length=2000, required=False)
    stage = forms.BooleanField(label="阶段办结（本阶段目标已完成）", required=False)


class ExtensionForm(forms.Form):
    until = forms.DateField(label="申请延至", widget=_date())
    reason = forms.CharField(label="延期理由", widget=_area(3), max_length=1000)


class CloseForm(forms.Form):
    body = forms.CharField(label="办结情况", widget=_area(4), max_length=4000)
    evidence = forms.CharField(
        label="佐证材料",
        widget=_area(2),
        max_length=2000,
        help_text="文件、台账、验收记录等的名称或文号，无需截图",
    )


ACTION_FORMS: dict[TaskAction, type[forms.Form]] = {
    A.APPROVE: EmptyForm,
    A.ASSIGN: AssignForm,
    A.SIGN: EmptyForm,
    A.REQUEST_ADJUST: AdjustForm,
    A.GRANT_ADJUST: NoteForm,
    A.REFUSE_ADJUST: RequiredNoteForm,
    A.REPORT: ReportForm,
    A.REQUEST_EXTENSION: ExtensionForm,
    A.APPROVE_EXTENSION: NoteForm,
    A.REFUSE_EXTENSION: RequiredNoteForm,
    A.REQUEST_CLOSE: CloseForm,
    A.FIRST_REVIEW: NoteForm,
    A.RETURN: RequiredNoteForm,
    A.FINAL_REVIEW: NoteForm,
    A.LEADER_RETURN: RequiredNoteForm,
}


class NewTaskForm(forms.Form):
    """A task entered by the 督查室 directly (a leader's 批示, a task outside a record)."""

    title = forms.CharField(label="事项", max_length=200)
    body = forms.CharField(label="工作要求", widget=_area(3), max_length=4000, required=False)
    source_kind = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.INSTRUCTION)
    plan = forms.ModelChoiceField(label="所属计划", queryset=Plan.objects.all(), required=False)
    target_text = forms.CharField(label="目标", max_length=120, required=False)
    deadline = forms.DateField(
        label="办结时限", required=False, widget=_date(), help_text="不填则按来源的默认时限"
    )
    major = forms.BooleanField(label="重大事项", required=False)
    indicators = _indicator_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicator_choices()  # type: ignore[attr-defined]


class SplitForm(forms.Form):
    """分解: up to SPLIT_ROWS sub-tasks, one unit each; a row without a unit is left out, a row
    without a title takes the task's own."""

    SPLIT_ROWS = 6

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        for i in range(1, self.SPLIT_ROWS + 1):
            self.fields[f"unit_{i}"] = forms.ModelChoiceField(
                label=f"子任务{i} 牵头单位", queryset=units(), required=False
            )
            self.fields[f"title_{i}"] = forms.CharField(
                label=f"子任务{i} 事项", max_length=200, required=False, help_text="不填则同本事项"
            )

    def parts(self) -> list[tuple[str, Unit]]:
        data = self.cleaned_data
        rows = range(1, self.SPLIT_ROWS + 1)
        return [
            ((data[f"title_{i}"] or "").strip() or self.task.title, data[f"unit_{i}"])
            for i in rows
            if data[f"unit_{i}"] is not None
        ]


class LedgerFilter(forms.Form):
    plan = forms.ModelChoiceField(
        label="计划", queryset=Plan.objects.all(), required=False, empty_label="全部"
    )
    leader = forms.ModelChoiceField(
        label="责任领导", queryset=User.objects.none(), required=False, empty_label="全部"
    )
    unit = forms.CharField(label="单位", required=False, max_length=40)
    source_kind = forms.ChoiceField(label="来源", choices=[("", "全部"), *Source.choices], required=False)
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *TaskState.choices], required=False)
    light = forms.ChoiceField(
        label="灯",
        required=False,
        choices=[("", "全部"), ("red", "红灯"), ("yellow", "黄灯"), ("blue", "蓝灯"), ("green", "绿灯")],
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("deadline", "时限从近到远"),
            ("-deadline", "时限从远到近"),
            ("number", "编号"),
            ("light", "灯色"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders()  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    held_on = forms.DateField(
        label="会议日期", required=False, widget=_date(), help_text="用于识别“年底前”等时限"
    )
    text = forms.CharField(label="纪要全文（粘贴）", widget=_area(10), required=False, max_length=200_000)
    file = forms.FileField(label="或上传 .docx / .txt", required=False)


class DraftForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200)
    plan = forms.ModelChoiceField(
        label="计划", queryset=Plan.objects.all(), required=False, empty_label="（无）"
    )
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    deadline = forms.DateField(label="时限", required=False, widget=_date())
    target = forms.CharField(label="目标", max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units()  # type: ignore[attr-defined]


class AddDraftForm(DraftForm):
    """补录遗漏事项: the sentence is copied from the record; the 事项 defaults to it."""

    sentence = forms.CharField(
        label="原文（从纪要中选取复制）", widget=_area(3), max_length=4000, help_text="须为本纪要中的原文"
    )
    field_order = ["sentence", "title", "plan", "lead_unit", "co_units", "deadline", "target"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "不填则用原文"


class MeasurementForm(forms.Form):
    period = forms.DateField(label="统计期（期末日）", widget=_date())
    value = forms.DecimalField(label="数值", required=False, max_digits=14, decimal_places=2)
    numerator = forms.DecimalField(label="分子", required=False, max_digits=16, decimal_places=2)
    denominator = forms.DecimalField(label="分母", required=False, max_digits=16, decimal_places=2)
    source_document = forms.CharField(label="依据材料", max_length=200, required=False)


class NoticeIssueForm(forms.Form):
    colour = forms.ChoiceField(
        label="颜色",
        choices=[("blue", "蓝色"), ("yellow", "黄色"), ("red", "红色")],
        initial="blue",
        help_text="一般发蓝色；重大事项、领导批示可直接发黄色或红色",
    )
    body = forms.CharField(label="督办要求", widget=_area(3), max_length=2000)
    respond_days = forms.IntegerField(label="反馈期限（工作日）", min_value=1, max_value=30, initial=3)


class InstructionForm(forms.Form):
    """A leader's 批示 on a case or a hotspot (supervision.services.instructions.instruct)."""

    body = forms.CharField(label="批示内容", min_length=4, max_length=2000, widget=_area(4))
    urgent = forms.TypedChoiceField(
        label="缓急",
        choices=[("0", "非急件（默认15个工作日）"), ("1", "急件（1至5个工作日）")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=60, required=False, help_text="不填按默认时限"
    )
    lead_unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, need_unit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_unit"]
        field.queryset = units()  # type: ignore[attr-defined]
        field.required = need_unit
        if not need_unit:
            field.help_text = "不选则交工单的主办单位"

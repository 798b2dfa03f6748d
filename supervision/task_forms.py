"""HTML forms of the decision tasks' pages: they parse input; the verbs check rules and write."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role, User
from org.models import Unit
from supervision.task_models import Plan, Task
from supervision.task_workflow import Source, TaskAction, TaskState

A = TaskAction


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date() -> forms.DateInput:
    # type=date needs ISO (the zh-CN locale would render 2023/12/31, which the browser drops).
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units() -> Any:
    return Unit.objects.handlers() | Unit.objects.filter(kind="centre")


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

    def __init__(self, *args: Any, task: Task | None = None, **kwargs: Any) -> None:
        if task is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"].update(
                lead_unit=task.lead_unit_id,
                co_units=list(task.co_units.values_list("pk", flat=True)),
                leader=task.leader_id,
                deadline=task.deadline.date() if task.deadline else None,
                report_every=task.report_every,
            )
        super().__init__(*args, **kwargs)
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

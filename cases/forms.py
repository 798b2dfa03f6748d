"""HTML forms of the case pages. They parse input only; the services check the rules and write."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.privacy import searched_phone
from cases import attachments, hooks
from cases.models import (
    Case,
    CaseQuerySet,
    Category,
    Channel,
    ContactWay,
    Dispute,
    Kind,
    ReturnReason,
    Satisfaction,
    SuspensionReason,
    Urgency,
    category_q,
)
from cases.queues import filterable_units
from cases.widgets import CategoryTreeWidget, UnitChipsWidget
from cases.workflow import Action, State
from org.models import Unit

PAGE_SIZE = 50
# A unit filter with at most this many units lists them all; beyond, it is searched.
UNITS_LISTED = 30

# The model choice fields are generic only in django-stubs; at run time they cannot be subscripted
# (no django_stubs_ext.monkeypatch() in the settings), so the parameterised bases are for mypy only.
if TYPE_CHECKING:
    _CategoryField = forms.ModelChoiceField[Category]
    _UnitField = forms.ModelChoiceField[Unit]
    _UnitsField = forms.ModelMultipleChoiceField[Unit]
else:
    _CategoryField = _UnitField = forms.ModelChoiceField
    _UnitsField = forms.ModelMultipleChoiceField


class CategoryChoiceField(_CategoryField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.path.replace("/", " / ")


class UnitChoiceField(_UnitField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitMultipleChoiceField(_UnitsField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def leaf_categories() -> QuerySet[Category]:
    """Cases are filed under the most specific subject: categories with no active children."""
    return Category.objects.filter(is_active=True).exclude(children__is_active=True).order_by("path")


class Form(forms.Form):
    """Our labels stand above their inputs: no trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of `form`, to set its queryset: `form.fields` holds plain `Field`s."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# ---------------------------------------------------------------- register


class RegisterForm(Form):
    kind = forms.ChoiceField(label="诉求类型", choices=Kind.choices, initial=Kind.CONSULT)
    channel = forms.ChoiceField(label="受理渠道", choices=Channel.choices, initial=Channel.HOTLINE)
    title = forms.CharField(
        label="标题", max_length=120, required=False, help_text="不填则取诉求内容的前30个字"
    )
    content = forms.CharField(label="诉求内容", max_length=5000, widget=textarea(6))
    citizen_name = forms.CharField(label="诉求人", max_length=40, required=False)
    citizen_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    township = UnitChoiceField(
        label="所属乡镇", queryset=Unit.objects.none(), required=False, empty_label="（未知）"
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    category = CategoryChoiceField(
        label="事项分类",
        queryset=Category.objects.none(),
        required=False,
        widget=CategoryTreeWidget(empty_label="（待派单员确定）"),
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "township").queryset = Unit.objects.townships()
        model_field(self, "category").queryset = leaf_categories()


# ---------------------------------------------------------------- queue filters


def _local_midnight(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class QueueFilterForm(Form):
    q = forms.CharField(
        label="查找", required=False, widget=forms.TextInput(attrs={"placeholder": "编号/电话/关键词"})
    )
    unit = UnitChoiceField(
        label="主办单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    category = CategoryChoiceField(
        label="事项分类", queryset=Category.objects.none(), required=False, empty_label="全部分类"
    )
    township = UnitChoiceField(
        label="乡镇", queryset=Unit.objects.none(), required=False, empty_label="全部乡镇"
    )
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *State.choices])
    date_from = forms.DateField(
        label="登记自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A unit's staff filter by their own unit and those below it; the centre by every unit.
        units = filterable_units(user) if user is not None else Unit.objects.handlers()
        model_field(self, "unit").queryset = units
        # Every level of the tree: filtering on a parent matches all of its descendants.
        model_field(self, "category").queryset = Category.objects.filter(is_active=True).order_by("path")
        model_field(self, "township").queryset = Unit.objects.townships()
        # The pickers render only a few choices (the ~650 categories and ~70 units are searched
        # through /cases/queue-choices/, not sent with every page): the top level of the tree,
        # a unit's own short list, and whatever is selected.
        few_units = list(units[: UNITS_LISTED + 1])
        self.unit_searchable = len(few_units) > UNITS_LISTED
        self._offer("unit", [] if self.unit_searchable else few_units, UnitChoiceField.label_from_instance)
        top = Category.objects.filter(is_active=True, level=1).order_by("path")
        self._offer("category", list(top), CategoryChoiceField.label_from_instance)

    def _offer(self, name: str, shown: list[Any], label: Any) -> None:
        field = model_field(self, name)
        chosen = self.data.get(name) if self.is_bound else None
        if chosen and str(chosen).isdigit() and all(str(obj.pk) != chosen for obj in shown):
            selected = cast("QuerySet[Any]", field.queryset).filter(pk=int(chosen)).first()
            shown = [selected, *shown] if selected is not None else shown
        choices = [(obj.pk, label(field, obj)) for obj in shown]
        field.widget.choices = [("", field.empty_label or ""), *choices]

    def query_kind(self) -> str:
        """How `q` is read: "digits" (number prefix or exact phone), "text", or "" (none)."""
        q = (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""
        if not q:
            return ""
        return "digits" if re.fullmatch(r"[\d\-+ ]+", q) else "text"

    def phone_searched(self) -> str:
        """The full phone number searched for (digits only), or "" when `q` is not one."""
        return searched_phone(self.cleaned_data["q"]) if self.query_kind() == "digits" else ""

    def apply(self, cases: CaseQuerySet, *, user: User | None = None) -> CaseQuerySet:
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        q = (data.get("q") or "").strip()
        if q and user is not None:
            cases = cases.search(q, user)
        if data.get("unit"):
            cases = cases.filter(lead_unit=data["unit"])
        if data.get("category"):
            cases = cases.filter(category_q(data["category"].path))
        if data.get("township"):
            cases = cases.filter(township=data["township"])
        if data.get("state"):
            cases = cases.filter(state=data["state"])
        if data.get("date_from"):
            cases = cases.filter(created_at__gte=_local_midnight(data["date_from"]))
        if data.get("date_to"):
            cases = cases.filter(created_at__lt=_local_midnight(data["date_to"] + timedelta(days=1)))
        return cases


# ---------------------------------------------------------------- actions on a case

YES_NO = [("yes", "是"), ("no", "否")]


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class ActionForm(Form):
    """Base of the action forms. Field names are unprefixed; ids carry the action (id_<action>_<field>)."""

    action: Action

    def __init__(self, *args: Any, case: Case, user: User | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action.value}_%s")
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user


class AnswerAtIntakeForm(ActionForm):
    action = Action.ANSWER_AT_INTAKE
    answer = forms.CharField(label="答复内容", widget=textarea(4), max_length=5000)


class DispatchForm(ActionForm):
    action = Action.DISPATCH
    lead_unit = UnitChoiceField(label="主办单位", queryset=Unit.objects.none())
    # Chips and a searchable tree (cases.widgets), not a Ctrl-click list nor 517 flat options.
    co_units = UnitMultipleChoiceField(
        label="协办单位", queryset=Unit.objects.none(), required=False, widget=UnitChipsWidget
    )
    category = CategoryChoiceField(
        label="事项分类", queryset=Category.objects.none(), required=False, widget=CategoryTreeWidget
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    note = forms.CharField(label="派单意见", required=False, widget=textarea(2), max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = Unit.objects.handlers().order_by("kind", "sort_order", "code")
        model_field(self, "lead_unit").queryset = handlers
        model_field(self, "co_units").queryset = handlers
        model_field(self, "category").queryset = leaf_categories()
        self.fields["urgency"].initial = self.case.urgency
        if self.case.category_id:
            self.fields["category"].initial = self.case.category_id
            category = self.case.category
            if category is not None and category.default_unit_id:
                self.fields["lead_unit"].initial = category.default_unit_id
        # Units whose 退单 the centre upheld: never offered again for this case (issue 10, item 4).
        self.excluded = Dispute.excluded_unit_ids(self.case)
        self._prefill_from_triage()
        if self.excluded:
            self._leave_out_returning_units()

    def _prefill_from_triage(self) -> None:
        """The triage's unit (from the administrators' rules) is the default a dispatcher confirms."""
        if self.excluded:  # re-resolved without the units whose return was upheld
            best = hooks.redispatch_advice(self.case, exclude=self.excluded)
        else:
            best = hooks.triage_advice(self.case)
        self._prefill_category(best)
        if best is None or best.lead_unit_id is None:
            return
        self.fields["lead_unit"].initial = best.lead_unit_id
        if best.co_units:
            suggested = list(Unit.objects.filter(code__in=best.co_units).values_list("pk", flat=True))
            self.fields["co_units"].initial = suggested
            cast("UnitChipsWidget", self.fields["co_units"].widget).suggested = {str(pk) for pk in suggested}

    def _prefill_category(self, best: Any) -> None:
        """The triage's full path is pre-selected when it refines the case's own category (none, or
        an ancestor of it) and is a leaf that cases may be filed under."""
        category = getattr(best, "category", None) if best is not None else None
        if category is None or not category.is_active:
            return
        own = self.case.category
        if own is not None and own.pk != category.pk and not category.path.startswith(own.path + "/"):
            return
        if not leaf_categories().filter(pk=category.pk).exists():
            return
        self.fields["category"].initial = category.pk
        cast("CategoryTreeWidget", self.fields["category"].widget).suggested_id = category.pk

    def _leave_out_returning_units(self) -> None:
        """The returning units are not in the lead list nor pre-filled anywhere; the unit the centre
        named in its ruling (or the one the returning unit suggested) is offered first."""
        lead = model_field(self, "lead_unit")
        lead.queryset = cast("QuerySet[Unit]", lead.queryset).exclude(pk__in=self.excluded)
        ruled = self.case.disputes.filter(status=Dispute.Status.UPHELD).order_by("-ruled_at").first()
        named = (ruled.decided_unit_id or ruled.suggested_unit_id) if ruled is not None else None
        if named is not None and named not in self.excluded:
            self.fields["lead_unit"].initial = named
        elif self.fields["lead_unit"].initial in self.excluded:
            self.fields["lead_unit"].initial = None
        co_initial = self.fields["co_units"].initial or []
        self.fields["co_units"].initial = [pk for pk in co_initial if pk not in self.excluded]
        co = model_field(self, "co_units")
        co.queryset = cast("QuerySet[Unit]", co.queryset).exclude(pk__in=self.excluded)  # nor as co-unit
        excluded = Unit.objects.filter(pk__in=self.excluded).order_by("code")
        names = "、".join(excluded.values_list("name", flat=True))
        self.fields["lead_unit"].help_text = f"退单异议已审核成立，不再派给：{names}"


class AcceptForm(ActionForm):
    action = Action.ACCEPT


class ReturnForm(ActionForm):
    action = Action.RETURN
    reason_kind = forms.ChoiceField(label="退单理由", choices=[("", "（请选择）"), *ReturnReason.choices])
    reason = forms.CharField(
        label="退单说明", widget=textarea(2), max_length=500, help_text="写明不属于本单位的依据（至少4个字）"
    )
    suggested_unit = UnitChoiceField(
        label="建议承办单位", queryset=Unit.objects.none(), required=False, empty_label="（不确定）"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Unit.objects.handlers().order_by("kind", "sort_order", "code")
        if self.case.lead_unit_id is not None:
            others = others.exclude(pk=self.case.lead_unit_id)
        model_field(self, "suggested_unit").queryset = others


class RuleDisputeForm(ActionForm):
    """派单异议审核: the centre's ruling on a unit's return."""

    action = Action.RULE_DISPUTE
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("upheld", "异议成立，另行派单"), ("rejected", "异议不成立，退回原单位办理")],
        widget=forms.RadioSelect,
    )
    decided_unit = UnitChoiceField(
        label="认定承办单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（派单时再定）",
        help_text="异议成立时填写，重新派单时优先推荐",
    )
    note = forms.CharField(
        label="审核意见",
        required=False,
        widget=textarea(2),
        max_length=500,
        help_text="异议不成立时必填，承办单位可见",
    )
    amend_catalogue = forms.BooleanField(label="据此修订派单目录", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dispute = self.case.disputes.filter(status=Dispute.Status.PENDING).first()
        units = Unit.objects.handlers().order_by("kind", "sort_order", "code")
        if dispute is not None:
            units = units.exclude(pk=dispute.unit_id)
            self.fields["decided_unit"].initial = dispute.suggested_unit_id
        model_field(self, "decided_unit").queryset = units


class ExtensionForm(ActionForm):
    action = Action.REQUEST_EXTENSION
    days = forms.IntegerField(label="延期工作日", min_value=1, max_value=30, initial=3)
    reason = forms.CharField(label="延期理由", widget=textarea(2), max_length=1000)


class DecideExtensionForm(ActionForm):
    action = Action.DECIDE_EXTENSION
    decision = forms.ChoiceField(
        label="审批结果", choices=[("approve", "同意延期"), ("refuse", "不同意")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="审批意见", required=False, widget=textarea(2), max_length=500)


class SuspensionForm(ActionForm):
    action = Action.REQUEST_SUSPENSION
    reason = forms.ChoiceField(label="挂起事由", choices=SuspensionReason.choices)
    document = forms.CharField(label="依据文书", max_length=200, help_text="文书名称及文号")
    days = forms.IntegerField(label="挂起工作日", min_value=1, max_value=60, initial=10)
    explanation = forms.CharField(label="情况说明", widget=textarea(2), max_length=1000)


class DecideSuspensionForm(ActionForm):
    action = Action.DECIDE_SUSPENSION
    decision = forms.ChoiceField(
        label="审批结果", choices=[("approve", "同意挂起"), ("refuse", "不同意")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="审批意见", required=False, widget=textarea(2), max_length=500)


class ResumeForm(ActionForm):
    action = Action.RESUME
    note = forms.CharField(label="恢复说明", required=False, widget=textarea(2), max_length=500)


class RepinForm(ActionForm):
    action = Action.REPIN
    reason = forms.CharField(label="重算理由", widget=textarea(2), max_length=500)


class ContactForm(ActionForm):
    action = Action.CONTACT
    way = forms.ChoiceField(label="联系方式", choices=ContactWay.choices, initial=ContactWay.PHONE)
    reached = forms.ChoiceField(
        label="是否联系上",
        choices=[("yes", "已联系上"), ("no", "未联系上")],
        widget=forms.RadioSelect,
        initial="yes",
    )
    note = forms.CharField(
        label="联系情况",
        widget=textarea(2),
        max_length=1000,
        help_text="沟通的内容与约定；未联系上时写明原因（如无人接听、号码停机）",
    )


class ContributeForm(ActionForm):
    action = Action.CONTRIBUTE
    body = forms.CharField(label="协办意见", widget=textarea(3), max_length=5000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's own recipe): cleans to a list of uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": attachments.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReplyForm(ActionForm):
    action = Action.REPLY
    body = forms.CharField(label="答复内容", widget=textarea(5), max_length=5000)
    result = forms.CharField(label="办理结果", required=False, max_length=200)
    reply_files = MultipleFileField(
        label="附件",
        required=False,
        help_text=(
            f"可附现场照片或 PDF 文件，最多 {attachments.MAX_FILES} 个；图片不超过"
            f" {attachments.MAX_IMAGE_BYTES // (1024 * 1024)}MB（去除拍摄位置等信息后保存），"
            f"PDF 不超过 {attachments.MAX_PDF_BYTES // (1024 * 1024)}MB。审核通过后诉求人可查看。"
        ),
    )
    # The reply template the draft started from (set by the template picker), counted by its app.
    template = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = hooks.reply_templates(self.case, self.user) if self.user is not None else []

    def clean_reply_files(self) -> list[attachments.CleanFile]:
        uploads = self.cleaned_data.get("reply_files") or []
        if len(uploads) > attachments.MAX_FILES:
            raise forms.ValidationError(f"附件最多 {attachments.MAX_FILES} 个（现为 {len(uploads)} 个）。")
        try:
            return [attachments.read_upload(upload, upload.name or "附件") for upload in uploads]
        except attachments.BadFile as error:
            raise forms.ValidationError(str(error), code="file") from None


class ApproveForm(ActionForm):
    action = Action.APPROVE_REPLY
    note = forms.CharField(label="审核意见", required=False, max_length=500)


class RejectReplyForm(ActionForm):
    action = Action.REJECT_REPLY
    note = forms.CharField(label="退回意见", widget=textarea(2), max_length=500)


class CallbackForm(ActionForm):
    action = Action.CALLBACK
    reached = forms.ChoiceField(
        label="是否接通",
        choices=[("yes", "已接通"), ("no", "未接通")],
        widget=forms.RadioSelect,
        initial="yes",
    )
    resolved = forms.ChoiceField(label="是否解决", choices=YES_NO, widget=forms.RadioSelect, required=False)
    satisfaction = forms.ChoiceField(
        label="满意度", choices=Satisfaction.choices, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(label="回访意见", required=False, widget=textarea(2), max_length=1000)


class ClaimCallbackForm(ActionForm):
    action = Action.CLAIM_CALLBACK


class ReleaseCallbackForm(ActionForm):
    action = Action.RELEASE_CALLBACK


class ReportRectificationForm(ActionForm):
    action = Action.REPORT_RECTIFICATION
    report = forms.CharField(
        label="整改情况",
        widget=textarea(4),
        max_length=2000,
        help_text="针对诉求人的差评意见，写明已采取的整改措施和结果",
    )


class VerifyRectificationForm(ActionForm):
    action = Action.VERIFY_RECTIFICATION
    decision = forms.ChoiceField(
        label="核实结果",
        choices=[("accept", "整改到位，转回访"), ("return", "整改不到位，退回承办单位")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="核实意见", required=False, widget=textarea(2), max_length=500, help_text="退回时必填"
    )


class CloseForm(ActionForm):
    action = Action.CLOSE
    note = forms.CharField(label="结案说明", required=False, widget=textarea(2), max_length=500)


class ReopenForm(ActionForm):
    action = Action.REOPEN
    reason = forms.CharField(label="重办理由", widget=textarea(2), max_length=500)


class MergeForm(ActionForm):
    action = Action.MERGE
    parent = forms.CharField(label="主工单受理编号", max_length=20)
    note = forms.CharField(label="合并说明", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        best = hooks.triage_advice(self.case)
        if best is not None and best.duplicates:  # the most similar open case the triage found
            self.fields["parent"].initial = best.duplicates[0]["number"]


class TransferForm(ActionForm):
    action = Action.TRANSFER
    target = forms.CharField(label="转办去向", max_length=100)
    note = forms.CharField(label="转办说明", required=False, widget=textarea(2), max_length=500)


class SuperviseForm(ActionForm):
    action = Action.SUPERVISE
    body = forms.CharField(label="督办要求", widget=textarea(3), max_length=2000)
    respond_days = forms.IntegerField(label="反馈期限（工作日）", min_value=1, max_value=30, initial=2)


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        AnswerAtIntakeForm,
        DispatchForm,
        AcceptForm,
        ReturnForm,
        ContactForm,
        RuleDisputeForm,
        ExtensionForm,
        DecideExtensionForm,
        SuspensionForm,
        DecideSuspensionForm,
        ResumeForm,
        RepinForm,
        ContributeForm,
        ReplyForm,
        ApproveForm,
        RejectReplyForm,
        CallbackForm,
        ClaimCallbackForm,
        ReleaseCallbackForm,
        ReportRectificationForm,
        VerifyRectificationForm,
        CloseForm,
        ReopenForm,
        MergeForm,
        TransferForm,
        SuperviseForm,
    )
}


# ---------------------------------------------------------------- bulk actions on a queue


class BulkDispatchForm(Form):
    """批量派单: one unit (and co-units) for every case, or — left empty — each case's suggestion."""

    lead_unit = UnitChoiceField(
        label="主办单位", queryset=Unit.objects.none(), required=False, empty_label="按各件的分拣建议派单"
    )
    co_units = UnitMultipleChoiceField(
        label="协办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label="派单意见", required=False, widget=textarea(2), max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = Unit.objects.handlers().order_by("kind", "sort_order", "code")
        model_field(self, "lead_unit").queryset = handlers
        model_field(self, "co_units").queryset = handlers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("co_units") and not data.get("lead_unit"):
            self.add_error("co_units", "按分拣建议派单时协办单位取自建议；指定协办单位请先选择主办单位。")
        return data

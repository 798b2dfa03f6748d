"""The forms of the 控违 pages: a report, the filters, and one form per action."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from enforcement import geo
from enforcement.models import Accountability, AppealKind, Channel, DismissReason, LandType, Ruling, Structure
from enforcement.workflow import Action, State
from org.models import Unit, UnitKind


class MultiplePhotos(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from a phone's camera or album; checked by mochou.images in the verb."""

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        widget = MultiplePhotos(attrs={"accept": "image/*", "capture": "environment"})
        super().__init__(required=required, widget=widget, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请上传现场照片。")
        return [super(PhotosField, self).clean(f, initial) for f in files]


class DocumentFilesField(PhotosField):
    """The scanned or exported documents of a 复议/诉讼 (images or PDF; checked in the verb by
    cases.attachments, the answers' attachments' check)."""

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        from cases.attachments import ACCEPT

        super().__init__(required=required, **kwargs)
        self.widget = MultiplePhotos(attrs={"accept": ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请上传文书（图片或PDF）。")
        return [forms.FileField.clean(self, f, initial) for f in files]


def _townships() -> Any:
    return Unit.objects.townships().order_by("sort_order", "code")


def villages_of(townships: Any, chosen: Any) -> Any:
    """The active villages/communities (org units) of one township among `townships`; none when
    no township is chosen yet or the value is not one of them."""
    try:
        pk = int(str(chosen))
    except (TypeError, ValueError):
        return Unit.objects.none()
    return (
        Unit.objects.active()
        .filter(kind=UnitKind.VILLAGE, parent_id=pk, parent__in=townships)
        .order_by("sort_order", "code")
    )


class ReportForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Unit.objects.none())
    village = forms.ModelChoiceField(
        label="村（社区）",
        queryset=Unit.objects.none(),
        required=False,
        help_text="所选乡镇（街道）下的村（社区），按国家统计局统计用区划代码。",
    )
    address = forms.CharField(label="地址", max_length=200)
    lat = forms.FloatField(label="纬度", required=False)
    lng = forms.FloatField(label="经度", required=False)
    crs = forms.ChoiceField(
        label="坐标系",
        choices=[(geo.WGS84, "WGS84（GPS）"), (geo.GCJ02, "GCJ-02（高德/腾讯地图）")],
        initial=geo.WGS84,
    )
    area = forms.DecimalField(label="面积（㎡）", max_digits=10, decimal_places=2, min_value=0)
    structure = forms.ChoiceField(label="结构", choices=Structure.choices)
    land_type = forms.ChoiceField(label="土地性质", choices=LandType.choices)
    built_on = forms.DateField(
        label="始建日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label="发现渠道", choices=Channel.choices, initial=Channel.PATROL)
    description = forms.CharField(label="情况描述", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    owner_name = forms.CharField(label="当事人", max_length=50, required=False)
    owner_phone = forms.CharField(label="当事人电话", max_length=20, required=False)
    photos = PhotosField(label="现场照片（拆除前）")

    def __init__(
        self, *args: Any, user: Any = None, hotline: bool = False, patrol: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patrol = patrol
        from enforcement.guards import is_office

        townships = _townships()
        if user is not None and not is_office(user):
            townships = townships.filter(pk=user.unit_id)
            self.fields["township"].initial = user.unit_id
        cast("forms.ModelChoiceField[Unit]", self.fields["township"]).queryset = townships
        # The villages of the chosen township only (the page reloads them when the township
        # changes, enforcement.views.violations.villages); the verb checks the pair again.
        chosen = self.data.get("township") if self.is_bound else self.initial.get("township")
        chosen = chosen or self.fields["township"].initial
        villages = villages_of(townships, chosen)
        cast("forms.ModelChoiceField[Unit]", self.fields["village"]).queryset = villages
        self.fields["township"].widget.attrs.update(
            {
                "hx-get": reverse("enforcement:villages"),
                "hx-target": "#id_village",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )
        if hotline:
            del self.fields["channel"]
        if not self.is_bound:
            self.fields["built_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["patrol"] = self.patrol
        return data


class PatrolForm(forms.Form):
    area = forms.CharField(
        label="巡查区域",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：莫愁湖社区一至三组"}),
    )
    note = forms.CharField(label="备注", max_length=500, required=False)


class PatchImportForm(forms.Form):
    file = forms.FileField(label="卫片图斑文件（CSV 或 GeoJSON）")


class FilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *State.choices], required=False)
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    kind = forms.ChoiceField(
        label="类别", choices=[("", "全部"), ("new", "新增"), ("old", "存量")], required=False
    )
    overdue = forms.BooleanField(label="只看超期", required=False)
    q = forms.CharField(label="编号/地址", required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["township"]).queryset = _townships()


class NoteForm(forms.Form):
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label="核查结论", choices=DismissReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="核查说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    due = forms.DateField(
        label="计划处置日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label="处置计划", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OrderForm(NoteForm):
    days = forms.IntegerField(label="自拆期限（天）", min_value=1, max_value=90, initial=7)


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=AppealKind.choices)
    document = forms.CharField(label="复议/诉讼文书（文号、名称）", max_length=500)
    documents = DocumentFilesField(label="申请书/起诉状（扫描件或PDF）")


class RulingForm(forms.Form):
    document = forms.CharField(label="结果文书（文号、名称）", max_length=500)
    documents = DocumentFilesField(label="复议决定书/判决书（扫描件或PDF）")
    # A 维持 leaves the owner 15 days from service to sue or appeal (行政诉讼法 §45, §85): 强拆 waits.
    served_on = forms.DateField(
        label="结果文书送达当事人日期（维持时填写）",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    ruling = forms.ChoiceField(
        label="判决审级（行政诉讼维持时填写）",
        choices=[
            ("", "—"),
            (Ruling.FIRST_INSTANCE, "一审判决（当事人可上诉）"),
            (Ruling.FINAL, Ruling.FINAL.label),
        ],
        required=False,
    )
    days = forms.IntegerField(
        label="新的自拆期限（天，复议前未下达限拆决定时填写）", min_value=1, max_value=90, required=False
    )


class DemolishForm(NoteForm):
    photos = PhotosField(label="拆除现场照片", required=True)


class ReinspectForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="复核结论",
        choices=[("1", "拆除到位，复核通过"), ("0", "未拆除到位，复核不通过")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    photos = PhotosField(label="复核现场照片", required=True)
    note = forms.CharField(label="复核意见", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="不通过时重新限期（天）", min_value=1, max_value=90, initial=7)


class AccountForm(forms.Form):
    person = forms.CharField(label="被问责人", max_length=50)
    unit = forms.ModelChoiceField(label="所在单位", queryset=Unit.objects.none())
    form = forms.ChoiceField(label="问责方式", choices=Accountability.Form.choices)
    decided_on = forms.DateField(
        label="问责日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label="问责事由", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = Unit.objects.active().filter(
            kind__in=[UnitKind.TOWNSHIP, UnitKind.DEPARTMENT, UnitKind.VILLAGE]
        )


ACTION_FORMS: dict[Action, type[forms.Form]] = {
    Action.CONFIRM: NoteForm,
    Action.DISMISS: DismissForm,
    Action.STOP: NoteForm,
    Action.PLAN: PlanForm,
    Action.ORDER: OrderForm,
    Action.APPEAL: AppealForm,
    Action.UPHOLD: RulingForm,
    Action.REVOKE: RulingForm,
    Action.SELF_DEMOLISH: DemolishForm,
    Action.ANNOUNCE: NoteForm,
    Action.FORCE_DEMOLISH: DemolishForm,
    Action.REINSPECT: ReinspectForm,
    Action.SIGN_OFF: NoteForm,
    Action.ACCOUNT: AccountForm,
}

HINTS: dict[Action, str] = {
    Action.CONFIRM: "现场核查属实，认定为违法建设",
    Action.DISMISS: "现场核查不属实，或已取得合法手续，办结并说明理由",
    Action.STOP: "当场制止并下达《责令停止建设通知书》",
    Action.PLAN: "存量违建列入处置计划，按计划日期处置",
    Action.ORDER: "下达《限期拆除决定书》，当事人在期限内自行拆除",
    Action.APPEAL: "当事人申请复议或提起诉讼：自拆期限中止计算",
    Action.UPHOLD: "复议/诉讼维持原决定：按剩余期限继续执行；送达后15日内仍可起诉或上诉，期满前不得强拆",
    Action.REVOKE: "复议/诉讼撤销原决定：案件办结",
    Action.SELF_DEMOLISH: "当事人已自行拆除，上传拆除现场照片",
    Action.ANNOUNCE: "逾期未拆除：发布《强制拆除公告》，限当事人在公告期内自行拆除（行政强制法第四十四条）",
    Action.FORCE_DEMOLISH: "公告期满仍未拆除，依法组织强拆（生成《强制执行决定书》）",
    Action.REINSPECT: "拆除人、发现人以外的人员到现场复核并拍照",
    Action.SIGN_OFF: "复核通过，销号办结",
    Action.ACCOUNT: "记录问责：被问责人、单位、方式、日期",
}

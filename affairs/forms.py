"""The forms of the 一网通办 pages: applying (online, at the window), the actions, the catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from affairs import catalogue
from affairs.formfields import TEXT_MAX, Kind, clean_answer, fields_text, parse_fields
from affairs.models import Application, Category, Matter, MatterKind, OnBehalfFor, Partner, Visits
from affairs.services.applications import ApplicantData, OnBehalf
from affairs.workflow import RATINGS, Action, Delivery, State
from mochou.errors import DomainError
from org.models import Unit, UnitKind


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


def _matter_label(matter: Matter) -> str:
    return f"{matter.department.display_name} · {matter.name}"


class ApplicantForm(forms.Form):
    name = forms.CharField(label="申请人（姓名或企业名称）", max_length=100)
    id_number = forms.CharField(label="身份证号或统一社会信用代码", max_length=18, min_length=18)
    phone = forms.CharField(label="联系电话", max_length=20)
    address = forms.CharField(label="联系地址（邮寄送达时填写）", max_length=200, required=False)
    is_enterprise = forms.BooleanField(label="以企业名义申请", required=False)
    keep = forms.BooleanField(
        label="同意留存本次可复用的材料和办结证照（两年），下次办事不再重复提交", required=False
    )

    def applicant(self) -> ApplicantData:
        d = self.cleaned_data
        return ApplicantData(
            d["name"], d["id_number"], d["phone"], d.get("address", ""), d.get("is_enterprise", False)
        )


def _material_choices(materials: list[dict[str, Any]]) -> list[tuple[str, str]]:
    labels = dict(catalogue.FORM_LABELS)
    return [
        (m["name"], f"{m['name']}（{labels.get(m.get('form', ''), '原件')}{m.get('count', 1)}份）")
        for m in materials
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe); each is checked by the
    materials' file checker (affairs.services.files), not here."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def add_file_fields(form: forms.Form, names: list[str]) -> None:
    """One upload per material (`file_<i>`): a file uploaded for it counts as provided."""
    form.material_files = names  # type: ignore[attr-defined]
    for i, name in enumerate(names):
        form.fields[f"file_{i}"] = MultipleFileField(label=f"上传“{name}”（图片或 PDF）", required=False)


def uploads(form: forms.Form, files: Any) -> list[tuple[str, Any]]:
    """(material, uploaded file) for each file sent, from request.FILES."""
    names: list[str] = getattr(form, "material_files", [])
    return [(name, f) for i, name in enumerate(names) for f in files.getlist(f"file_{i}")]


def file_fields(form: forms.Form) -> list[forms.BoundField]:
    return [form[f"file_{i}"] for i in range(len(getattr(form, "material_files", [])))]


class AnswerField(forms.Field):
    """One of the matter's form fields (affairs.formfields), cleaned by the one reader the API uses."""

    def __init__(self, spec: dict[str, Any], **kwargs: Any) -> None:
        self.spec = spec
        kind = spec["kind"]
        widget: forms.Widget
        if kind == Kind.CHOICE:
            widget = forms.Select(choices=[("", "请选择"), *((o, o) for o in spec["options"])])
        elif kind == Kind.DATE:
            widget = forms.DateInput(attrs={"type": "date"})
        elif kind == Kind.NUMBER:
            widget = forms.TextInput(attrs={"inputmode": "decimal"})
        elif kind == Kind.PHONE:
            widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        elif kind == Kind.ID_NUMBER:
            widget = forms.TextInput(attrs={"maxlength": "18", "autocomplete": "off"})
        else:
            widget = forms.TextInput(attrs={"maxlength": str(TEXT_MAX)})
        super().__init__(
            label=spec["label"], required=bool(spec.get("required")), help_text=spec.get("help", ""),
            widget=widget, **kwargs,
        )  # fmt: skip

    def clean(self, value: Any) -> str:
        try:
            return clean_answer(self.spec, value)
        except DomainError as error:
            raise forms.ValidationError(error.message, code="answer") from error


def add_answer_fields(form: forms.Form, fields: list[dict[str, Any]]) -> None:
    """The matter's (or the package's union of) form fields, as `answer_<key>`."""
    form.answer_keys = [spec["key"] for spec in fields]  # type: ignore[attr-defined]
    for spec in fields:
        form.fields[f"answer_{spec['key']}"] = AnswerField(spec)


def answers_form(fields: Sequence[dict[str, Any]]) -> forms.Form:
    """An unbound form of just these fields (the 收件 form's htmx fragment renders it)."""
    form = forms.Form()
    add_answer_fields(form, list(fields))
    return form


def answer_fields(form: forms.Form) -> list[forms.BoundField]:
    return [form[f"answer_{key}"] for key in getattr(form, "answer_keys", [])]


def answers(form: forms.Form) -> dict[str, str]:
    """The cleaned answers (after is_valid), keyed as the catalogue's fields."""
    return {key: form.cleaned_data.get(f"answer_{key}", "") for key in getattr(form, "answer_keys", [])}


class ApplyForm(ApplicantForm):
    """网上申报: the applicant ticks each material they have, or uploads its scan or photo."""

    provided = forms.MultipleChoiceField(
        label="已备齐的材料", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="未备齐的材料窗口会一次性告知，补正一次即可。",
    )  # fmt: skip
    note = forms.CharField(
        label="申请说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(label="我同意政务服务部门为办理本事项使用我填写的个人信息")

    def __init__(
        self,
        *args: Any,
        materials: list[dict[str, Any]],
        fields: Sequence[dict[str, Any]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "provided", _material_choices(materials))
        add_file_fields(self, [m["name"] for m in materials])
        add_answer_fields(self, list(fields))


class WindowForm(ApplicantForm):
    """综窗收件: any matter of any department."""

    matter = forms.ModelChoiceField(label="事项", queryset=Matter.objects.none())
    provided = forms.MultipleChoiceField(
        label="已收材料", required=False, widget=forms.CheckboxSelectMultiple
    )
    scans = MultipleFileField(label="材料扫描件或照片（可多选，图片或 PDF）", required=False)
    on_behalf = forms.BooleanField(label="帮办代办（为老年人、残疾人等代为申报）", required=False)
    on_behalf_for = forms.ChoiceField(
        label="代办对象", required=False, choices=[("", "—"), *OnBehalfFor.choices]
    )
    on_behalf_note = forms.CharField(label="代办原因", required=False, max_length=200)
    partner = forms.ModelChoiceField(
        label="办理地（跨域通办）", required=False, queryset=Partner.objects.none(), empty_label="本地办理",
        help_text="异地事项：本窗口收件预审，转办理地审批，结果回本窗口出件。",
    )  # fmt: skip
    note = forms.CharField(
        label="申请说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["matter"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
        # A matter that cannot be applied for at the window is not offered at the window.
        field.queryset = (
            Matter.objects.live()
            .filter(at_window=True)
            .select_related("department")
            .order_by("department__code", "code")
        )
        field.label_from_instance = _matter_label  # type: ignore[method-assign,assignment]
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)  # noqa: S101 (declared above)
        partner.queryset = Partner.objects.filter(is_active=True).exclude(key="")
        names: list[tuple[str, str]] = []
        seen: set[str] = set()
        for m in Matter.objects.live().filter(at_window=True).only("materials"):
            for item in m.materials:
                if item["name"] not in seen:
                    seen.add(item["name"])
                    names.append((item["name"], item["name"]))
        _choices(self, "provided", names)
        # The chosen matter's own form fields (loaded by htmx with its materials): known only once
        # the form is sent, so they are added for the matter sent.
        self.chosen = self._chosen(field.queryset)
        add_answer_fields(self, self.chosen.fields if self.chosen else [])

    def _chosen(self, live: Any) -> Matter | None:
        raw = str(self.data.get("matter", "")) if self.is_bound else ""
        return live.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None

    def helped(self) -> OnBehalf | None:
        d = self.cleaned_data
        return OnBehalf(d["on_behalf_for"], d["on_behalf_note"]) if d["on_behalf"] else None


class ConsultForm(forms.Form):
    """A question about a matter, answered by 12345 from the matter's guide."""

    question = forms.CharField(label="您的问题", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    name = forms.CharField(label="称呼（可选）", max_length=40, required=False)
    phone = forms.CharField(label="手机号（可选，用于回访）", max_length=20, required=False)

    def clean_phone(self) -> str:
        from accounts.phones import read_phone

        raw = str(self.cleaned_data.get("phone") or "").strip()
        phone = read_phone(raw) if raw else ""
        if raw and not phone:
            raise forms.ValidationError("手机号码格式不正确。")
        return phone or ""


class TrackForm(forms.Form):
    number = forms.CharField(label="办件编号", max_length=24)
    phone = forms.CharField(label="申请时填写的联系电话", max_length=20)


class NotifyForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="需补正的材料", required=False, widget=forms.CheckboxSelectMultiple
    )
    more = forms.CharField(
        label="其他需补正的事项（每行一项）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label="告知说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, app: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = [
            (m["name"], f"{m['name']}（已提交，但不符合要求）") for m in app.materials if m.get("provided")
        ]
        _choices(self, "items", [(n, n) for n in app.missing] + given)
        self.initial.setdefault("items", app.missing)

    def data_for(self) -> dict[str, Any]:
        d = self.cleaned_data
        more = [line.strip() for line in d["more"].splitlines() if line.strip()]
        return {"items": [*d["items"], *more], "note": d["note"]}


class CorrectForm(forms.Form):
    provided = forms.MultipleChoiceField(
        label="补正的材料", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, app: Application, with_files: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "provided", [(n, n) for n in app.missing])
        self.initial.setdefault("provided", app.missing)
        if with_files:  # the applicant's page; at the window the clerk sees the papers
            add_file_fields(self, app.missing)


class NoteForm(forms.Form):
    note = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    note = forms.CharField(
        label="理由（必填，申请人可见）", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class GrantForm(NoteForm):
    licence_number = forms.CharField(label="证照/批文编号（留空自动编号）", max_length=40, required=False)


class DeliverForm(forms.Form):
    delivery = forms.ChoiceField(
        label="出件方式", choices=Delivery.choices, widget=forms.RadioSelect, initial=Delivery.WINDOW
    )
    tracking_number = forms.CharField(label="邮寄单号（邮寄时必填）", max_length=40, required=False)


RATING_CHOICES = [(str(level), f"{level}星 {label}") for level, label in RATINGS.items()]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评价", choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="评价意见（差评必填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RectifyForm(forms.Form):
    note = forms.CharField(
        label="整改情况（申请人可见）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class _Empty(forms.Form):
    pass


def action_form(action: Action, app: Application, data: Any = None) -> forms.Form:
    if action == Action.NOTIFY:
        return NotifyForm(data, app=app, prefix=action.value)
    if action == Action.CORRECT:
        return CorrectForm(data, app=app, prefix=action.value)
    if action in (Action.REFUSE, Action.DENY):
        return ReasonForm(data, prefix=action.value)
    if action == Action.GRANT:
        return GrantForm(data, prefix=action.value)
    if action == Action.DELIVER:
        return DeliverForm(data, prefix=action.value)
    if action == Action.RATE:
        return RateForm(data, prefix=action.value)
    if action == Action.RECTIFY:
        return RectifyForm(data, prefix=action.value)
    if action in (Action.APPROVE_STEP, Action.WITHDRAW):
        return NoteForm(data, prefix=action.value)
    return _Empty(data, prefix=action.value)


def form_data(action: Action, form: forms.Form) -> dict[str, Any]:
    if isinstance(form, NotifyForm):
        return form.data_for()
    return dict(form.cleaned_data)


class QueueFilter(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    mine = forms.BooleanField(label="待我办理", required=False)
    late = forms.BooleanField(label="临期/超期", required=False)
    q = forms.CharField(label="编号或事项", required=False, max_length=40)


class MatterForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=100)
    category = forms.ChoiceField(label="主题分类", choices=Category.choices)
    department = forms.ModelChoiceField(
        label="实施部门", queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    )
    kind = forms.ChoiceField(label="办件类型", choices=MatterKind.choices)
    statutory_days = forms.IntegerField(label="法定办结时限（工作日）", min_value=0, max_value=365)
    promised_days = forms.IntegerField(label="承诺办结时限（工作日）", min_value=0, max_value=365)
    materials = forms.CharField(
        label="申请材料", widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text="每行一项：名称｜原件/复印件/原件及复印件｜份数｜可复用（可选）｜证照来源事项编码（可选）",
    )  # fmt: skip
    # Not `fields`: that is the form's own dict of fields.
    form_fields = forms.CharField(
        label="申请表字段", widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text=(
            "每行一项：键｜标签｜类型｜必填或选填（可加“、个人信息”）｜选项（选项类型用、分隔）｜填写说明；"
            "类型为文本、数字、日期、选项、身份证号或电话。例：baby_name｜新生儿姓名｜文本｜必填、个人信息"
        ),
    )  # fmt: skip
    steps = forms.CharField(
        label="审批环节",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：环节名称｜承办人或负责人",
    )
    fee = forms.CharField(label="收费标准", max_length=200, required=False)
    online = forms.BooleanField(label="可网上申报", required=False)
    at_window = forms.BooleanField(label="可窗口申报", required=False)
    visits = forms.TypedChoiceField(label="跑动次数", choices=Visits.choices, coerce=int)
    how = forms.CharField(label="办理流程", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(label="办理地点", max_length=200, required=False)
    legal_basis = forms.CharField(label="设定依据", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guide_slug = forms.CharField(
        label="莫愁指南标识（knowledge 的指南，留空不关联）", max_length=64, required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and not getattr(user, "is_superuser", False):
            from affairs.office import is_office_staff

            if not is_office_staff(user):
                field = self.fields["department"]
                assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
                field.queryset = Unit.objects.filter(pk=user.unit_id)

    @staticmethod
    def initial_for(matter: Matter) -> dict[str, Any]:
        return {
            **{
                name: getattr(matter, name)
                for name in ("name", "category", "kind", "statutory_days", "promised_days")
            },
            "department": matter.department_id,
            "materials": catalogue.materials_text(matter.materials),
            "form_fields": fields_text(matter.fields),
            "steps": catalogue.steps_text(matter.steps),
            **{
                name: getattr(matter, name)
                for name in ("fee", "online", "at_window", "visits", "how", "location", "legal_basis")
            },
            "guide_slug": matter.guide.slug if matter.guide else "",
        }

    def values(self) -> dict[str, Any]:
        """The matter's content; raises InvalidInput on unreadable materials, steps or guide."""
        from knowledge.models import Guide
        from mochou.errors import InvalidInput

        d = dict(self.cleaned_data)
        slug = d.pop("guide_slug").strip()
        guide = Guide.objects.filter(slug=slug).first() if slug else None
        if slug and guide is None:
            raise InvalidInput("没有这个标识的莫愁指南。", code="affairs.matter.guide")
        d["materials"] = catalogue.parse_materials(d["materials"])
        d["fields"] = parse_fields(d.pop("form_fields"))
        d["steps"] = catalogue.parse_steps(d["steps"])
        d["guide"] = guide
        return d

"""The citizens' forms. They check what a person typed, with messages next to each field."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from accounts.phones import normalize_mobile
from cases.models import Kind, Satisfaction
from mochou.errors import InvalidInput
from mochou.images import MAX_BYTES, BadImage, clean_photo
from org.models import Unit
from portal.photos import MAX_PHOTOS, Photo

NUMBER_RE = re.compile(r"^\d{13}$")  # YYYYMMDD + five digits (cases.services._next_number)
MIN_TEXT, MAX_TEXT = 10, 2000


class Form(forms.Form):
    """Labels above their inputs, no trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def clean_mobile(raw: str) -> str:
    """The citizen's mobile (accounts.phones reads every spelling); the SMS needs a mobile."""
    try:
        return normalize_mobile(raw)
    except InvalidInput as error:
        if error.code == "invalid_input.required":
            raise forms.ValidationError("请填写手机号码。") from None
        raise forms.ValidationError("手机号码格式不正确，请填写11位手机号，如 13812345678。") from None


class TownshipField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Up to three photos, each opened and re-encoded without metadata (mochou.images).

    Yields Photo objects; the uploaded bytes go no further than this method.
    """

    widget = MultiplePhotoInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"}
    )

    def clean(self, value: Any) -> list[Photo]:
        files: list[UploadedFile] = [f for f in (value or []) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"最多上传{MAX_PHOTOS}张照片（您选择了{len(files)}张）。")
        photos = []
        for index, upload in enumerate(files, start=1):
            which = f"第{index}张照片" if len(files) > 1 else "照片"
            if upload.size is not None and upload.size > MAX_BYTES:
                raise forms.ValidationError(f"{which}超过{MAX_BYTES // (1024 * 1024)}MB，请压缩后再上传。")
            data = upload.read(MAX_BYTES + 1)
            try:
                image = clean_photo(data)
            except BadImage as exc:
                raise forms.ValidationError(f"{which}：{exc}") from None
            photos.append(Photo(image=image))
        return photos


class SubmitForm(Form):
    kind = forms.ChoiceField(label="诉求类型", choices=[("", "请选择"), *Kind.choices])
    content = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        help_text=f"请写清楚事情经过、地点和您的诉求，{MIN_TEXT}至{MAX_TEXT}字。",
        strip=False,  # counted after our own normalisation below
    )
    township = TownshipField(label="所在乡镇（街道）", queryset=Unit.objects.none(), empty_label="请选择")
    address = forms.CharField(
        label="详细地址", max_length=200, help_text="如：莫愁湖路12号；咨询可填所在小区或村。"
    )
    photos = PhotosField(
        label="照片（可选）",
        required=False,
        help_text=(
            f"最多{MAX_PHOTOS}张，JPEG、PNG、WebP 或 HEIC 格式，每张不超过{MAX_BYTES // (1024 * 1024)}MB；"
            "照片中的拍摄位置等信息不会保存。"
        ),
    )
    name = forms.CharField(label="您的称呼", max_length=40, help_text="可只填姓氏，如：张女士。")
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="用于接收受理编号、答复短信和查询进度。",
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息保护告知》",
        error_messages={"required": "请阅读并同意《个人信息保护告知》后再提交。"},
    )
    # Honeypot: hidden from people (off-screen, not focusable); bots that fill every field fill it.
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # form.fields holds plain Fields in the stubs; township is the TownshipField declared above.
        township = cast("forms.ModelChoiceField[Unit]", self.fields["township"])
        township.queryset = Unit.objects.townships().order_by("sort_order", "code")
        self.fields["kind"].error_messages["required"] = "请选择诉求类型。"
        self.fields["township"].error_messages["required"] = "请选择所在乡镇（街道）。"
        self.fields["township"].error_messages["invalid_choice"] = "请从列表中选择所在乡镇（街道）。"
        self.fields["address"].error_messages["required"] = "请填写详细地址。"
        self.fields["name"].error_messages["required"] = "请填写您的称呼。"
        self.fields["content"].error_messages["required"] = "请填写诉求内容。"
        self.fields["mobile"].error_messages["required"] = "请填写手机号码。"

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_content(self) -> str:
        text = self.cleaned_data["content"].replace("\r\n", "\n").strip()
        if not text:
            raise forms.ValidationError("请填写诉求内容。")
        if len(text) < MIN_TEXT:
            raise forms.ValidationError(
                f"诉求内容至少需要{MIN_TEXT}个字（现为{len(text)}个字），请写清楚一些。"
            )
        if len(text) > MAX_TEXT:
            raise forms.ValidationError(f"诉求内容不能超过{MAX_TEXT}个字（现为{len(text)}个字）。")
        return text

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class LookupForm(Form):
    number = forms.CharField(
        label="受理编号",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "请填写受理编号。"},
        help_text="提交诉求后页面和短信中的13位数字。",
    )
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请填写提交诉求时的手机号码。"},
    )

    def clean_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data["number"])
        if not NUMBER_RE.match(number):
            raise forms.ValidationError("受理编号为13位数字，如 2025092400001。")
        return number

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class RatingForm(Form):
    resolved = forms.ChoiceField(
        label="您反映的问题解决了吗？",
        choices=[("yes", "是"), ("no", "否")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择问题是否已解决。"},
    )
    satisfaction = forms.ChoiceField(
        label="您对办理结果满意吗？",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择非常满意、满意、基本满意、不满意或非常不满意。"},
    )
    comment = forms.CharField(
        label="意见建议（可选）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

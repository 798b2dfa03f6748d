"""A matter's own form fields (申请表) and the answers to them, read once for every door.

A matter declares its fields in the catalogue (`Matter.fields`, reviewed and versioned with the
rest of its content; an application pins them in its snapshot):
``{"key", "label", "kind", "required", "help", "options", "personal"}``. The department edits them
as lines, like the materials: ``键｜标签｜类型｜必填或选填（、个人信息）｜选项（、分隔）｜填写说明``.

A 一件事 asks the union of its parts' fields once: one key is one question, so two parts that
define the same key differently (label, kind or options) are refused at the catalogue's review
(`union_fields`, called before publishing). Answers are cleaned here for the pages and the API
alike: phone numbers through accounts.phones, ID numbers with their check digit (GB 11643).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from accounts.masking import id_check_digit_ok
from accounts.phones import PHONE_INVALID, read_phone
from accounts.privacy import mask_address, mask_id_number, mask_name, mask_phone
from affairs.catalogue import split_lines
from mochou.errors import Conflict, InvalidInput


class Kind(models.TextChoices):
    TEXT = "text", "文本"
    NUMBER = "number", "数字"
    DATE = "date", "日期"
    CHOICE = "choice", "选项"
    ID_NUMBER = "id_number", "身份证号"
    PHONE = "phone", "电话"


KIND_BY_LABEL = {str(label): value for value, label in Kind.choices}
# ID numbers and phones are always personal data; a text (a parent's name) says so in the catalogue.
ALWAYS_PERSONAL = frozenset({Kind.ID_NUMBER, Kind.PHONE})
KEY = re.compile(r"[a-z][a-z0-9_]{0,31}", re.ASCII)
TEXT_MAX = 200
NUMBER_DIGITS = 15
MAX_FIELDS = 40
# What makes two definitions of one key the same question (required and help may differ).
DEFINING = ("label", "kind", "options")


def _field_error(message: str, **details: Any) -> InvalidInput:
    return InvalidInput(message, code="affairs.matter.fields", details=details)


def normalised(raw: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """One field definition checked and in its stored shape (`where` names it in a message)."""
    key = str(raw.get("key", "")).strip()
    label = str(raw.get("label", "")).strip()
    kind = str(raw.get("kind", ""))
    if not KEY.fullmatch(key):
        raise _field_error(f"{where}字段键“{key}”应为小写英文字母开头的字母、数字或下划线（至多 32 位）。")
    if not label or len(label) > 40:
        raise _field_error(f"{where}字段“{key}”的标签不能为空，至多 40 字。")
    if kind not in Kind.values:
        raise _field_error(f"{where}字段“{key}”的类型应为文本、数字、日期、选项、身份证号或电话。")
    options = [str(o).strip()[:40] for o in raw.get("options") or [] if str(o).strip()]
    if kind == Kind.CHOICE and len(options) < 2:
        raise _field_error(f"{where}选项字段“{key}”至少要有两个选项（用、分隔）。")
    if kind != Kind.CHOICE and options:
        raise _field_error(f"{where}只有选项字段可以列出选项（字段“{key}”）。")
    if len(set(options)) != len(options):
        raise _field_error(f"{where}字段“{key}”的选项有重复。")
    return {
        "key": key,
        "label": label,
        "kind": kind,
        "required": bool(raw.get("required", False)),
        "help": str(raw.get("help", "")).strip()[:200],
        "options": options,
        "personal": bool(raw.get("personal", False)) or kind in ALWAYS_PERSONAL,
    }


def check_fields(fields: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A matter's fields, each checked, keys unique: what the catalogue stores."""
    if len(fields) > MAX_FIELDS:
        raise _field_error(f"一个事项至多 {MAX_FIELDS} 个表单字段。")
    rows = [normalised(f) for f in fields]
    seen: set[str] = set()
    for row in rows:
        if row["key"] in seen:
            raise _field_error(f"字段键“{row['key']}”重复。")
        seen.add(row["key"])
    return rows


def parse_fields(text: str) -> list[dict[str, Any]]:
    """One field a line: 键｜标签｜类型｜必填或选填（、个人信息）｜选项（、分隔）｜填写说明."""
    rows: list[dict[str, Any]] = []
    for number, parts in split_lines(text):
        where = f"第{number}行："
        if len(parts) < 4:
            raise _field_error(f"{where}应为“键｜标签｜类型｜必填或选填”，选项和填写说明可选。")
        flags = {f.strip() for f in parts[3].split("、") if f.strip()}
        if not flags <= {"必填", "选填", "个人信息"} or len(flags & {"必填", "选填"}) != 1:
            raise _field_error(f"{where}第四栏应为“必填”或“选填”，可加“、个人信息”。")
        if parts[2] not in KIND_BY_LABEL:
            raise _field_error(f"{where}类型应为文本、数字、日期、选项、身份证号或电话。")
        options = [o for o in parts[4].split("、")] if len(parts) > 4 else []
        rows.append(
            normalised(
                {
                    "key": parts[0], "label": parts[1], "kind": KIND_BY_LABEL[parts[2]],
                    "required": "必填" in flags, "personal": "个人信息" in flags, "options": options,
                    "help": "｜".join(parts[5:]),
                },
                where=where,
            )
        )  # fmt: skip
    return check_fields(rows)


def fields_text(fields: Iterable[Mapping[str, Any]]) -> str:
    lines = []
    for f in fields:
        flags = "必填" if f.get("required") else "选填"
        if f.get("personal") and f.get("kind") not in ALWAYS_PERSONAL:
            flags += "、个人信息"
        parts = [f["key"], f["label"], Kind(f["kind"]).label, flags]
        if f.get("options") or f.get("help"):
            parts.append("、".join(f.get("options") or []))
        if f.get("help"):
            parts.append(f["help"])
        lines.append("｜".join(str(p) for p in parts))
    return "\n".join(lines)


def _differs(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    names = {"label": "标签", "kind": "类型", "options": "选项"}
    return [names[k] for k in DEFINING if (a.get(k) or None) != (b.get(k) or None)]


def union_fields(parts: Iterable[tuple[str, Sequence[Mapping[str, Any]]]]) -> list[dict[str, Any]]:
    """The fields of several matters (name, fields), each key once, with the matters asking it;
    required if any part requires it. Two different definitions of one key are refused (409)."""
    seen: dict[str, dict[str, Any]] = {}
    for matter_name, fields in parts:
        for f in fields:
            row = seen.get(f["key"])
            if row is None:
                seen[f["key"]] = {**f, "matters": [matter_name]}
                continue
            differs = _differs(row, f)
            if differs:
                raise Conflict(
                    f"表单字段“{f['key']}”在“{row['matters'][0]}”和“{matter_name}”中的定义不一致"
                    f"（{'、'.join(differs)}不同）。同一“一件事”中同一字段只问一次，请统一定义。",
                    code="affairs.matter.field_conflict",
                    details={
                        "key": f["key"],
                        "matters": [row["matters"][0], matter_name],
                        "differs": differs,
                    },
                )
            row["required"] = row["required"] or bool(f.get("required"))
            row["help"] = row.get("help") or f.get("help", "")
            row["personal"] = row.get("personal") or bool(f.get("personal"))
            row["matters"].append(matter_name)
    return list(seen.values())


# ---------------------------------------------------------------- answers


def clean_answer(field: Mapping[str, Any], value: Any) -> str:
    """One answer in its stored form ("" for none), or InvalidInput with the Chinese reason."""
    label, kind = field["label"], field["kind"]
    if value is None or isinstance(value, bool):
        text = ""
    elif isinstance(value, int | float | Decimal) and kind == Kind.NUMBER:
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise _answer_error(field, f"{label}应为文字。")
    if not text:
        if field.get("required"):
            raise _answer_error(field, f"请填写{label}。" if kind != Kind.CHOICE else f"请选择{label}。")
        return ""
    if kind == Kind.TEXT:
        if len(text) > TEXT_MAX:
            raise _answer_error(field, f"{label}至多 {TEXT_MAX} 字。")
        return text
    if kind == Kind.NUMBER:
        return _number(field, text)
    if kind == Kind.DATE:
        return _date(field, text)
    if kind == Kind.CHOICE:
        if text not in field.get("options", []):
            raise _answer_error(field, f"{label}应为：{'、'.join(field.get('options', []))}。")
        return text
    if kind == Kind.ID_NUMBER:
        number = text.upper()
        if len(number) != 18 or not id_check_digit_ok(number):
            raise _answer_error(field, f"{label}不是有效的 18 位居民身份证号码（请核对末位校验码）。")
        return number
    phone = read_phone(text)
    if phone is None:
        raise _answer_error(field, f"{label}：{PHONE_INVALID}")
    return phone


def _number(field: Mapping[str, Any], text: str) -> str:
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        number = None
    if (
        number is None
        or not number.is_finite()
        or number < 0
        or len(number.as_tuple().digits) > NUMBER_DIGITS
    ):
        raise _answer_error(field, f"{field['label']}应为不小于 0 的数字（如 50 或 12.5）。")
    return format(number.normalize(), "f")


def _date(field: Mapping[str, Any], text: str) -> str:
    shaped = re.fullmatch(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?", text)
    try:
        day = date(*(int(g) for g in shaped.groups())) if shaped else None
    except ValueError:
        day = None
    if day is None:
        raise _answer_error(field, f"{field['label']}应为日期，如 2026-03-05。")
    return day.isoformat()


def _answer_error(field: Mapping[str, Any], message: str) -> InvalidInput:
    return InvalidInput(
        message,
        code="affairs.answer_invalid",
        details={"field": f"answers.{field['key']}", "key": field["key"]},
    )


def clean_answers(
    fields: Sequence[Mapping[str, Any]], answers: Mapping[str, Any], *, complete: bool = True
) -> dict[str, str]:
    """Every answer cleaned, keyed as the fields. An unknown key is refused; every error is named
    in one refusal (`details.errors`: key → message). `complete=False` (a partner's forwarded
    application, checked against its own copy of the catalogue) drops unknown keys and does not
    ask for a missing required answer: the window's 一次性告知 can still ask for it."""
    known = {f["key"] for f in fields}
    unknown = sorted(set(answers) - known)
    if unknown and complete:
        raise InvalidInput(
            f"申请表没有这些字段：{'、'.join(unknown)}。",
            code="affairs.answer_unknown",
            details={"field": "answers", "unknown": unknown},
        )
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value = answers.get(f["key"])
        try:
            answer = clean_answer(f if complete else {**f, "required": False}, value)
        except InvalidInput as error:
            errors[f["key"]] = error.message
            continue
        if answer:
            cleaned[f["key"]] = answer
    if errors:
        first = next(iter(errors.values()))
        more = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
        raise InvalidInput(
            f"申请表填写有误：{first}{more}",
            code="affairs.answer_invalid",
            details={"field": f"answers.{next(iter(errors))}", "errors": errors},
        )
    return cleaned


def own_answers(fields: Iterable[Mapping[str, Any]], answers: Mapping[str, str]) -> dict[str, str]:
    """The answers to these fields only: what one part of a 一件事 receives."""
    return {f["key"]: answers[f["key"]] for f in fields if f["key"] in answers}


def shown_value(field: Mapping[str, Any], value: str, *, full: bool) -> str:
    """An answer as a page shows it: personal data masked unless the viewer works the application."""
    if full or not value or not field.get("personal"):
        return value
    if field["kind"] == Kind.ID_NUMBER:
        return mask_id_number(value)
    if field["kind"] == Kind.PHONE:
        return mask_phone(value)
    if field["kind"] == Kind.DATE:
        return f"{value[:4]}-**-**"
    return mask_name(value) if len(value) <= 6 else mask_address(value)


def shown_answers(
    fields: Iterable[Mapping[str, Any]], answers: Mapping[str, str], *, full: bool
) -> list[dict[str, Any]]:
    """(key, label, value shown, personal, masked) for each field answered, in the form's order."""
    return [
        {
            "key": f["key"],
            "label": f["label"],
            "value": shown_value(f, answers[f["key"]], full=full),
            "personal": bool(f.get("personal")),
            "masked": bool(f.get("personal")) and not full,
        }
        for f in fields
        if answers.get(f["key"])
    ]

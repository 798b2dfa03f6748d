"""The placeholder syntax of reply templates: `{称呼}`, `{受理编号}` … and nothing else.

Deliberately not Django's template language: the people who write templates are dispatchers,
not programmers, and a template must not be able to reach anything but the values listed here.
A body is plain text with fields in braces; `{{` and `}}` write a literal brace. An unknown
field or a lone brace is refused when the template is saved, so a published template always
fills completely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mochou.errors import InvalidInput

# What a reply template may use: every value comes from the case (or today's date).
CASE_FIELDS: tuple[str, ...] = (
    "称呼",  # salutation from the citizen's name, see salutation()
    "受理编号",
    "登记日期",
    "诉求标题",
    "诉求类型",
    "事项分类",
    "承办单位",
    "今天",
)
# What each SMS may use besides the case's fields: the context variables of its shipped file
# (cases/templates/sms/<name>.txt), under Chinese names.
SMS_FIELDS: dict[str, dict[str, str]] = {
    "case_received": {"查看链接": "link"},
    "case_replied": {"查看链接": "link", "评价提示": "rate"},
    "case_merged": {"查看链接": "link"},
    "case_supervised": {"督办要求": "body"},
    "deadline_notice": {"提醒内容": "message"},
}
# SMS names whose context carries no case number: only their own fields and today's date.
SMS_WITHOUT_CASE = frozenset({"deadline_notice"})

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]{0,30})\}|[{}]")

# Words a citizen's recorded name may already end with: it is a salutation already.
_TITLES = (
    "先生", "女士", "小姐", "老师", "师傅", "同志", "阿姨",
    "大爷", "大妈", "大姐", "大哥", "老人", "夫妇",
)  # fmt: skip
# Names of organisations (enterprise appeals, 村委会 …): addressed as they are.
_ORGANISATIONS = (
    "公司", "企业", "厂", "店", "合作社", "协会",
    "中心", "委员会", "村委", "居委", "学校", "医院",
)  # fmt: skip
_ANONYMOUS = ("", "匿名", "无", "未留名", "不愿透露", "市民")
# Two-character surnames common enough to matter in Hubei's records (the rest are one character).
_DOUBLE_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫",
    "令狐", "慕容", "司徒", "夏侯", "尉迟", "长孙",
)  # fmt: skip
_HAN = re.compile(r"^[\u4e00-\u9fff·]+$")


@dataclass(frozen=True)
class Field:
    name: str


def parse(body: str) -> list[str | Field]:
    """The body as literal text and fields; raises InvalidInput on a lone brace."""
    parts: list[str | Field] = []
    position = 0
    for match in _TOKEN.finditer(body):
        parts.append(body[position : match.start()])
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif match.group(1) is not None and match.group(1).strip():
            parts.append(Field(match.group(1).strip()))
        else:
            raise InvalidInput(
                f"第 {body.count(chr(10), 0, match.start()) + 1} 行有单独的花括号“{token}”。"
                "占位符请写成 {称呼} 这样的形式；如需原样显示花括号，请写成 {{ 或 }}。",
                code="replytemplates.bad_brace",
                details={"field": "body"},
            )
        position = match.end()
    parts.append(body[position:])
    return [part for part in parts if part != ""]


def allowed_fields(kind: str, sms_name: str = "") -> tuple[str, ...]:
    if kind != "sms":
        return CASE_FIELDS
    own = tuple(SMS_FIELDS.get(sms_name, {}))
    if sms_name in SMS_WITHOUT_CASE:
        return (*own, "今天")
    return (*CASE_FIELDS, *own)


def check(body: str, allowed: Iterable[str]) -> None:
    """Refuse a body with a field outside `allowed` (the message lists what may be used)."""
    allowed = tuple(allowed)
    unknown = [part.name for part in parse(body) if isinstance(part, Field) and part.name not in allowed]
    if unknown:
        names = "、".join(f"{{{name}}}" for name in dict.fromkeys(unknown))
        choices = "、".join(f"{{{name}}}" for name in allowed)
        raise InvalidInput(
            f"不认识的占位符：{names}。可用的占位符有：{choices}。",
            code="replytemplates.unknown_placeholder",
            details={"field": "body", "unknown": list(dict.fromkeys(unknown))},
        )


def fill(body: str, values: Mapping[str, str]) -> str:
    """The body with its fields replaced; a field without a value is kept as written (it cannot
    happen for a saved template, which was checked against the same names)."""
    try:
        parts = parse(body)
    except InvalidInput:
        return body
    return "".join(
        part if isinstance(part, str) else values.get(part.name, f"{{{part.name}}}") for part in parts
    )


# ---------------------------------------------------------------- values from a case


def salutation(name: str) -> str:
    """How the answer addresses the citizen, from the name the agent recorded.

    The hotline records what callers say: "张女士", "王先生", "李某某", "刘建国", "匿名". Gender is
    not recorded, so a bare or masked name gets both forms ("尊敬的李女士/先生"); a name that
    already is a salutation or an organisation's name is kept; no name at all is "尊敬的市民".
    """
    name = "".join(name.split())
    if name in _ANONYMOUS:
        return "尊敬的市民"
    if name.endswith(_TITLES) or any(word in name for word in _ORGANISATIONS):
        return f"尊敬的{name}"
    if not _HAN.match(name):  # Latin letters, digits: nothing to guess from, use it as given
        return f"尊敬的{name}"
    surname = name[:2] if name.startswith(_DOUBLE_SURNAMES) and len(name) > 2 else name[0]
    return f"尊敬的{surname}女士/先生"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def case_values(case: object, *, today: date | None = None) -> dict[str, str]:
    """The case's fields by placeholder name (duck-typed on cases.models.Case)."""
    created = getattr(case, "created_at", None)
    unit = getattr(case, "lead_unit", None)
    category = getattr(case, "category", None)
    kind_label = getattr(case, "get_kind_display", lambda: "")()
    return {
        "称呼": salutation(getattr(case, "citizen_name", "") or ""),
        "受理编号": str(getattr(case, "number", "")),
        "登记日期": chinese_date(timezone.localtime(created).date()) if created else "",
        "诉求标题": str(getattr(case, "title", "")),
        "诉求类型": str(kind_label),
        "事项分类": category.name if category is not None else "",
        "承办单位": unit.name if unit is not None else "相关单位",  # full name: the citizen reads it
        "今天": chinese_date(today or timezone.localdate()),
    }

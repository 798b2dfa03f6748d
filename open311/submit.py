"""POST requests.{fmt}: a service request from an Open311 client becomes a Case.

Every problem with the input is collected and answered at once (400, one error per field), and
nothing is stored unless everything is right: the case, its Open311 extras and its token are
written in one transaction through cases.services.register_case, the one door of every channel.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import QueryDict

from accounts.phones import normalize_phone
from cases import services as case_services
from cases.models import Case, Category, Channel, Kind
from mochou.errors import DomainError, InvalidInput
from open311.catalog import DEFAULT_KIND, KINDS, get_service, service_name
from open311.models import ApiKey, Open311Request, RequestToken
from open311.render import Open311Error

MAX_DESCRIPTION = 4000  # the specification: "free form text limited to 4,000 characters"
MIN_CONTENT = 5  # register_case wants at least this much text
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
# Invisible control characters (XML 1.0 cannot even carry them); tabs and line breaks stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# register_case's field names, as an Open311 client knows them.
OPEN311_FIELD = {
    "content": "description",
    "citizen_phone": "phone",
    "citizen_name": "first_name/last_name",
    "address": "address_string",
    "title": "description",
}
LIMITS = {
    "address_string": 200,
    "address_id": 100,
    "device_id": 100,
    "account_id": 100,
    "email": 254,
    "phone": 30,
    "first_name": 19,  # with last_name and a space: Case.citizen_name holds 40
    "last_name": 20,
    "media_url": 500,
}


@dataclass
class Submission:
    """The checked input of one POST."""

    service: Category
    category: Category
    kind: str
    description: str
    lat: float | None
    long: float | None
    values: dict[str, str]
    attributes: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class Created:
    case: Case
    token: str
    account_id: str | None


def _clean(params: QueryDict, name: str) -> str:
    return _CONTROL.sub("", params.get(name, "")).strip()


def _coordinate(raw: str, name: str, bound: float, errors: list[str]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        errors.append(f"{name} 必须是十进制度数，例如 31.1680：{raw}")
        return None
    if not math.isfinite(value) or not -bound <= value <= bound:
        errors.append(f"{name} 必须在 -{bound:g} 到 {bound:g} 之间：{raw}")
        return None
    return value


def _attributes(params: QueryDict, service: Category, errors: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in params:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        code = match.group(1)
        values = [v.strip() for v in params.getlist(key) if v.strip()]
        if code not in {"subcategory", "kind"}:
            errors.append(
                f"attribute[{code}] 不是服务 {service.pk} 的属性：请查询 services/{service.pk} 的定义。"
            )
        elif len(values) > 1:
            errors.append(f"attribute[{code}] 只能选一项。")
        elif values:
            found[code] = values[0]
    return found


def parse(params: QueryDict) -> Submission:
    """Check a POST's parameters; raises Open311Error (400 with every problem, or 404)."""
    errors: list[str] = []
    code = _clean(params, "service_code")
    if not code:
        errors.append("缺少必填参数 service_code：请先查询 services 获取可用的服务。")
        service = None
    else:
        service = get_service(code)

    values = {name: _clean(params, name) for name in LIMITS}
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors.append(f"{name} 不能超过 {limit} 个字符（现为 {len(values[name])} 个）。")

    raw_lat, raw_long = _clean(params, "lat"), _clean(params, "long")
    lat = long = None
    if raw_lat or raw_long:
        if not (raw_lat and raw_long):
            errors.append("lat 与 long 必须同时提供。")
        else:
            lat = _coordinate(raw_lat, "lat", 90, errors)
            long = _coordinate(raw_long, "long", 180, errors)
    elif not values["address_string"] and not values["address_id"]:
        errors.append("缺少位置：请提供 lat 和 long，或 address_string，或 address_id。")

    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(f"email 格式不正确：{values['email']}")
    if values["media_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["media_url"])
        except ValidationError:
            errors.append("media_url 必须是 http:// 或 https:// 开头的网址。")
    if values["phone"]:
        try:
            values["phone"] = normalize_phone(values["phone"])
        except InvalidInput as error:
            errors.append(f"phone {error.message}")

    description = _clean(params, "description")
    if len(description) > MAX_DESCRIPTION:
        errors.append(f"description 不能超过 {MAX_DESCRIPTION} 个字（现为 {len(description)} 个字）。")

    if service is None:
        raise Open311Error(400, *errors)
    attributes = _attributes(params, service, errors)
    category: Category = service
    if "subcategory" in attributes:
        children = {str(c.pk): c for c in getattr(service, "active_children", [])}
        chosen = children.get(attributes["subcategory"])
        if chosen is None:
            errors.append(f"attribute[subcategory] 的取值 {attributes['subcategory']} 不在服务定义的选项中。")
        else:
            category = chosen
    kind = attributes.get("kind", DEFAULT_KIND)
    if kind not in KINDS:
        errors.append(f"attribute[kind] 只能是 {'、'.join(KINDS)} 之一：{kind}")
    if errors:
        raise Open311Error(400, *errors)
    return Submission(
        service=service,
        category=category,
        kind=kind,
        description=description,
        lat=lat,
        long=long,
        values=values,
        attributes=attributes,
    )


def _citizen_name(first: str, last: str) -> str:
    """Chinese names are surname first with no space; Latin ones "First Last"."""
    if re.search(r"[A-Za-z]", first + last):
        return f"{first} {last}".strip()
    return f"{last}{first}"


def _content(sub: Submission, label: str) -> str:
    if len(sub.description) >= MIN_CONTENT:
        return sub.description
    # The specification makes description optional; the case still needs words for the staff.
    return f"（通过 Open311 接口反映“{label}”，未填写详细描述）{sub.description}".strip()


def _address(sub: Submission) -> str:
    if sub.values["address_string"]:
        return sub.values["address_string"]
    if sub.lat is not None and sub.long is not None:
        return f"经纬度 {sub.lat:.6f}, {sub.long:.6f}"
    return f"地址编号 {sub.values['address_id']}"


def create(sub: Submission, key: ApiKey) -> Created:
    """Register the case with its Open311 extras and token, or raise Open311Error (nothing stored)."""
    label = sub.category.name if sub.category != sub.service else service_name(sub.service, set())
    first_line = sub.description.splitlines()[0] if sub.description else ""
    title = f"{label}：{first_line}"[:60] if first_line else label
    values = sub.values
    try:
        with transaction.atomic():
            case = case_services.register_case(
                actor=case_services.channel_user(Channel.OPEN311),
                channel=Channel.OPEN311,
                kind=sub.kind,
                content=_content(sub, label),
                title=title,
                citizen_name=_citizen_name(values["first_name"], values["last_name"]),
                citizen_phone=values["phone"],
                address=_address(sub),
                category=sub.category,
            )
            Open311Request.objects.create(
                case=case,
                api_key=key,
                lat=sub.lat,
                long=sub.long,
                address_string=values["address_string"],
                address_id=values["address_id"],
                email=values["email"],
                device_id=values["device_id"],
                account_id=values["account_id"],
                media_url=values["media_url"],
                attributes=sub.attributes,
            )
            token = RequestToken.objects.create(token=RequestToken.new_token(), case=case).token
    except InvalidInput as error:
        name = OPEN311_FIELD.get(str(error.details.get("field", "")), "")
        raise Open311Error(400, f"{name} {error.message}".strip()) from None
    except DomainError as error:  # e.g. the channel's account was deactivated: the door is closed
        raise Open311Error(503, f"暂时无法受理：{error.message}") from None
    return Created(case=case, token=token, account_id=values["account_id"] or None)


def receipt(created: Created) -> list[dict[str, Any]]:
    case = created.case
    notice = f"您的诉求已受理，受理编号 {case.number}，可凭编号查询办理进度。"
    if case.kind != Kind.CONSULT and case.category is not None:
        _, days = case.category.limits_for(case.urgency, case.limit_version)
        notice += f"一般在{days}个工作日内办结答复。"
    return [
        {
            "service_request_id": case.number,
            "token": created.token,
            "service_notice": notice,
            "account_id": created.account_id,
        }
    ]

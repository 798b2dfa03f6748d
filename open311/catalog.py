"""Our 事项分类 as Open311 services.

A service is a second-level category (118 in the shipped taxonomy): the first level is the
service's `group`, and the third level is offered as the optional `subcategory` attribute of the
service definition, so a client can be as precise as a hotline agent. `service_code` is the
category's id, which stays put when the taxonomy is reloaded (load_taxonomy updates by path).

Subjects under CONFIDENTIAL_ROOTS (discipline inspection: reports about officials) are neither
offered nor published: a whistle-blower's report does not belong in a public feed. What GET
publishes at all is public_cases() (see its docstring and docs/open311.md).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, Category, Channel, Kind
from cases.workflow import State
from open311.render import Open311Error

SERVICE_LEVEL = 2
MAX_CODES = 50  # service_code values one GET may filter by (each is a category to look up)
CONFIDENTIAL_ROOTS = ("纪检监察",)
# Open311 has no request type; the `kind` attribute carries ours (举报 is not offered, see above).
KINDS = (Kind.HELP, Kind.COMPLAINT, Kind.CONSULT, Kind.SUGGESTION, Kind.PRAISE)
DEFAULT_KIND = Kind.HELP


def confidential_q(prefix: str = "") -> Q:
    """Categories (or, with prefix "category__", cases) under a confidential first-level subject."""
    q = Q()
    for root in CONFIDENTIAL_ROOTS:
        q |= Q(**{f"{prefix}path": root}) | Q(**{f"{prefix}path__startswith": f"{root}/"})
    return q


def _offered() -> QuerySet[Category]:
    return (
        Category.objects.filter(level=SERVICE_LEVEL, is_active=True, parent__is_active=True)
        .exclude(confidential_q())
        .select_related("parent")
    )


def services() -> QuerySet[Category]:
    subcategories = Category.objects.filter(is_active=True).order_by("path")
    return (
        _offered()
        .prefetch_related(Prefetch("children", queryset=subcategories, to_attr="active_children"))
        .order_by("path")
    )


def duplicate_names() -> set[str]:
    """Second-level names used under several subjects ("其他", "安全生产"): shown with their group."""
    names = Counter(Category.objects.filter(level=SERVICE_LEVEL).values_list("name", flat=True))
    return {name for name, count in names.items() if count > 1}


def service_name(category: Category, duplicates: set[str]) -> str:
    if category.name in duplicates and category.parent is not None:
        return f"{category.name}（{category.parent.name}）"
    return category.name


def service_of(category: Category | None) -> Category | None:
    """The service a case's category belongs to (its second-level ancestor, or itself)."""
    if category is None or category.level < SERVICE_LEVEL:
        return None
    while category.level > SERVICE_LEVEL and category.parent is not None:
        category = category.parent
    return category


def _is_code(code: str) -> bool:
    # Our ids are ASCII digits; a longer number cannot be one (and would overflow the database).
    return code.isascii() and code.isdigit() and len(code) <= 18


def get_service(code: str) -> Category:
    """The service with this code, or the 404 the specification asks for."""
    service = services().filter(pk=int(code)).first() if _is_code(code) else None
    if service is None:
        raise Open311Error(404, f"service_code {code} 不存在：请先查询 services 获取可用的服务。")
    return service


def get_services(codes: list[str]) -> list[Category]:
    """The services of a comma list, in one query: at most MAX_CODES distinct ones (400), all known (404)."""
    wanted = list(dict.fromkeys(codes))  # a client repeating one code thousands of times asks once
    if len(wanted) > MAX_CODES:
        raise Open311Error(400, f"service_code 最多可列 {MAX_CODES} 个服务（现为 {len(wanted)} 个）。")
    ids = {int(code) for code in wanted if _is_code(code)}
    found = {service.pk: service for service in _offered().filter(pk__in=ids)}
    unknown = [code for code in wanted if not _is_code(code) or int(code) not in found]
    if unknown:
        raise Open311Error(
            404, f"service_code {'、'.join(unknown)} 不存在：请先查询 services 获取可用的服务。"
        )
    return list(found.values())


def service_entry(service: Category, duplicates: set[str]) -> dict[str, Any]:
    children = [child.name for child in getattr(service, "active_children", [])]
    group = service.parent.name if service.parent else ""
    description = f"{group}：{service.name}"
    named = [name for name in children if name != "其他"]  # "包括其他" tells a citizen nothing
    if named:
        description += "，包括" + "、".join(named)
    return {
        "service_code": str(service.pk),
        "service_name": service_name(service, duplicates),
        "description": description,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(children),
        "group": group,
    }


def definition(service: Category) -> dict[str, Any]:
    attributes: list[dict[str, Any]] = []
    children = getattr(service, "active_children", [])
    if children:
        attributes.append(
            {
                "variable": True,
                "code": "subcategory",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "选择具体事项，不确定可不选",
                "order": 1,
                "description": "具体事项",
                "values": [{"key": str(child.pk), "name": child.name} for child in children],
            }
        )
    attributes.append(
        {
            "variable": True,
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": f"不选视为“{Kind(DEFAULT_KIND).label}”",
            "order": len(attributes) + 1,
            "description": "诉求类型",
            "values": [{"key": kind.value, "name": kind.label} for kind in KINDS],
        }
    )
    return {"service_code": str(service.pk), "attributes": attributes}


def public_cases() -> QuerySet[Case]:
    """The cases GET requests.{fmt} may show.

    Only cases a person has looked at and filed under a subject: a case with a category and past
    待派单 (a fresh hotline or portal case may still turn out to be a whistle-blower's report, and
    its text has not been read by a dispatcher). Never 举报, subjects under CONFIDENTIAL_ROOTS or
    enterprise appeals (they name the firm and its credit code). Open311 requests are the
    exception to 待派单: their submitter chose a public service and kind at POST and follows the
    request through requests/{id} and tokens/{token} from the moment it is filed.
    """
    return (
        Case.objects.filter(category__isnull=False)
        .exclude(Q(state=State.REGISTERED) & ~Q(channel=Channel.OPEN311))
        .exclude(channel=Channel.ENTERPRISE)
        .exclude(kind=Kind.REPORT)
        .exclude(confidential_q("category__"))
    )

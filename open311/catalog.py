"""Our 事项分类 as Open311 services.

A service is a second-level category (118 in the shipped taxonomy): the first level is the
service's `group`, and the third level is offered as the optional `subcategory` attribute of the
service definition, so a client can be as precise as a hotline agent. `service_code` is the
category's id, which stays put when the taxonomy is reloaded (load_taxonomy updates by path).

Subjects under CONFIDENTIAL_ROOTS (discipline inspection: reports about officials) are neither
offered nor published: a whistle-blower's report does not belong in a public feed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, Category, Kind
from open311.render import Open311Error

SERVICE_LEVEL = 2
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


def services() -> QuerySet[Category]:
    subcategories = Category.objects.filter(is_active=True).order_by("path")
    return (
        Category.objects.filter(level=SERVICE_LEVEL, is_active=True, parent__is_active=True)
        .exclude(confidential_q())
        .select_related("parent")
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


def get_service(code: str) -> Category:
    """The service with this code, or the 404 the specification asks for."""
    service = services().filter(pk=int(code)).first() if code.isdigit() else None
    if service is None:
        raise Open311Error(404, f"service_code {code} 不存在：请先查询 services 获取可用的服务。")
    return service


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
    """The cases GET requests.{fmt} may show: everything except confidential subjects and 举报."""
    return Case.objects.exclude(kind=Kind.REPORT).exclude(confidential_q("category__"))

"""The auditor's pages: the filtered log, one record's old → new values, and the xlsx export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.audit.access import may_read_audit
from accounts.audit.export import EXPORT_LIMIT, workbook_bytes
from accounts.audit.forms import AuditFilterForm, model_of, target_type_label
from accounts.audit.models import AuditRecord
from accounts.audit.services import record
from mochou.http import AuthenticatedHttpRequest

PAGE_SIZE = 50
DENIED = "只有审计员和管理员可以查看审计日志。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(request: AuthenticatedHttpRequest) -> None:
    if not may_read_audit(request.user):
        raise PermissionDenied(DENIED)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def record_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check(request)
    form = AuditFilterForm(request.GET)
    records = form.apply(AuditRecord.objects.all())
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {"form": form, "page": page, "query_string": params.urlencode()}
    if request.headers.get("HX-Request") == "true":
        return render(request, "audit/_table.html", context)
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def record_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _check(request)
    rec = get_object_or_404(AuditRecord.objects.select_related("actor"), pk=pk)
    rows = [
        {"field": _field_label(rec.target_type, name), "name": name, "old": shown(old), "new": shown(new)}
        for name, old, new in rec.field_changes()
    ]
    return render(
        request,
        "audit/detail.html",
        {"rec": rec, "rows": rows, "target_type_label": target_type_label(rec.target_type)},
    )


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check(request)
    form = AuditFilterForm(request.GET)
    records = list(form.apply(AuditRecord.objects.all())[:EXPORT_LIMIT])
    content = workbook_bytes(records)
    # Who took a copy of the log, with which filters, is itself on the log.
    record(
        actor=request.user,
        action="audit.export",
        target_type="accounts.auditrecord",
        target_repr=f"导出 {len(records)} 条",
        new={"filters": form.describe(), "rows": len(records)},
        request=request,
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def shown(value: Any) -> str:
    """A logged value as the auditor reads it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if value else "（无）"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _field_label(target_type: str, name: str) -> str:
    model = model_of(target_type) if target_type else None
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key that is no field (a login's username, an export's filters)
        return name

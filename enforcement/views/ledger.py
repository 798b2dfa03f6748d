"""The 违建台账 as xlsx: the list page's rows under the same filters, every one (not a page of
them), the owner masked as everywhere outside the documents. An export leaves the system with
the (masked) owners of many violations at once, so each is audited with its filters and count."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from accounts.audit.services import record as audit_record
from enforcement import deadlines
from enforcement.models import Violation
from enforcement.privacy import owner_masked
from enforcement.views.violations import _check_reader, filtered
from mochou.http import AuthenticatedHttpRequest

# A ledger of a whole county over years stays well under this; beyond it the filters narrow it.
MAX_ROWS = 20000
COLUMNS = (
    "编号",
    "状态",
    "乡镇（街道）",
    "村（社区）",
    "地址",
    "面积(㎡)",
    "结构",
    "土地性质",
    "新增/存量",
    "发现渠道",
    "当事人（脱敏）",
    "登记时间",
    "当前期限",
    "超期",
    "处置结果",
)


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def cells(v: Violation, now: Any) -> list[Any]:
    owner, _phone = owner_masked(v)
    deadline = deadlines.deadline_of(v, v.state)
    return [
        v.number,
        v.get_state_display(),
        v.township.display_name,
        v.village.name if v.village else "",
        v.address,
        float(v.area),
        v.get_structure_display(),
        v.get_land_type_display(),
        v.kind_label,
        v.get_channel_display(),
        owner,
        _local(v.reported_at),
        _local(deadline),
        "是" if deadlines.is_overdue(v, v.state, now) else "",
        v.outcome,
    ]


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _check_reader(user)
    form, rows = filtered(user, request.GET)
    now = timezone.now()
    items = list(rows.order_by("-reported_at", "-pk")[:MAX_ROWS])
    book = Workbook(write_only=True)
    sheet = book.create_sheet("违建台账")
    sheet.append([f"钟祥市违法建设台账（导出于{timezone.localtime(now):%Y-%m-%d %H:%M}）"])
    sheet.append(list(COLUMNS))
    for v in items:
        sheet.append(cells(v, now))
    out = io.BytesIO()
    book.save(out)
    filters = {k: str(v) for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    audit_record(
        actor=user,
        action="enforcement.ledger_export",
        target_type="enforcement.violation",
        target_repr=f"违建台账 {len(items)} 件",
        new={"filters": filters, "rows": len(items)},
        reason="导出违建台账（当事人脱敏）",
        request=request,
    )
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="enforcement-ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response

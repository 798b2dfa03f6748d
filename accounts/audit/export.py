"""The filtered audit log as an xlsx workbook (openpyxl, write-only: rows stream into the file)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from accounts.audit.forms import target_type_label
from accounts.audit.models import AuditRecord

# One export is one file in memory; past this many rows the auditor narrows the filter.
EXPORT_LIMIT = 50_000

HEADERS = (
    "时间",
    "操作人",
    "IP 地址",
    "操作",
    "操作代码",
    "对象类型",
    "对象编号",
    "对象",
    "原因",
    "原值",
    "新值",
)
WIDTHS = (20, 20, 16, 18, 16, 14, 10, 30, 30, 40, 40)


def workbook_bytes(records: Iterable[AuditRecord]) -> bytes:
    book = Workbook(write_only=True)
    # Any: the stubs type the write-only sheet without the column widths it has at run time.
    sheet: Any = book.create_sheet("审计日志")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(HEADERS)
    for rec in records:
        at = WriteOnlyCell(sheet, value=timezone.localtime(rec.at).replace(tzinfo=None))
        at.number_format = "yyyy-mm-dd hh:mm:ss"
        texts = (
            rec.actor_name or "系统",
            rec.ip or "",
            rec.action_label,
            rec.action,
            target_type_label(rec.target_type) if rec.target_type else "",
            rec.target_id,
            rec.target_repr,
            rec.reason,
            _json(rec.old),
            _json(rec.new),
        )
        sheet.append([at, *(_text_cell(sheet, t) for t in texts)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: Any, text: str) -> Cell:
    # Always a string: a unit name or a tried username that starts with "=" must not become a
    # formula in the auditor's spreadsheet (CSV/formula injection).
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""

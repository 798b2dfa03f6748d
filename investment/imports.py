"""园区产值 imported from a file (CSV or xlsx), all or nothing.

The file has a header row with the columns 月份, 园区, 工业总产值（万元） (in any order; 产值 alone
is accepted for the last), then one row a park and month:

    月份,园区,工业总产值（万元）
    2025-03,钟祥经开区,125000.5
    2025-03,全市,300000

- 月份: 2025-03, 2025/3, 2025年3月, or a date cell (xlsx);
- 园区: the park's code, name or short name; 全市 (or 全市规上工业) for the city's total;
- 产值: 万元, not negative, at most two decimals.

Every row is checked before anything is written: one bad row refuses the file, and each error
names its line (the header is line 1). Then each row is written through
`services.record_output` (an existing month is corrected, every write audited) in one
transaction. CSV is read as UTF-8 (with or without BOM) or, failing that, GB18030 (what Excel and
WPS save on a Chinese Windows).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from mochou.errors import DomainError, InvalidInput, NotPermitted

from . import access
from .models import Park

if TYPE_CHECKING:
    from accounts.models import User

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
CITY_NAMES = frozenset({"全市", "全市规上工业", "全市规上工业总产值", "钟祥市"})
COLUMNS = {
    "month": ("月份",),
    "park": ("园区",),
    "output": ("工业总产值（万元）", "工业总产值(万元)", "工业总产值", "产值（万元）", "产值(万元)", "产值"),
}
MONTH_RE = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:月)?(?:\s*(?:-|/|\.)?\s*\d{1,2}\s*日?)?$")


@dataclass(frozen=True)
class Row:
    line: int
    park: Park | None
    month: date
    output: Decimal


def _refuse(errors: list[str]) -> InvalidInput:
    shown = "；".join(errors[:10]) + (f"；另有{len(errors) - 10}处错误" if len(errors) > 10 else "")
    return InvalidInput(
        f"文件未导入（须全部正确才导入）：{shown}", code="investment.import_invalid",
        details={"field": "file", "errors": errors},
    )  # fmt: skip


def read_rows(name: str, data: bytes) -> list[list[Any]]:
    """The file's rows as lists of cell values (CSV: text; xlsx: the first sheet's values)."""
    if len(data) > MAX_BYTES:
        raise _refuse([f"文件不能超过 {MAX_BYTES // (1024 * 1024)}MB"])
    if not data:
        raise _refuse(["文件是空的"])
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise _refuse(["文件不是有效的 xlsx 工作簿"]) from None
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return [list(r) for r in csv.reader(io.StringIO(text))]
        raise _refuse(["无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"])
    raise _refuse(["请上传 CSV 或 xlsx 文件"])


def _header(cells: list[Any]) -> dict[str, int]:
    names = [str(c or "").strip() for c in cells]
    where: dict[str, int] = {}
    for key, options in COLUMNS.items():
        for i, n in enumerate(names):
            if n in options:
                where[key] = i
                break
    return where


def _month(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    m = MONTH_RE.match(str(value or "").strip())
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def _parks() -> dict[str, Park]:
    out: dict[str, Park] = {}
    for p in Park.objects.filter(is_active=True):
        for key in (p.code, p.name, p.short_name):
            if key:
                out[key.strip().lower()] = p
    return out


def parse(rows: list[list[Any]], *, today: date) -> list[Row]:
    """Check every row; the rows, or InvalidInput listing each error with its line."""
    from .services import clean_wan

    if not rows:
        raise _refuse(["文件是空的"])
    where = _header(rows[0])
    missing = [COLUMNS[k][0] for k in COLUMNS if k not in where]
    if missing:
        raise _refuse([f"第1行：缺少列“{'”“'.join(missing)}”（表头应为 月份、园区、工业总产值（万元））"])
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(str(c or "").strip() for c in r)]
    if not body:
        raise _refuse(["文件没有数据行"])
    if len(body) > MAX_ROWS:
        raise _refuse([f"一次最多导入{MAX_ROWS}行"])
    parks = _parks()
    errors: list[str] = []
    out: list[Row] = []
    seen: dict[tuple[int | None, date], int] = {}

    def cell(r: list[Any], key: str) -> Any:
        i = where[key]
        return r[i] if i < len(r) else None

    for line, r in body:
        problems: list[str] = []
        month = _month(cell(r, "month"))
        if month is None:
            problems.append(f"月份“{cell(r, 'month') or ''}”不正确（应如 2025-03）")
        elif month > today:
            problems.append("不能导入以后月份的产值")
        name = str(cell(r, "park") or "").strip()
        park: Park | None = None
        if name not in CITY_NAMES:
            park = parks.get(name.lower())
            if park is None:
                problems.append(f"园区“{name}”不存在" if name else "请填写园区（全市合计填“全市”）")
        raw = cell(r, "output")
        output: Decimal | None = None
        try:
            output = clean_wan(raw, "output", "工业总产值", required=True)
        except DomainError as error:
            problems.append(error.message.rstrip("。"))
        if not problems and month is not None and output is not None:
            key = (park.pk if park else None, month)
            if key in seen:
                problems.append(f"与第{seen[key]}行重复（同一园区同一月份）")
            else:
                seen[key] = line
                out.append(Row(line, park, month, output))
        errors += [f"第{line}行：{p}" for p in problems]
    if errors:
        raise _refuse(errors)
    return out


def import_outputs(*, actor: User, name: str, data: bytes, today: date, request: Any = None) -> int:
    """导入园区产值: all rows or none; returns how many rows were written."""
    from .services import record_output

    if not access.may_import_output(actor):
        raise NotPermitted("只有招商局可以导入园区产值。", code="investment.not_permitted")
    rows = parse(read_rows(name, data), today=today)
    with transaction.atomic():
        for row in rows:
            record_output(actor=actor, park=row.park, month=row.month, output=row.output, request=request)
    return len(rows)

"""Workbooks that open clean in Excel and WPS: Chinese headers in bold on a frozen first row,
real dates and numbers with their formats, set column widths, an auto filter, and every text
cell a string (a title starting with "=" never becomes a formula). Write-only: rows stream."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DATETIME = "yyyy-mm-dd hh:mm"
DATE = "yyyy-mm-dd"
PERCENT = "0.00%"
NUMBER = "0"
DECIMAL = "0.00"

_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


class Book:
    def __init__(self) -> None:
        self.book = Workbook(write_only=True)

    def sheet(
        self,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Iterable[Sequence[Any]],
        formats: Sequence[str | None] = (),
        *,
        preamble: Sequence[str] = (),
    ) -> int:
        """One sheet; `formats` per column (None: general). Returns the number of data rows."""
        # Any: the stubs type the write-only sheet without the attributes it has at run time.
        ws: Any = self.book.create_sheet(title[:31])
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        head_row = len(preamble) + 1
        ws.freeze_panes = f"A{head_row + 1}"
        if headers:
            ws.auto_filter.ref = f"A{head_row}:{get_column_letter(len(headers))}{head_row}"
        for line in preamble:
            ws.append([self._text(ws, line)])
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = _BOLD, _HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header_cells.append(cell)
        ws.append(header_cells)
        count = 0
        for row in rows:
            ws.append(
                [self._cell(ws, v, formats[i] if i < len(formats) else None) for i, v in enumerate(row)]
            )
            count += 1
        return count

    @staticmethod
    def _text(ws: Any, text: str) -> Any:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell

    def _cell(self, ws: Any, value: Any, fmt: str | None) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            cell = WriteOnlyCell(ws, value=local.replace(tzinfo=None, microsecond=0))
            cell.number_format = fmt or DATETIME
            return cell
        if isinstance(value, date):
            day: Any = value  # openpyxl writes dates; its stubs list only datetimes
            cell = WriteOnlyCell(ws, value=day)
            cell.number_format = fmt or DATE
            return cell
        if isinstance(value, bool):
            return self._text(ws, "是" if value else "否")
        if isinstance(value, int | float):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt or (NUMBER if isinstance(value, int) else DECIMAL)
            return cell
        return self._text(ws, str(value))

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

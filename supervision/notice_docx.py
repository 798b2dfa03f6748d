"""The 督办单 as a Word document (.docx), beside the printable page: the same facts, for offices
that file or re-issue notices on paper from Word/WPS. python-docx (docs/dependencies.md).

The caller decides what the user may see (masked name, phone and text through accounts.privacy,
audited like the print view); this module only lays the sheet out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "SimSun"  # 宋体: present in every Chinese Office/WPS install


def when(value: datetime | None, *, time: bool = True) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local:%Y年%m月%d日 %H:%M}" if time else f"{local:%Y年%m月%d日}"


def sheet(
    *,
    issuer: str,
    heading: str,
    number: str,
    rows: Sequence[tuple[str, str]],
    signatures: Sequence[str],
    footer: str,
) -> bytes:
    """One A4 page: the issuer, the coloured heading, the number, a two-column table of facts,
    the signature lines and the footer."""
    import docx  # type: ignore[import-not-found, unused-ignore]  # python-docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # type: ignore[import-not-found, unused-ignore]
    from docx.oxml.ns import qn  # type: ignore[import-not-found, unused-ignore]
    from docx.shared import Cm, Pt  # type: ignore[import-not-found, unused-ignore]

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Chinese text takes the East Asian font

    def centred(text: str, size: int, *, bold: bool = False) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold

    centred(issuer, 12)
    centred(heading, 20, bold=True)
    centred(f"编号：{number}", 11)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.2), Cm(13.4)
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value or "—"
    document.add_paragraph()
    for line in signatures:
        document.add_paragraph(line)
    note = document.add_paragraph(footer)
    note.runs[0].font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(number: str) -> str:
    return f"督办单-{number}.docx"


def content_disposition(number: str) -> str:
    from urllib.parse import quote

    name = filename(number)
    return f"attachment; filename=\"{number}.docx\"; filename*=UTF-8''{quote(name)}"

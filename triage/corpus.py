"""Reading the message and taxonomy CSV files (no Django imports).

Message CSVs have the columns 留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 一级分类; fields contain
newlines, so they are read with the ``csv`` module. Missing columns read as empty strings.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / "mochou" / "data" / "messages-labelled.csv"
DEFAULT_TAXONOMY = REPO_ROOT / "mochou" / "data" / "category-taxonomy.csv"

ID_COL = "留言编号"
TITLE_COL = "留言主题"
BODY_COL = "留言详情"
LABEL_COL = "一级分类"


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    body: str
    label: str = ""


def read_messages(path: str | Path, *, require_label: bool = False) -> list[Message]:
    """Read a message CSV (UTF-8, optional BOM; ``"-"`` = stdin).

    Rows without a label are dropped if ``require_label``."""
    if str(path) == "-":
        return _read_rows(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""), require_label)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return _read_rows(fh, require_label)


def _read_rows(fh, require_label: bool) -> list[Message]:
    out: list[Message] = []
    for i, row in enumerate(csv.DictReader(fh)):
        msg = Message(
            id=(row.get(ID_COL) or "").strip() or str(i + 1),
            title=row.get(TITLE_COL) or "",
            body=row.get(BODY_COL) or "",
            label=(row.get(LABEL_COL) or "").strip(),
        )
        if not (require_label and not msg.label):
            out.append(msg)
    return out


def read_taxonomy(path: str | Path = DEFAULT_TAXONOMY) -> list[tuple[str, str, str]]:
    """Rows (一级分类, 二级分类, 三级分类) of the category tree."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            (
                (r.get("一级分类") or "").strip(),
                (r.get("二级分类") or "").strip(),
                (r.get("三级分类") or "").strip(),
            )
            for r in csv.DictReader(fh)
        ]


def sha256_of_files(*paths: str | Path) -> str:
    """SHA-256 over the bytes of the given files, in order (the first file alone: its plain hash)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                h.update(chunk)
    return h.hexdigest()

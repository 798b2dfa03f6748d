"""The one reader of the shipped data sets (no Django imports: triage and the bench use it too).

Every CSV that ships with the platform is read here, into typed records, and nowhere else:

| file | reader | record |
|---|---|---|
| ``mochou/data/messages-labelled.csv`` (or a CSV like it) | :func:`read_messages` | :class:`Message` |
| ``mochou/data/messages-labelled-contest-split.csv`` | :func:`read_messages` | :class:`Message` |
| ``mochou/data/messages-with-votes-full.csv`` | :func:`read_voted_messages` | :class:`VotedMessage` |
| ``mochou/data/messages-with-replies-full.csv`` | :func:`read_replied_messages` | :class:`RepliedMessage` |
| ``mochou/data/category-taxonomy.csv`` | :func:`read_taxonomy` | :class:`TaxonomyRow` |
| ``mochou/data/streets-zhongxiang.csv`` | :func:`read_streets` | :class:`Street` |
| ``triage/data/duplicate-pairs.csv`` | :func:`read_duplicate_pairs` | :class:`DuplicatePair` |
| ``triage/data/urgency-testset.csv`` | :func:`read_urgency_testset` | :class:`UrgencyExample` |
| ``triage/data/real-duplicate-pairs.csv`` | :func:`read_real_duplicate_pairs` | :class:`RealDuplicatePair` |
| ``triage/data/real-urgency-labelled.csv`` | :func:`read_real_urgency_labels` | :class:`RealUrgencyLabel` |
| ``triage/data/real-categories-labelled.csv`` | :func:`read_real_category_labels` | ``RealCategoryLabel`` |
| ``triage/data/real-hotspot-groups.csv`` | :func:`read_real_hotspot_groups` | :class:`RealHotspotGroup` |
| ``knowledge/data/questions.csv`` | :func:`read_guide_questions` | :class:`GuideQuestion` |

Records carry the file's values as read (stripped where a stray space would change a key or a
label, never cleaned further): what a caller does with them — collapse white space, drop short
texts, deduplicate — is its own choice and stays with the caller. Files are UTF-8, with or
without a byte-order mark; fields may contain newlines, so they are read with :mod:`csv`.

This module lives in ``mochou/`` because the data does; it imports nothing from Django or the
apps, so every app may import it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import NamedTuple, TextIO

PACKAGE_DIR = Path(__file__).resolve().parent
# The apps sit next to this package, installed or in a checkout (pyproject's packages.find).
_ROOT = PACKAGE_DIR.parent

MESSAGES_CSV = PACKAGE_DIR / "data" / "messages-labelled.csv"
# 441 labelled messages drawn from the FULL contest set (its distribution, not the sample's). No
# licence was found for this file: it stays a separable data file, read from a path, never embedded.
CONTEST_MESSAGES_CSV = PACKAGE_DIR / "data" / "messages-labelled-contest-split.csv"
# Unlabelled real messages: the full 附件3 (likes/dislikes) and the full 附件4 (government replies).
VOTES_FULL_CSV = PACKAGE_DIR / "data" / "messages-with-votes-full.csv"
REPLIES_FULL_CSV = PACKAGE_DIR / "data" / "messages-with-replies-full.csv"
TAXONOMY_CSV = PACKAGE_DIR / "data" / "category-taxonomy.csv"
STREETS_CSV = PACKAGE_DIR / "data" / "streets-zhongxiang.csv"
DUPLICATE_PAIRS_CSV = _ROOT / "triage" / "data" / "duplicate-pairs.csv"
URGENCY_TESTSET_CSV = _ROOT / "triage" / "data" / "urgency-testset.csv"
# Hand labels on real messages by annotators who never saw the methods (ids only; the texts are
# those of VOTES_FULL_CSV / REPLIES_FULL_CSV). See triage/data/REAL-DUPLICATES.md, REAL-LABELS.md.
REAL_DUPLICATE_PAIRS_CSV = _ROOT / "triage" / "data" / "real-duplicate-pairs.csv"
REAL_URGENCY_CSV = _ROOT / "triage" / "data" / "real-urgency-labelled.csv"
REAL_CATEGORIES_CSV = _ROOT / "triage" / "data" / "real-categories-labelled.csv"
REAL_HOTSPOT_GROUPS_CSV = _ROOT / "triage" / "data" / "real-hotspot-groups.csv"  # REAL-HOTSPOTS.md
GUIDE_QUESTIONS_CSV = _ROOT / "knowledge" / "data" / "questions.csv"

# Columns of a message CSV (the 2020 泰迪杯 problem C layout).
ID_COL = "留言编号"
USER_COL = "留言用户"
TITLE_COL = "留言主题"
TIME_COL = "留言时间"
BODY_COL = "留言详情"
LABEL_COL = "一级分类"


@contextmanager
def _rows(path: str | Path) -> Iterator[Iterator[dict[str, str]]]:
    """The rows of a CSV file as dicts; ``"-"`` reads standard input."""
    if str(path) == "-":
        yield csv.DictReader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""))
        return
    fh: TextIO
    with open(path, encoding="utf-8-sig", newline="") as fh:
        yield csv.DictReader(fh)


def _get(row: dict[str, str], column: str) -> str:
    # A missing column reads as "" (DictReader gives None for short rows, KeyError for absent ones).
    return row.get(column) or ""


# ---------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Message:
    """One citizen message. ``id`` falls back to the 1-based row number when the file has none."""

    id: str
    title: str
    body: str
    label: str = ""  # 一级分类; "" when unlabelled
    user: str = ""  # 留言用户 (a pseudonymous id in the shipped files)
    time: str = ""  # 留言时间, as written in the file


def read_messages(path: str | Path = MESSAGES_CSV, *, require_label: bool = False) -> list[Message]:
    """The messages of a message CSV (``"-"`` = stdin), in file order; title and body as written.

    Rows without a label are dropped if ``require_label``."""
    out: list[Message] = []
    with _rows(path) as rows:
        for i, row in enumerate(rows):
            msg = Message(
                id=_get(row, ID_COL).strip() or str(i + 1),
                title=_get(row, TITLE_COL),
                body=_get(row, BODY_COL),
                label=_get(row, LABEL_COL).strip(),
                user=_get(row, USER_COL).strip(),
                time=_get(row, TIME_COL).strip(),
            )
            if msg.label or not require_label:
                out.append(msg)
    return out


def _int(value: str) -> int:
    # Vote counts are whole numbers in the files; a blank or garbled cell counts as 0, not an error.
    try:
        return int(float(value.strip() or 0))
    except ValueError:
        return 0


@dataclass(frozen=True)
class VotedMessage(Message):
    """A message of the hot-issue corpus (附件3) with its 点赞数 / 反对数."""

    likes: int = 0  # 点赞数
    dislikes: int = 0  # 反对数


def read_voted_messages(path: str | Path = VOTES_FULL_CSV) -> list[VotedMessage]:
    """The messages of a votes CSV (附件3 layout), in file order."""
    with _rows(path) as rows:
        return [
            VotedMessage(
                id=_get(row, ID_COL).strip() or str(i + 1),
                title=_get(row, TITLE_COL),
                body=_get(row, BODY_COL),
                user=_get(row, USER_COL).strip(),
                time=_get(row, TIME_COL).strip(),
                likes=_int(_get(row, "点赞数")),
                dislikes=_int(_get(row, "反对数")),
            )
            for i, row in enumerate(rows)
        ]


@dataclass(frozen=True)
class RepliedMessage(Message):
    """A message of the reply corpus (附件4) with the government's 答复意见 and 答复时间."""

    reply: str = ""  # 答复意见, as written
    reply_time: str = ""  # 答复时间, as written


def read_replied_messages(path: str | Path = REPLIES_FULL_CSV) -> list[RepliedMessage]:
    """The messages of a replies CSV (附件4 layout), in file order."""
    with _rows(path) as rows:
        return [
            RepliedMessage(
                id=_get(row, ID_COL).strip() or str(i + 1),
                title=_get(row, TITLE_COL),
                body=_get(row, BODY_COL),
                user=_get(row, USER_COL).strip(),
                time=_get(row, TIME_COL).strip(),
                reply=_get(row, "答复意见"),
                reply_time=_get(row, "答复时间").strip(),
            )
            for i, row in enumerate(rows)
        ]


# ---------------------------------------------------------------------- category tree


class TaxonomyRow(NamedTuple):
    """One row of the 事项分类 tree; a tuple, so ``level1, level2, level3 = row`` works."""

    level1: str  # 一级分类
    level2: str  # 二级分类
    level3: str  # 三级分类


def read_taxonomy(path: str | Path = TAXONOMY_CSV) -> list[TaxonomyRow]:
    """Every row of the category tree, stripped, in file order (duplicates and blanks kept)."""
    with _rows(path) as rows:
        return [
            TaxonomyRow(_get(r, "一级分类").strip(), _get(r, "二级分类").strip(), _get(r, "三级分类").strip())
            for r in rows
        ]


# ---------------------------------------------------------------------- townships


@dataclass(frozen=True)
class Street:
    """A township-level unit (街道/镇/乡/管理区) from the NBS 2023 division codes."""

    code: str  # 9-digit NBS code
    name: str
    area_code: str  # the county's 6-digit code (420881 for 钟祥市)


def read_streets(path: str | Path = STREETS_CSV) -> list[Street]:
    with _rows(path) as rows:
        return [
            Street(_get(r, "code").strip(), _get(r, "name").strip(), _get(r, "areaCode").strip())
            for r in rows
        ]


# ---------------------------------------------------------------------- duplicate pairs


@dataclass(frozen=True)
class DuplicatePair:
    """One labelled pair of the duplicate set (see ``triage/dupdata.py`` for how it is made)."""

    pair_id: str
    label: int  # 1 = the same problem at the same place, 0 = not
    kind: str
    split: str
    a_id: str
    a_text: str
    a_place: str
    a_phone: str
    b_id: str
    b_text: str
    b_place: str
    b_phone: str
    b_origin: str
    ops: str
    note: str


DUPLICATE_PAIR_COLUMNS: list[str] = [f.name for f in fields(DuplicatePair)]


def read_duplicate_pairs(path: str | Path = DUPLICATE_PAIRS_CSV) -> list[DuplicatePair]:
    with _rows(path) as rows:
        return [_pair(row) for row in rows]


def _pair(row: dict[str, str]) -> DuplicatePair:
    return DuplicatePair(
        pair_id=row["pair_id"],
        label=int(row["label"]),
        kind=row["kind"],
        split=row["split"],
        a_id=row["a_id"],
        a_text=row["a_text"],
        a_place=row["a_place"],
        a_phone=row["a_phone"],
        b_id=row["b_id"],
        b_text=row["b_text"],
        b_place=row["b_place"],
        b_phone=row["b_phone"],
        b_origin=row["b_origin"],
        ops=row["ops"],
        note=row["note"],
    )


# ---------------------------------------------------------------------- urgency test set


@dataclass(frozen=True)
class UrgencyExample:
    id: str
    title: str
    body: str
    urgent: bool
    category: str  # the expected urgency category ("" when not urgent)
    source: str


def read_urgency_testset(path: str | Path = URGENCY_TESTSET_CSV) -> list[UrgencyExample]:
    with _rows(path) as rows:
        return [
            UrgencyExample(
                id=r["id"],
                title=r["title"],
                body=r["body"],
                urgent=r["urgent"].strip() == "1",
                category=r["category"].strip(),
                source=r["source"].strip(),
            )
            for r in rows
        ]


# ---------------------------------------------------------------------- real labelled sets


@dataclass(frozen=True)
class RealDuplicatePair:
    """A hand-labelled pair of real messages of the votes corpus (by 留言编号)."""

    pair_id: str
    a_id: str
    b_id: str
    label: int  # 1 = one case (a dispatcher would merge them), 0 = not
    kind: str  # same_user_repost, different_users_same_problem, same_place_different_problem, …
    split: str  # dev | test
    note: str


def read_real_duplicate_pairs(path: str | Path = REAL_DUPLICATE_PAIRS_CSV) -> list[RealDuplicatePair]:
    with _rows(path) as rows:
        return [
            RealDuplicatePair(
                pair_id=r["pair_id"].strip(),
                a_id=r["a_id"].strip(),
                b_id=r["b_id"].strip(),
                label=int(r["label"]),
                kind=r["kind"].strip(),
                split=r["split"].strip(),
                note=_get(r, "note"),
            )
            for r in rows
        ]


@dataclass(frozen=True)
class RealUrgencyLabel:
    """A real message (of the votes or replies corpus, by 留言编号) labelled urgent or not."""

    id: str
    source: str  # votes | replies
    urgent: bool
    reason: str  # the annotator's reason; "borderline: …" where they hesitated
    split: str  # dev | test
    sample: str  # random | candidate (found by title keywords)

    @property
    def borderline(self) -> bool:
        return self.reason.strip().lower().startswith("borderline")


def read_real_urgency_labels(path: str | Path = REAL_URGENCY_CSV) -> list[RealUrgencyLabel]:
    with _rows(path) as rows:
        return [
            RealUrgencyLabel(
                id=r[ID_COL].strip(),
                source=r["source"].strip(),
                urgent=r["urgent"].strip() == "1",
                reason=_get(r, "reason"),
                split=r["split"].strip(),
                sample=r["sample"].strip(),
            )
            for r in rows
        ]


@dataclass(frozen=True)
class RealCategoryLabel:
    """A real message (of the votes or replies corpus, by 留言编号) with its first-level subject
    among all 15 of the tree, labelled by hand."""

    id: str
    source: str  # votes | replies
    level1: str
    level2: str  # "" where the annotator was unsure
    confidence: str  # sure | unsure (about level1)
    split: str  # dev | test
    note: str


def read_real_category_labels(path: str | Path = REAL_CATEGORIES_CSV) -> list[RealCategoryLabel]:
    with _rows(path) as rows:
        return [
            RealCategoryLabel(
                id=r[ID_COL].strip(),
                source=r["source"].strip(),
                level1=r["level1"].strip(),
                level2=_get(r, "level2").strip(),
                confidence=r["confidence"].strip(),
                split=r["split"].strip(),
                note=_get(r, "note"),
            )
            for r in rows
        ]


@dataclass(frozen=True)
class RealHotspotGroup:
    """A message of the votes corpus (by 留言编号) in its hand-made hot-issue group."""

    id: str
    group: str  # g001 …, or s-<留言编号> for a message alone
    group_title: str

    @property
    def singleton(self) -> bool:
        return self.group.startswith("s-")


def read_real_hotspot_groups(path: str | Path = REAL_HOTSPOT_GROUPS_CSV) -> list[RealHotspotGroup]:
    with _rows(path) as rows:
        return [
            RealHotspotGroup(
                id=r[ID_COL].strip(), group=r["group"].strip(), group_title=_get(r, "group_title")
            )
            for r in rows
        ]


# ---------------------------------------------------------------------- guide questions


@dataclass(frozen=True)
class GuideQuestion:
    text: str  # a citizen's question in their own words
    slug: str  # the guide it should find
    split: str  # dev | test


def read_guide_questions(path: str | Path = GUIDE_QUESTIONS_CSV) -> list[GuideQuestion]:
    with _rows(path) as rows:
        return [GuideQuestion(r["question"].strip(), r["slug"].strip(), r["split"].strip()) for r in rows]


# ---------------------------------------------------------------------- fingerprints


def sha256_of_files(*paths: str | Path) -> str:
    """SHA-256 over the bytes of the given files, in order (one file alone: its plain hash)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                h.update(chunk)
    return h.hexdigest()

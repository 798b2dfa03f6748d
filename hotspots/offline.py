"""The method on a file: ``mochou hotspots find FILE.csv`` (no Django imports).

The file has the columns of the contest's hot-issue corpus (留言编号, 留言主题, 留言时间, 留言详情,
and 点赞数/反对数 where the channel has them); it is read by :mod:`mochou.datasets`, the one reader
of such files. Each hotspot is one JSON line, hottest first: ``title``, ``heat``, ``place``,
``ids`` (the messages in it), plus ``count``, ``first``, ``last``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hotspots.method import Hotspot, Item, Params, find_hotspots
from hotspots.places import places
from mochou.datasets import VotedMessage, read_voted_messages

LOCAL = ZoneInfo("Asia/Shanghai")
# Excel's day 0 (1899-12-30): some rows of the corpus carry their time as a serial number.
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=LOCAL)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
# How much of a long letter is read for places: the place is named early, the rest is argument.
PLACE_CHARS = 300


def parse_time(value: str) -> datetime | None:
    """A 留言时间 as written (2019/2/28 11:25:05, 2019-02-28, an Excel serial …), local time."""
    value = (value or "").strip()
    if not value:
        return None
    if _SERIAL.match(value):
        return _EXCEL_EPOCH + timedelta(days=float(value))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)  # noqa: DTZ007  (local time attached below)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


def item_of(msg: VotedMessage, fallback: datetime) -> Item:
    return Item(
        id=msg.id,
        title=msg.title,
        body=msg.body,
        time=parse_time(msg.time) or fallback,
        places=places(msg.title, msg.body[:PLACE_CHARS]),
        likes=msg.likes,
        dislikes=msg.dislikes,
    )


def read_items(path: str | Path) -> list[Item]:
    """The messages of a file as items; a row without a readable time gets the file's earliest."""
    messages = read_voted_messages(path)
    times = [t for t in (parse_time(m.time) for m in messages) if t is not None]
    fallback = min(times) if times else datetime(1970, 1, 1, tzinfo=UTC)
    return [item_of(m, fallback) for m in messages]


def as_json(h: Hotspot) -> dict[str, object]:
    return {
        "title": h.title,
        "heat": h.heat,
        "place": h.place,
        "ids": [str(i) for i in h.ids],
        "count": h.count,
        "first": h.first_at.isoformat(),
        "last": h.last_at.isoformat(),
    }


def find_lines(items: Sequence[Item], params: Params, *, end: datetime | None = None) -> list[str]:
    """One JSON line per hotspot, hottest first."""
    return [json.dumps(as_json(h), ensure_ascii=False) for h in find_hotspots(items, params, end=end)]

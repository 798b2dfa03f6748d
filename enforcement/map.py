"""The map of open violations: points in WGS84 longitude/latitude, drawn offline.

There is no basemap: the government intranet reaches no tile server and no openly licensed
boundary of 钟祥's townships ships with the product, so the chart is an equal-aspect scatter of
the points themselves, each township's name placed at the mean of its points. Colour says what
is owed now: 超期 (past the deadline of its state: enforcement.deadlines), else the state's group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from enforcement import deadlines
from enforcement.models import Violation
from enforcement.workflow import OPEN_STATES, State

# The legend's groups, in the order they are drawn (超期 last: on top).
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("check", "待核查", "#0b5cad"),
    ("handling", "认定至限期自拆", "#9a6700"),
    ("appeal", "复议/诉讼中", "#8250df"),
    ("verify", "已拆除待复核/销号", "#1a7f37"),
    ("overdue", "超期", "#cf222e"),
)
_GROUP_OF: dict[str, str] = {
    State.REPORTED: "check",
    State.CONFIRMED: "handling",
    State.STOPPED: "handling",
    State.PLANNED: "handling",
    State.ORDERED: "handling",
    State.APPEALED: "appeal",
    State.DEMOLISHED: "verify",
    State.VERIFIED: "verify",
}


def is_overdue(v: Violation, now: datetime) -> bool:
    return deadlines.is_overdue(v, v.state, now)


def group_of(v: Violation, now: datetime) -> str:
    return "overdue" if is_overdue(v, now) else _GROUP_OF.get(v.state, "handling")


@dataclass
class MapData:
    spec: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""
    unplaced: int = 0


def open_violations(rows: QuerySet[Violation]) -> QuerySet[Violation]:
    return rows.filter(state__in=list(OPEN_STATES)).select_related("township", "village")


def build(rows: QuerySet[Violation], now: datetime, *, limit: int = 2000) -> MapData:
    """The chart's figures, the table beside it and its text summary, from visible open rows."""
    items = list(open_violations(rows).order_by("township__sort_order", "number")[:limit])
    points: dict[str, list[dict[str, Any]]] = {key: [] for key, _, _ in GROUPS}
    by_township: dict[str, list[tuple[float, float]]] = defaultdict(list)
    table: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    unplaced = 0
    for v in items:
        group = group_of(v, now)
        counts[group] += 1
        url = reverse("enforcement:detail", args=[v.number])
        table.append(
            {
                "number": v.number,
                "url": url,
                "township": v.township.name,
                "village": v.village.name if v.village else "",
                "state": v.get_state_display(),
                "kind": "新增" if v.is_new else "存量",
                "overdue": group == "overdue",
                "lat": v.lat,
                "lng": v.lng,
                "area": v.area,
            }
        )
        if v.lat is None or v.lng is None:
            unplaced += 1
            continue
        lng, lat = float(v.lng), float(v.lat)
        by_township[v.township.name].append((lng, lat))
        points[group].append(
            {
                "value": [lng, lat],
                "name": f"{v.number} {v.township.name} {v.get_state_display()}",
                "url": url,
            }
        )
    labels = [
        {"name": name, "value": [sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)]}
        for name, pts in sorted(by_township.items())
    ]
    spec = {
        "series": [
            {"key": key, "name": label, "color": colour, "data": points[key]} for key, label, colour in GROUPS
        ],
        "labels": labels,
    }
    total = len(items)
    parts = [f"{label}{counts[key]}件" for key, label, _ in GROUPS if counts[key]]
    summary = f"未销号违建共{total}件" + (f"：{'，'.join(parts)}" if parts else "") + "。"
    if by_township:
        busiest = max(by_township.items(), key=lambda kv: len(kv[1]))
        summary += f"点位最多的是{busiest[0]}（{len(busiest[1])}处）。"
    if unplaced:
        summary += f"另有{unplaced}件未填写坐标，只在表格中列出。"
    if total >= limit:
        summary += f"（只显示前{limit}件。）"
    return MapData(spec=spec, rows=table, summary=summary, unplaced=unplaced)

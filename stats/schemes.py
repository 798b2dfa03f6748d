"""Scoring schemes (考核方案) as data: how rates become points, scores, grades, ranks and boards.

A scheme's definition (JSON, stored in a versioned Scheme row; the shipped ones are in
stats/schemes/*.json with their provenance):

    {"groups": [{"code": "township", "name": "乡镇", "level": "township", "max": 150,
                 "items": [...]}, ...],          # assessed and ranked separately
     "items": [{"rate": "satisfaction", "weight": 45, "points": "linear"}, ...],
                                                  # the groups' items unless a group has its own
     "grades": [{"label": "优秀", "min": 90}, {"label": "良好", "min": 80}, ..., {"label": "不合格"}],
                                                  # on the score as a percentage of the group's max
     "boards": {"red": {"size": 5, "scope": "group"}, "black": {"size": 5, "scope": "all"}}}

An item's `points`: "linear" (weight × rate), "inverse" (weight × (1 − rate), for 退单率 and
发回重办率), or {"breaks": [[rate %, points], ...]}: straight lines between the break points, flat
outside them (连云港's "按时办结率 at or below 75 % scores 0" is [[75, 0], [100, 25]]).
A unit's score = Σ points × max ÷ Σ weights of the items that have data (a rate with an empty
denominator is left out, not scored 0); a unit with no item with data is not ranked (不参评).
Ranks are by score within the group, ties sharing a rank (同分排名不分先后: 1, 2, 2, 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from mochou.errors import InvalidInput
from stats.rates import RATE_BY_CODE

LEVELS = ("township", "department")


@dataclass(frozen=True)
class Item:
    rate: str
    weight: float
    points: str | tuple[tuple[float, float], ...]

    def score(self, rate: float) -> float:
        """Points for a rate in [0, 1]."""
        if self.points == "linear":
            return self.weight * rate
        if self.points == "inverse":
            return self.weight * (1 - rate)
        if not isinstance(self.points, tuple):
            raise TypeError(f"unknown points {self.points!r}")  # parse() lets no other through
        pct = 100 * rate
        breaks = self.points
        if pct <= breaks[0][0]:
            return breaks[0][1]
        for (x0, y0), (x1, y1) in pairwise(breaks):
            if pct <= x1:
                return y0 + (y1 - y0) * (pct - x0) / (x1 - x0)
        return breaks[-1][1]


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    level: str
    max: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    label: str
    min: float | None  # percent of the group's max; None: everything below


@dataclass(frozen=True)
class Board:
    size: int
    scope: str  # "group" or "all"


@dataclass(frozen=True)
class Definition:
    groups: tuple[Group, ...]
    grades: tuple[Grade, ...]
    red: Board | None
    black: Board | None

    def group_of(self, level: str) -> Group | None:
        return next((g for g in self.groups if g.level == level), None)

    def grade(self, percent: float) -> str:
        for g in self.grades:
            if g.min is None or percent >= g.min - 1e-9:
                return g.label
        return ""


def _bad(message: str) -> InvalidInput:
    return InvalidInput(f"考核方案定义有误：{message}", code="invalid_input.scheme")


def _item(raw: Any) -> Item:
    if not isinstance(raw, dict) or raw.get("rate") not in RATE_BY_CODE:
        raise _bad(f"未知的指标 {raw.get('rate') if isinstance(raw, dict) else raw!r}")
    weight = raw.get("weight")
    if not isinstance(weight, int | float) or weight <= 0:
        raise _bad(f"{raw['rate']} 的分值应为正数")
    points = raw.get("points", "linear")
    if isinstance(points, dict):
        breaks = points.get("breaks")
        if not isinstance(breaks, list) or len(breaks) < 2:
            raise _bad(f"{raw['rate']} 的分段至少两个点")
        pairs = tuple((float(x), float(y)) for x, y in breaks)
        if any(later[0] <= earlier[0] for earlier, later in pairwise(pairs)):
            raise _bad(f"{raw['rate']} 的分段应按比率从小到大排列")
        return Item(raw["rate"], float(weight), pairs)
    if points not in ("linear", "inverse"):
        raise _bad(f"{raw['rate']} 的计分方式应为 linear、inverse 或 breaks")
    return Item(raw["rate"], float(weight), points)


def parse(raw: Any) -> Definition:
    """The definition checked and typed; raises InvalidInput with what is wrong."""
    if not isinstance(raw, dict):
        raise _bad("应为 JSON 对象")
    shared = tuple(_item(i) for i in raw.get("items", []))
    groups = []
    for g in raw.get("groups") or [{"code": lv, "name": lv, "level": lv, "max": 100} for lv in LEVELS]:
        if g.get("level") not in LEVELS:
            raise _bad(f"分组的 level 应为 {'/'.join(LEVELS)}")
        items = tuple(_item(i) for i in g.get("items", [])) or shared
        if not items:
            raise _bad(f"分组 {g.get('name')} 没有计分指标")
        maximum = g.get("max", 100)
        if not isinstance(maximum, int | float) or maximum <= 0:
            raise _bad("分组满分应为正数")
        groups.append(Group(str(g.get("code") or g["level"]), str(g.get("name") or g["level"]),
                            g["level"], float(maximum), items))  # fmt: skip
    grades = []
    for band in raw.get("grades", []):
        low = band.get("min")
        if low is not None and not isinstance(low, int | float):
            raise _bad("分档下限应为数字")
        grades.append(Grade(str(band["label"]), None if low is None else float(low)))
    grades.sort(key=lambda b: -(b.min if b.min is not None else -1e9))
    boards = raw.get("boards") or {}

    def board(key: str) -> Board | None:
        b = boards.get(key)
        if not b:
            return None
        if b.get("scope", "group") not in ("group", "all") or int(b.get("size", 0)) <= 0:
            raise _bad("红黑榜应给出人数 size 和范围 scope（group/all）")
        return Board(int(b["size"]), b.get("scope", "group"))

    return Definition(tuple(groups), tuple(grades), board("red"), board("black"))

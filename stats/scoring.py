"""Scores, grades, ranks, boards and the change from the previous period, for one scheme.

Pure: counters in (stats.counting), a table of scored rows out; stats.queries feeds it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stats.rates import RATE_BY_CODE
from stats.schemes import Definition, Group


def rate_value(counts: Mapping[str, int], code: str) -> float | None:
    rate = RATE_BY_CODE[code]
    den = counts.get(rate.denominator, 0)
    return counts.get(rate.numerator, 0) / den if den else None


@dataclass
class ItemScore:
    rate: str
    value: float | None
    points: float | None
    weight: float


@dataclass
class Scored:
    unit_id: int
    name: str
    group: str
    counts: Counter[str]
    items: list[ItemScore]
    score: float | None  # None: 不参评 (no item with data)
    percent: float | None
    grade: str = ""
    rank: int | None = None
    boards: list[str] = field(default_factory=list)  # "red" / "black"
    previous_score: float | None = None
    previous_rank: int | None = None
    previous_grade: str = ""

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 2)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def score_unit(group: Group, counts: Mapping[str, int]) -> tuple[list[ItemScore], float | None]:
    items = []
    got = weight = 0.0
    for item in group.items:
        value = rate_value(counts, item.rate)
        points = None if value is None else round(item.score(value), 4)
        items.append(ItemScore(item.rate, value, points, item.weight))
        if points is not None:
            got += points
            weight += item.weight
    if weight == 0:
        return items, None
    return items, round(got * group.max / weight, 2)


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Ranks for scores sorted best first, ties sharing a rank: 1, 2, 2, 4 (同分排名不分先后)."""
    ranks: list[int] = []
    for i, s in enumerate(scores):
        ranks.append(ranks[-1] if i and s == scores[i - 1] else i + 1)
    return ranks


def evaluate(
    definition: Definition,
    units: Sequence[tuple[int, str, str]],
    counts: Mapping[int | None, Counter[str]],
    previous: Mapping[int | None, Counter[str]] | None = None,
) -> list[Scored]:
    """Scored rows for `units` ((id, name, level)), best first within each group, unranked last."""
    rows = _scored(definition, units, counts)
    if previous is not None:
        before = {r.unit_id: r for r in _scored(definition, units, previous)}
        for r in rows:
            p = before.get(r.unit_id)
            if p is not None:
                r.previous_score, r.previous_rank, r.previous_grade = p.score, p.rank, p.grade
    return rows


def _scored(
    definition: Definition, units: Sequence[tuple[int, str, str]], counts: Mapping[int | None, Counter[str]]
) -> list[Scored]:
    rows: list[Scored] = []
    for group in definition.groups:
        members = []
        for unit_id, name, level in units:
            if level != group.level:
                continue
            c = counts.get(unit_id, Counter())
            items, score = score_unit(group, c)
            percent = None if score is None else round(100 * score / group.max, 2)
            members.append(Scored(unit_id, name, group.code, Counter(c), items, score, percent))
        ranked = sorted((m for m in members if m.score is not None), key=lambda m: (-(m.score or 0), m.name))
        for m, rank in zip(ranked, competition_ranks([m.score or 0 for m in ranked]), strict=True):
            m.rank = rank
            m.grade = definition.grade(m.percent or 0)
        if definition.red is not None and definition.red.scope == "group":
            _board(ranked, definition.red.size, "red", best=True)
        if definition.black is not None and definition.black.scope == "group":
            _board(ranked, definition.black.size, "black", best=False)
        rows += ranked + sorted((m for m in members if m.score is None), key=lambda m: m.name)
    ranked_all = sorted((r for r in rows if r.percent is not None), key=lambda r: -(r.percent or 0))
    if definition.red is not None and definition.red.scope == "all":
        _board(ranked_all, definition.red.size, "red", best=True, key="percent")
    if definition.black is not None and definition.black.scope == "all":
        _board(ranked_all, definition.black.size, "black", best=False, key="percent")
    return rows


def _board(ranked: list[Scored], size: int, name: str, *, best: bool, key: str = "score") -> None:
    """The first `size` (or last), and whoever ties with the last one taken (同分不分先后)."""
    ordered = ranked if best else list(reversed(ranked))
    if not ordered:
        return
    cut = getattr(ordered[min(size, len(ordered)) - 1], key)
    for r in ordered:
        value = getattr(r, key)
        # A unit on the red board is not also on the black one (a group of five or fewer).
        if (best and value >= cut) or (not best and value <= cut and "red" not in r.boards):
            r.boards.append(name)

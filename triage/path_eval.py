"""How well the second level of the category path is chosen, on real hand-labelled messages.

`triage/data/real-categories-labelled.csv` (REAL-LABELS.md) labels real messages with their
first and (where the annotator was sure) second level. The second-level step is scored twice:
given the *true* first level (the step alone), and through the catalogue's resolver (its keyword
entries may move a message to another subject). Needs the category tree and a catalogue in the
database (the demo's: `mochou demo` or a test database with load_taxonomy + seed_rules).

What cannot be evaluated: the third level and the unit have no real labels (the messages come
from another city, whose units are not 钟祥's); they are tested on constructed cases only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cases.models import Category
from mochou.datasets import (
    RealCategoryLabel,
    read_real_category_labels,
    read_replied_messages,
    read_voted_messages,
)
from mochou.stats_intervals import wilson
from triage.catalogue import resolve
from triage.paths import refine

# A working afternoon: no time-of-day entry (夜间) applies, as the labelled messages carry none.
AFTERNOON = datetime(2025, 9, 24, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class Score:
    n: int
    answered: int
    correct: int

    @property
    def coverage(self) -> float:
        return self.answered / self.n if self.n else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0


def labelled(split: str) -> list[tuple[RealCategoryLabel, str]]:
    """The split's rows with a second-level label, and each message's text (title + body)."""
    texts = {m.id: f"{m.title}\n{m.body}" for m in read_replied_messages()}
    texts |= {m.id: f"{m.title}\n{m.body}" for m in read_voted_messages()}
    return [
        (r, texts[r.id])
        for r in read_real_category_labels()
        if r.split == split and r.level2 and r.id in texts
    ]


def _second(category: Category | None) -> Category | None:
    while category is not None and category.level > 2:
        category = category.parent
    return category if category is not None and category.level == 2 else None


def score(rows: Iterable[tuple[RealCategoryLabel, str]], *, through_catalogue: bool) -> Score:
    roots = {c.name: c for c in Category.objects.filter(level=1)}
    n = answered = correct = 0
    for label, text in rows:
        root = roots.get(label.level1)
        if root is None:
            continue
        n += 1
        if through_catalogue:
            title = text.split("\n", 1)[0]
            chosen = resolve(
                text=text, title=title, township=None, at=AFTERNOON, model_category=root
            ).category
        else:
            chosen = refine(root, text).category
        second = _second(chosen)
        if second is None:
            continue
        answered += 1
        correct += second.path == f"{label.level1}/{label.level2}"
    return Score(n, answered, correct)


def majority_baseline(split: str) -> Score:
    """Each first level's most frequent second level on the dev rows, applied to `split`."""
    from collections import Counter

    counts: dict[str, Counter[str]] = {}
    for label, _ in labelled("dev"):
        counts.setdefault(label.level1, Counter())[label.level2] += 1
    n = answered = correct = 0
    for label, _ in labelled(split):
        n += 1
        if label.level1 in counts:
            answered += 1
            correct += counts[label.level1].most_common(1)[0][0] == label.level2
    return Score(n, answered, correct)


def report(split: str) -> str:
    rows = labelled(split)
    lines = [f"二级分类（{split}，给定真实一级分类，{len(rows)} 条有二级标注）"]
    base = majority_baseline(split)
    lo, hi = wilson(base.correct, base.n)
    lines.append(f"- 基线（开发集各一级分类最常见的二级）: 总体正确 {base.accuracy:.2f} [{lo:.2f}, {hi:.2f}]")
    for name, through in (("分类树名称与常用词", False), ("经派单目录（含关键词事项）", True)):
        s = score(rows, through_catalogue=through)
        lo, hi = wilson(s.correct, s.answered)
        alo, ahi = wilson(s.correct, s.n)
        lines.append(
            f"- {name}: 覆盖 {s.answered}/{s.n} = {s.coverage:.2f}；已选者正确 {s.precision:.2f} "
            f"[{lo:.2f}, {hi:.2f}]；总体正确 {s.accuracy:.2f} [{alo:.2f}, {ahi:.2f}]"
        )
    return "\n".join(lines)

"""The extraction's evaluation on hand-labelled records (supervision/data/labels/*.json).

A draft matches a labelled commitment when the label's `key` is in the draft's title or source
clause (one draft per commitment, first come first served, in document order). Precision = matched
drafts / drafts; recall = matched commitments / commitments; deadline, target and plan accuracy
over the matched pairs (both empty counts as right).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from supervision.extract import extract, unit_refs
from supervision.extract_db import spec_plans

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class RecordScore:
    record: str
    drafts: int
    commitments: int
    matched: int
    deadline_right: int
    target_right: int
    plan_right: int
    missed: list[str]
    spurious: list[str]

    @property
    def precision(self) -> float:
        return self.matched / self.drafts if self.drafts else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.commitments if self.commitments else 0.0


def demo_units() -> list:  # type: ignore[type-arg]
    from org.demo import CENTRE_CODE, CENTRE_NAME, DEPARTMENTS

    return unit_refs([(CENTRE_CODE, CENTRE_NAME, ""), *((d.code, d.name, d.short_name) for d in DEPARTMENTS)])


def evaluate_label(path: Path) -> RecordScore:
    label = json.loads(path.read_text(encoding="utf-8"))
    text = (DATA / "records" / label["record"]).read_text(encoding="utf-8")
    year = date.fromisoformat(label["held_on"]).year if label.get("held_on") else None
    drafts = extract(text, plans=spec_plans(), units=demo_units(), year=year)
    gold = label["commitments"]
    used: set[int] = set()
    matched = deadline_right = target_right = plan_right = 0
    missed = []
    for item in gold:
        hit = next(
            (
                i
                for i, d in enumerate(drafts)
                if i not in used and (item["key"] in d.text or item["key"] in d.title)
            ),
            None,
        )
        if hit is None:
            missed.append(item["key"])
            continue
        used.add(hit)
        matched += 1
        draft = drafts[hit]
        deadline_right += (draft.deadline.isoformat() if draft.deadline else None) == item["deadline"]
        target_right += (draft.target or None) == item["target"]
        plan_right += draft.plan == item["plan"]
    spurious = [d.title for i, d in enumerate(drafts) if i not in used]
    return RecordScore(
        label["record"],
        len(drafts),
        len(gold),
        matched,
        deadline_right,
        target_right,
        plan_right,
        missed,
        spurious,
    )


def evaluate_all() -> list[RecordScore]:
    return [evaluate_label(p) for p in sorted((DATA / "labels").glob("*.json"))]


def report(scores: list[RecordScore]) -> str:
    lines = [
        "| 纪要 | 草拟事项 | 标注承诺 | 命中 | 精确率 | 召回率 | 时限正确 | 目标正确 | 计划正确 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.record} | {s.drafts} | {s.commitments} | {s.matched} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.deadline_right}/{s.matched} | {s.target_right}/{s.matched} | {s.plan_right}/{s.matched} |"
        )
    for s in scores:
        if s.missed:
            lines.append(f"\n漏检（{s.record}）：" + "；".join(s.missed))
        if s.spurious:
            lines.append(f"\n误检（{s.record}）：" + "；".join(s.spurious))
    return "\n".join(lines)

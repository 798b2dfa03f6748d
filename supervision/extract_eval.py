"""The extraction's evaluation on hand-labelled records (supervision/data/labels/*.json).

A draft matches a labelled commitment when the label's `key` is in the draft's title or source
clause (one draft per commitment, first come first served, in document order). Precision = matched
drafts / drafts; recall = matched commitments / commitments; deadline, target and plan accuracy
over the matched pairs (both empty counts as right).

Three groups, reported apart and never pooled together, each pooled within (sums of counts, not a
mean of rates) with 95 % Wilson intervals (mochou.stats_intervals):
- in-sample (IN_SAMPLE): the seed's record, on which the rules were written;
- development (DEV): records read and tuned on (held out until 2026-12-03, then used to write the
  commitment test without a directive): their figures say the rules fit them, no more;
- held-out: every other labelled record — labelled by someone who never saw the code, never read
  while writing the rules — the only figures that estimate how the method does on a record it
  has not seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mochou.stats_intervals import wilson
from supervision.extract import extract, unit_refs
from supervision.extract_db import spec_plans

DATA = Path(__file__).resolve().parent / "data"
# The record the rules were written on (in-sample), the records they were tuned on (development,
# held out until 2026-12-03). Any other labelled record is held out.
IN_SAMPLE = frozenset({"zhongxiang-standing-committee-2021-08-01.txt"})
DEV = frozenset(
    {"guangdong-government-work-report-2026-01-26.txt", "hubei-government-work-report-2026-01-27.txt"}
)
GROUPS = ("in-sample", "development", "held-out")  # report order
_GROUP_NAMES = {
    "in-sample": ("样本内", "样本内（规则据此编写）"),
    "development": ("开发", "开发（据此调规则）"),
    "held-out": ("留出", "留出（未用于调规则）"),
}


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
    in_sample: bool = False
    labelled_by: str = ""
    development: bool = False

    @property
    def group(self) -> str:
        return "in-sample" if self.in_sample else "development" if self.development else "held-out"

    @property
    def precision(self) -> float:
        return self.matched / self.drafts if self.drafts else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.commitments if self.commitments else 0.0


def demo_units() -> list:  # type: ignore[type-arg]
    from org.demo import CENTRE_CODE, CENTRE_NAME, DEPARTMENTS

    return unit_refs([(CENTRE_CODE, CENTRE_NAME, ""), *((d.code, d.name, d.short_name) for d in DEPARTMENTS)])


def evaluate_label(path: Path, records: Path | None = None) -> RecordScore:
    label = json.loads(path.read_text(encoding="utf-8"))
    text = ((records or DATA / "records") / label["record"]).read_text(encoding="utf-8")
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
        in_sample=label["record"] in IN_SAMPLE,
        labelled_by=str(label.get("labelled_by", "")),
        development=label["record"] in DEV,
    )


def evaluate_all(root: Path | None = None) -> list[RecordScore]:
    """Every labelled record under `root` (labels/*.json naming records/*.txt): in-sample, then
    development, then held-out."""
    base = root or DATA
    scores = [evaluate_label(p, base / "records") for p in sorted((base / "labels").glob("*.json"))]
    return sorted(scores, key=lambda s: (GROUPS.index(s.group), s.record))


@dataclass(frozen=True)
class Pooled:
    """Counts summed over a group of records: each rate is k/n with its Wilson interval."""

    records: int
    drafts: int
    commitments: int
    matched: int
    deadline_right: int
    target_right: int
    plan_right: int

    def rates(self) -> dict[str, tuple[int, int]]:
        return {
            "precision": (self.matched, self.drafts),
            "recall": (self.matched, self.commitments),
            "deadline": (self.deadline_right, self.matched),
            "target": (self.target_right, self.matched),
            "plan": (self.plan_right, self.matched),
        }


def pooled(scores: list[RecordScore]) -> Pooled:
    return Pooled(
        len(scores),
        sum(s.drafts for s in scores),
        sum(s.commitments for s in scores),
        sum(s.matched for s in scores),
        sum(s.deadline_right for s in scores),
        sum(s.target_right for s in scores),
        sum(s.plan_right for s in scores),
    )


def _rate(k: int, n: int) -> str:
    if n == 0:
        return "—（0）"
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.3f} [{lo:.3f}, {hi:.3f}]"


def report(scores: list[RecordScore]) -> str:
    lines = [
        "每份纪要（精确率、召回率后为 95% Wilson 区间）：",
        "",
        "| 纪要 | 样本 | 草拟事项 | 标注承诺 | 命中 | 精确率 | 召回率 | 时限正确 | 目标正确 | 计划正确 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        kind = _GROUP_NAMES[s.group][1]
        lines.append(
            f"| {s.record} | {kind} | {s.drafts} | {s.commitments} | {s.matched} "
            f"| {_rate(s.matched, s.drafts)} | {_rate(s.matched, s.commitments)} "
            f"| {s.deadline_right}/{s.matched} | {s.target_right}/{s.matched} | {s.plan_right}/{s.matched} |"
        )
    lines += [
        "",
        "| 合计 | 纪要数 | 精确率 | 召回率 | 时限准确率 | 目标准确率 | 计划准确率 |",
        "|---|---|---|---|---|---|---|",
    ]
    for group in GROUPS:
        total = pooled([s for s in scores if s.group == group])
        cells = " | ".join(_rate(k, n) for k, n in total.rates().values())
        lines.append(f"| {_GROUP_NAMES[group][0]} | {total.records} | {cells} |")
    if not any(s.group == "held-out" for s in scores):
        lines.append(
            "\n尚无留出纪要：以上数字全部是样本内或开发的，只说明规则拟合了编写、调整它们时所读的纪要。"
        )
    for s in scores:
        if s.missed:
            lines.append(f"\n漏检（{s.record}）：" + "；".join(s.missed))
        if s.spurious:
            lines.append(f"\n误检（{s.record}）：" + "；".join(s.spurious))
    return "\n".join(lines)

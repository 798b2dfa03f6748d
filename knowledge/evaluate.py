"""How well search finds the right guide for citizens' own words (knowledge/data/questions.csv).

The questions were written before the search was tuned and are split in two halves: ``dev`` (the
only misses looked at while tuning synonyms and weights) and ``test`` (reported, never tuned on).
A question counts as *paraphrased* when it shares no word of two or more characters with its
guide's title: those measure more than title matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge import bm25, text
from mochou.datasets import GUIDE_QUESTIONS_CSV, GuideQuestion, read_guide_questions

QUESTIONS_CSV = GUIDE_QUESTIONS_CSV
Question = GuideQuestion  # the record of mochou.datasets, under this module's own name

Ranker = Callable[[str], Sequence[str]]  # question → slugs, best first


@dataclass
class Score:
    n: int = 0
    top1: int = 0
    top3: int = 0

    def rate(self, hits: int) -> float:
        return hits / self.n if self.n else 0.0


@dataclass
class Result:
    scores: dict[str, Score] = field(default_factory=dict)  # all, dev, test, paraphrased
    misses: list[tuple[Question, list[str]]] = field(default_factory=list)  # not in the top 3


def load_questions(path: Path = QUESTIONS_CSV) -> list[Question]:
    return read_guide_questions(path)


def is_paraphrased(question: str, title: str) -> bool:
    title_words = {w for w in text.words(title) if len(w) > 1}
    return not title_words & set(text.words(question))


def evaluate(rank: Ranker, questions: Sequence[Question], titles: dict[str, str]) -> Result:
    result = Result(scores={"all": Score(), "dev": Score(), "test": Score(), "paraphrased": Score()})
    for q in questions:
        ranked = list(rank(q.text))[:3]
        groups = ["all", q.split]
        if is_paraphrased(q.text, titles.get(q.slug, "")):
            groups.append("paraphrased")
        for name in groups:
            score = result.scores[name]
            score.n += 1
            score.top1 += ranked[:1] == [q.slug]
            score.top3 += q.slug in ranked
        if q.slug not in ranked:
            result.misses.append((q, ranked))
    return result


def demo_ranker() -> tuple[Ranker, dict[str, str]]:
    """Rank over the shipped demo guides in memory, as a member of staff searches (internal guides
    included) — the same fields, terms and BM25F as knowledge.search, without a database."""
    from knowledge.demo import GUIDES
    from knowledge.search import guide_fields
    from org.demo import CENTRE_CODE, CENTRE_NAME, DEPARTMENTS

    names = {u.code: u.name for u in DEPARTMENTS} | {CENTRE_CODE: CENTRE_NAME}
    docs = [
        bm25.Document(key=i, fields=guide_fields(g.data(), names.get(g.unit, "")))
        for i, g in enumerate(GUIDES)
    ]
    index = bm25.Index.build(docs)

    def rank(question: str) -> list[str]:
        return [GUIDES[key].slug for key, _ in index.search(question)]

    return rank, {g.slug: g.title for g in GUIDES}


def report(result: Result) -> str:
    """A Markdown table of the figures and the list of misses."""
    lines = ["| questions | n | top-1 | top-3 |", "|---|---:|---:|---:|"]
    # The held-out half first: it is the figure to quote; "all" includes the half tuned on.
    labels = {
        "test": "**test half (held out: the figure to quote)**",
        "dev": "dev half (tuned on)",
        "all": "all (includes the tuned half)",
        "paraphrased": "paraphrased (no title word; both halves)",
    }
    for name, label in labels.items():
        s = result.scores[name]
        lines.append(f"| {label} | {s.n} | {s.rate(s.top1):.1%} | {s.rate(s.top3):.1%} |")
    lines.append("")
    if result.misses:
        lines.append("Misses (expected guide not in the top 3):")
        lines.append("")
        for q, ranked in result.misses:
            lines.append(
                f"- [{q.split}] {q.text} → expected `{q.slug}`, got {', '.join(ranked) or '(nothing)'}"
            )
    else:
        lines.append("No misses: every expected guide is in the top 3.")
    return "\n".join(lines)


START, END = "<!-- evaluation:start -->", "<!-- evaluation:end -->"


def write_doc(path: Path, body: str) -> None:
    """Replace the figures between the markers in docs/knowledge.md (append them when missing)."""
    block = f"{START}\n{body}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# 莫愁指南\n"
    if START in old and END in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")

"""Measure the urgency detector and write docs/urgency.md (every table recomputed from the files).

    python -m triage.urgency_eval            # print the report and write docs/urgency.md
    python -m triage.urgency_eval --dev      # print only the development rows' errors (for tuning)
    python -m triage.urgency_eval --no-write # print, do not write

**Real** (the figures that count): ``triage/data/real-urgency-labelled.csv``, 640 real messages of
the votes and replies corpora labelled by an annotator who never saw the detector, split dev/test
by the annotator; the lexicon was tuned on the dev rows' errors only. The random sample and the
keyword candidates are reported apart.

**Synthetic (the project's own rewrites and written examples)**: ``triage/data/urgency-testset.csv``,
below.

The test set is split deterministically by id: a row is in the *development* part when the first
8 hex digits of SHA-256(id) modulo 10 are < 3 (≈ 30 %); the rest is *held out*. The lexicon was
tuned looking only at development errors; held-out figures are the honest ones. No Django imports.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mochou.datasets import (
    REAL_URGENCY_CSV,
    URGENCY_TESTSET_CSV,
    RealUrgencyLabel,
    UrgencyExample,
    read_real_urgency_labels,
    read_replied_messages,
    read_urgency_testset,
    read_voted_messages,
    sha256_of_files,
)
from triage import urgency_model, urgency_study
from triage.calibration import wilson
from triage.urgency import _RULES_SRC, CATEGORIES, REASONS, UrgencyAssessment, assess_urgency

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTSET = URGENCY_TESTSET_CSV
DOC = REPO_ROOT / "docs" / "urgency.md"
DEV_SHARE = 3  # out of 10


def is_dev(example_id: str) -> bool:
    return int(hashlib.sha256(example_id.encode("utf-8")).hexdigest()[:8], 16) % 10 < DEV_SHARE


@dataclass
class Scores:
    n: int
    urgent: int
    tp: int
    fp: int
    fn: int

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(examples: list[UrgencyExample], predictions: dict[str, bool]) -> Scores:
    tp = sum(1 for e in examples if e.urgent and predictions[e.id])
    fp = sum(1 for e in examples if not e.urgent and predictions[e.id])
    fn = sum(1 for e in examples if e.urgent and not predictions[e.id])
    return Scores(n=len(examples), urgent=sum(e.urgent for e in examples), tp=tp, fp=fp, fn=fn)


# ---------------------------------------------------------------------- real messages

SCORE_GRID = (0.5, 1.0, 1.5, 2.0)  # UrgencyAssessment.score: urgent ⇔ score ≥ THRESHOLD (1.0)


@dataclass(frozen=True)
class RealRow:
    label: RealUrgencyLabel
    title: str
    assessment: UrgencyAssessment

    def said(self, at: float = 1.0, *, danger_only: bool = False) -> bool:
        if danger_only and not any(c != "public_opinion" for c in self.assessment.categories):
            return False
        return self.assessment.score >= at


def real_rows(labels: list[RealUrgencyLabel] | None = None) -> list[RealRow]:
    """Every labelled real message with its assessment (texts from the votes and replies corpora)."""
    texts = {m.id: (m.title, m.body) for m in read_voted_messages()}
    texts.update({m.id: (m.title, m.body) for m in read_replied_messages()})
    out = []
    for lab in read_real_urgency_labels() if labels is None else labels:
        title, body = texts[lab.id]
        out.append(RealRow(lab, title, assess_urgency(title, body)))
    return out


def real_scores(rows: list[RealRow], at: float = 1.0, *, danger_only: bool = False) -> Scores:
    tp = sum(1 for r in rows if r.label.urgent and r.said(at, danger_only=danger_only))
    fp = sum(1 for r in rows if not r.label.urgent and r.said(at, danger_only=danger_only))
    fn = sum(1 for r in rows if r.label.urgent and not r.said(at, danger_only=danger_only))
    return Scores(n=len(rows), urgent=sum(r.label.urgent for r in rows), tp=tp, fp=fp, fn=fn)


def _ci(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{lo:.2f}–{hi:.2f}"


def _pr_cells(s: Scores) -> str:
    return (
        f"{s.precision:.3f} ({_ci(s.tp, s.tp + s.fp)}) | {s.recall:.3f} ({_ci(s.tp, s.tp + s.fn)}) | "
        f"{s.tp} | {s.fp} | {s.fn}"
    )


def dev_best_threshold(rows: list[RealRow]) -> float:
    """The score threshold of SCORE_GRID with the best F1 on the dev rows (ties: the lower)."""
    dev = [r for r in rows if r.label.split == "dev"]
    return max(SCORE_GRID, key=lambda t: (round(real_scores(dev, t).f1, 6), -t))


def model_cache_dir() -> Path:
    """Where the learned scorer is cached: var/triage, as the server's (MOCHOU_VAR_DIR)."""
    return Path(os.environ.get("MOCHOU_VAR_DIR", str(REPO_ROOT / "var"))) / "triage"


GOAL_GRID = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def dev_goal_threshold(rows: list[RealRow]) -> tuple[float, str]:
    """The word list's score threshold tuned on dev for the learned scorer's goal (the best recall
    at precision ≥ GOAL_PRECISION; else the best F1): the tuned baseline beside it."""
    dev = [r for r in rows if r.label.split == "dev"]
    goal = urgency_model.GOAL_PRECISION
    meeting = [
        (real_scores(dev, t).recall, -t, t) for t in GOAL_GRID if real_scores(dev, t).precision >= goal
    ]
    meeting = [m for m in meeting if m[0] > 0]
    if meeting:
        return max(meeting)[2], f"precision ≥ {goal}"
    return max(GOAL_GRID, key=lambda t: (real_scores(dev, t).f1, -t)), "best F1"


SYSTEMS = ("lexicon", "lexicon_tuned", "plain", "learned", "gate")  # the test table's rows, in order


@dataclass(frozen=True)
class LearnedComparison:
    """The test figures of the word list (as shipped and tuned on dev), of the plain baseline, of the
    learned scorer and of the word list gated by it; and the dev-only study that chose them."""

    model: urgency_model.UrgencyModel
    study: urgency_study.Study
    systems: dict[str, dict[str, Scores]]  # system -> sample -> scores on the test rows
    delta_f1: dict[str, tuple[float, float, float]]  # system -> F1 − word list's, 95 % paired bootstrap
    tuned_at: float
    tuned_rule: str
    latency: tuple[int, float, float, float]  # n, p50, p99, mean ms per message (best of 5 runs)

    def dominates(self, name: str) -> bool:
        """A candidate replaces the word list only if it dominates it on the test rows: at least as
        many urgent messages found with no more false alarms, one of them strictly."""
        a, b = self.systems[name]["all"], self.systems["lexicon"]["all"]
        return a.tp >= b.tp and a.fp <= b.fp and (a.tp > b.tp or a.fp < b.fp)

    @property
    def learned_wins(self) -> bool:
        return self.dominates("learned")

    @property
    def gate_wins(self) -> bool:
        return self.dominates("gate")


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def compare_learned(rows: list[RealRow], cache_dir: Path | None = None) -> LearnedComparison:
    import numpy as np

    from mochou.stats_intervals import bootstrap

    cache = cache_dir or model_cache_dir()
    model = urgency_model.cached_model(cache)
    study = urgency_study.cached_study(cache, model)
    texts = {m.id: (m.title, m.body) for m in read_voted_messages()}
    texts.update({m.id: (m.title, m.body) for m in read_replied_messages()})
    dev = [r for r in rows if r.label.split == "dev"]
    plain = urgency_study.PlainBaseline(
        study.plain_choice, [texts[r.label.id] for r in dev], [r.label.urgent for r in dev]
    )
    test = [r for r in rows if r.label.split == "test"]
    tuned_at, rule = dev_goal_threshold(rows)
    said: dict[str, dict[str, bool]] = {
        "lexicon": {r.label.id: r.said() for r in test},
        "lexicon_tuned": {r.label.id: r.said(tuned_at) for r in test},
        "plain": {r.label.id: plain.urgent(*texts[r.label.id]) for r in test},
        "learned": {r.label.id: model.urgent(*texts[r.label.id]) for r in test},
        "gate": {r.label.id: model.gated(*texts[r.label.id]) for r in test},
    }
    systems: dict[str, dict[str, Scores]] = {}
    for name, pred in said.items():
        for sample in ("random", "candidate", "all"):
            part = [r for r in test if sample in ("all", r.label.sample)]
            tp = sum(1 for r in part if r.label.urgent and pred[r.label.id])
            fp = sum(1 for r in part if not r.label.urgent and pred[r.label.id])
            fn = sum(1 for r in part if r.label.urgent and not pred[r.label.id])
            urgent = sum(r.label.urgent for r in part)
            systems.setdefault(name, {})[sample] = Scores(n=len(part), urgent=urgent, tp=tp, fp=fp, fn=fn)
    gold = np.array([r.label.urgent for r in test])
    base = np.array([said["lexicon"][r.label.id] for r in test])
    delta: dict[str, tuple[float, float, float]] = {}
    for name in SYSTEMS[1:]:
        cand = np.array([said[name][r.label.id] for r in test])

        def diff(ix: np.ndarray, cand: np.ndarray = cand) -> float:
            g, c, b = gold[ix], cand[ix], base[ix]
            return _f1(int((c & g).sum()), int((c & ~g).sum()), int((~c & g).sum())) - _f1(
                int((b & g).sum()), int((b & ~g).sum()), int((~b & g).sum())
            )

        delta[name] = (diff(np.arange(len(test))), *bootstrap(diff, len(test)))
    best = []
    for r in test:
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            model.gated(*texts[r.label.id])
            runs.append((time.perf_counter() - t0) * 1000)
        best.append(min(runs))
    return LearnedComparison(model, study, systems, delta, tuned_at, rule, (len(best), *_pcts(best)))


def render_study(study: urgency_study.Study) -> list[str]:
    out: list[str] = []
    w = out.append
    w("### Which methods were worth a reading of the test rows (dev rows only)")
    w("")
    w(
        "`python -m triage.urgency_eval` recomputes this with `triage/urgency_study.py` (cached under "
        "`var/triage/`, about a minute and a half): cross-validation on the 339 **dev** rows (23 urgent) "
        f"and the {study.pool:,} *unlabelled* real messages of the two corpora (the labelled messages and "
        "their near copies left out); no test row is read. *AP*: average precision of the method's score "
        "(threshold-free); *best F1*: at the best threshold of the same scores (chosen on them, so "
        "optimistic); TP/FP/FN at the stated operating point where there is one."
    )
    w("")
    w("| method | how | CV AP | best F1 | TP | FP | FN |")
    w("|---|---|---:|---:|---:|---:|---:|")
    for r in study.rows:
        cells = f"{r.tp} | {r.fp} | {r.fn}" if r.tp >= 0 else "– | – | –"
        w(f"| {_cell(r.name)} | {_cell(r.detail)} | {r.ap:.3f} | {r.best_f1:.3f} | {cells} |")
    w("")
    w(
        "- **Weak labels from the word list** teach a text classifier the word list's own verdicts: alone "
        "it ranks the dev rows worse than the word list's score, and stacked with the word list's "
        "features it adds nothing beyond the features alone (the differences in AP are a few "
        "hundredths, well inside the noise of 23 positives). It cannot learn what the word list "
        "misses, since nothing in its labels says it."
    )
    w(
        f"- **Weak labels from the replies** do not exist in useful numbers: of {study.pool_replies:,} "
        f"unlabelled replied messages {study.reply_rule_hits} have a reply telling an emergency "
        f"response (抢险, 抢修, 疏散, 赶赴现场, 恢复供水 …), and only {study.reply_rule_and_lexicon} of "
        f"those is flagged by the word list; on the {study.dev_reply_rows} dev rows of the replies file "
        f"({study.dev_reply_urgent} urgent) the rule fires {study.dev_reply_hits} times, "
        f"{study.dev_reply_hits_urgent} of them urgent. The replies are written weeks later in set "
        f"phrases: {study.replies_set_phrase:,} of the {study.replies_total:,} replies "
        f"({study.replies_set_phrase / max(1, study.replies_total):.0%}) say 立即, 现场, 第一时间, 迅速 or "
        "高度重视, whatever the matter, where about 4 % of messages are urgent; they do not say how "
        "urgent the message was."
    )
    lex = next(r for r in study.rows if r.name == "word list")
    gate = next(r for r in study.rows if r.name.startswith("word list AND"))
    w(
        "- **The gate** (the word list confirmed by the learned scorer) looks better than the word list "
        "when its threshold is chosen on the same rows (best F1 column); chosen on 4/5 of the rows and "
        f"applied to the other 1/5 it keeps {gate.tp} of the word list's {lex.tp} urgent finds and "
        f"{gate.fp} of its {lex.fp} false alarms on dev."
    )
    w(
        "- **The plain baseline** (text alone, no word list) is far behind: 23 urgent messages are too few "
        "to learn the vocabulary of danger from."
    )
    w("")
    return out


def render_learned(cmp: LearnedComparison) -> list[str]:
    ch = cmp.model.chosen
    out: list[str] = render_study(cmp.study)
    w = out.append
    w("### The candidates on the test rows (every reading listed)")
    w("")
    w(
        "`triage/urgency_model.py`: logistic regression on char 1–2-gram TF-IDF of the first "
        f"{urgency_model.HEAD} characters and of the title, plus the word list's score, verdict and "
        "categories and a few cue counts (今天/马上/正在/危险/孩子/老人/受伤/被困/火/燃气/停水 …). "
        f"Trained on the **{ch['n']} dev rows only** ({ch['positives']} urgent); no weak positives and no "
        "synthetic rows. C and the threshold chosen by "
        f"{urgency_model.CV_REPEATS}×5-fold cross-validation on dev: C = {ch['C']} (CV average precision "
        f"{ch['cv_average_precision']:.3f}); threshold {ch['threshold']} by the goal *{ch['rule']}* "
        f"(CV precision {ch['cv_precision']:.3f}, recall {ch['cv_recall']:.3f}). The goal: a false 紧急 "
        "costs the dispatchers' attention, so precision first. The **gate** keeps a word-list flag when "
        f"the scorer's p ≥ {ch['gate_threshold']} (best CV F1 of the gate on dev: precision "
        f"{ch['gate_cv_precision']:.3f}, recall {ch['gate_cv_recall']:.3f}). The **plain baseline**: "
        f"{cmp.study.rows[1].detail}, fitted on all dev rows. The word list tuned on dev for the "
        f"learned scorer's goal: score ≥ {cmp.tuned_at} ({cmp.tuned_rule})."
    )
    w("")
    w(
        "| system | sample | messages | urgent | precision (95 % CI) | recall (95 % CI) | TP | FP | FN | F1 "
        "| ΔF1 vs word list (95 % paired bootstrap) |"
    )
    w("|---|---|---:|---:|---|---|---:|---:|---:|---:|---|")
    names = {
        "lexicon": "word list, score ≥ 1.0 (shipped)",
        "lexicon_tuned": f"word list, score ≥ {cmp.tuned_at} (tuned on dev)",
        "plain": "plain char TF-IDF + LR (baseline)",
        "learned": f"learned scorer, p ≥ {ch['threshold']}",
        "gate": f"word list AND learned p ≥ {ch['gate_threshold']}",
    }
    for sample in ("all", "random", "candidate"):
        for name in SYSTEMS:
            sc = cmp.systems[name][sample]
            d = "–"
            if sample == "all" and name in cmp.delta_f1:
                v, lo, hi = cmp.delta_f1[name]
                d = f"{v:+.3f} ({lo:+.2f} to {hi:+.2f})"
            w(f"| {names[name]} | {sample} | {sc.n} | {sc.urgent} | {_pr_cells(sc)} | {sc.f1:.3f} | {d} |")
    w("")
    b = cmp.systems["lexicon"]["all"]
    parts = []
    for name in ("plain", "learned", "gate"):
        a = cmp.systems[name]["all"]
        verdict = "dominates it" if cmp.dominates(name) else "does not dominate it"
        parts.append(f"the {names[name].split(',')[0]} {a.tp} with {a.fp} ({verdict})")
    serving = (
        "the learned scorer"
        if urgency_model.SERVES
        else "the gate"
        if urgency_model.SERVES_GATE
        else "the word list"
    )
    w(
        f"The shipped word list finds {b.tp} of {b.urgent} urgent test messages with {b.fp} false alarms; "
        + "; ".join(parts)
        + ". The rule: a candidate replaces the word list only if it "
        "dominates it (at least as many urgent messages found with no more false alarms, one of them "
        f"strictly). Triage serves **{serving}** (`urgency_model.SERVES = {urgency_model.SERVES}`, "
        f"`urgency_model.SERVES_GATE = {urgency_model.SERVES_GATE}`). Every paired interval of ΔF1 "
        "above is what 33 urgent test messages allow: a difference whose interval holds 0 is no "
        "difference. How often these rows were read: the learned scorer was first scored on them in an "
        "earlier session, and the rule was written down after that reading; this session read every "
        "candidate at commit `9729baf` (with the revised word list below: the learned scorer 9 with 9 "
        "false alarms, the gate at p ≥ 0.65 11 with 15) and again after the revision was reverted (the "
        "table above; the gate's threshold chosen again on dev). No reading switched anything on."
    )
    w("")
    w("### A revision of the word list, measured and reverted")
    w("")
    w(
        "Issue 9 also revised the word list from its **dev** false positives only, with rules written "
        "from general knowledge: two weak signs of one category add up only within 60 characters of each "
        "other or with one in the title (an 异味 in the garage and a 燃气管道 in a garden, paragraphs "
        "apart); 聚众赌博/聚众打牌/聚众斗殴 is not collective action; smoke of lorries is exhaust; "
        "漏电保护开关 is a device; a consequence told in the future (就会/将会/会发生 …) or in a *when* "
        "clause is a hazard, not an emergency. On dev it removed 3 of the 12 false alarms and no urgent "
        "message (TP/FP 14/12 → 14/9), changed no verdict of the synthetic set, and removed 24 of the "
        "354 flags of the unlabelled messages (mostly gambling parlours, legal disputes and noise). "
        "Scored once on the test rows it removed **no** false alarm and lost one urgent message of the "
        "random sample: 13/18 → 12/18 (precision 0.400, recall 0.364); with its verdicts as features the "
        "learned scorer found 9 with 9 false alarms and the gate (p ≥ 0.65) 11 with 15. By the rule "
        "fixed before that reading (a change must dominate what serves), it was reverted: commit "
        "`9729baf` holds it and the report it generated. The dev gain was the dev rows' own "
        "idiosyncrasies: each rule fixed one dev message, and the test rows' false alarms are other "
        "idiosyncrasies (a past fire's aftermath, quality disputes about cracks, 危房 subsidies)."
    )
    w("")
    n, p50, p99, mean = cmp.latency
    w(
        f"Time of the gate per message (word list and scorer included), best of 5 runs, "
        f"{n} real test messages: p50 {p50:.2f} ms, p99 {p99:.2f} ms, mean {mean:.2f} ms — a dot product "
        "over the message's n-grams in plain Python; trained at first use on the dev rows (under a "
        "minute on this shared machine) and cached under `var/triage/`; nothing is downloaded."
    )
    w("")
    return out


def render_label_needs(
    rows: list[RealRow], pool_flagged: int, pool: int, delta_f1: dict[str, tuple[float, float, float]]
) -> list[str]:
    """How many more labelled real messages a conclusive comparison needs, from the random sample's
    rates (both splits: a base rate, not a tuning)."""
    rnd = [r for r in rows if r.label.sample == "random"]
    urgent = sum(r.label.urgent for r in rnd)
    flagged = [r for r in rnd if r.said()]
    unflagged = [r for r in rnd if not r.said()]
    missed = sum(r.label.urgent for r in unflagged)
    base = urgent / len(rnd)
    miss_rate = missed / len(unflagged)
    # n with a Wilson half-width of at most 0.10 at a proportion of 0.5 (the worst case)
    need = next(n for n in range(10, 1000) if wilson(n // 2, n)[1] - wilson(n // 2, n)[0] <= 0.20)
    all_urgent = [r for r in rows if r.label.urgent]
    above = [name for name, (_, lo, _hi) in delta_f1.items() if lo > 0]
    beyond = (
        "no candidate's paired ΔF1 interval lies above 0"
        if not above
        else f"the paired ΔF1 interval of {', '.join(above)} lies above 0"
    )
    hesitant = sum(r.label.borderline for r in all_urgent)
    out: list[str] = []
    w = out.append
    w("### What more labels would buy")
    w("")
    w(
        f"In the random sample (both splits) {urgent} of {len(rnd)} messages are urgent "
        f"({base:.1%}, {_ci(urgent, len(rnd))}); the word list flags {len(flagged)} messages "
        f"({sum(r.label.urgent for r in flagged)} urgent) and misses {missed}, so {miss_rate:.1%} of the "
        f"messages it leaves alone are urgent. A precision or recall known to ±0.10 (Wilson, at 0.5) "
        f"needs {need} flagged, or {need} urgent, messages; with 33 urgent test messages the recall "
        f"intervals above are about ±0.15, and {beyond}. Reaching {need} urgent messages by random "
        f"sampling means labelling about {round(need / base, -2):,.0f} random messages. Cheaper, and "
        f"unbiased when weighted by the sampling rates: label all {pool_flagged} word-list flags of the "
        f"{pool:,} unlabelled messages (precision to about ±0.05) and a random sample of the unflagged "
        f"ones to count the misses (at {miss_rate:.1%}, 2,000 messages hold about "
        f"{round(2000 * miss_rate)}), by two annotators who agree on a written "
        f"definition first — the single annotator marked {hesitant} of the {len(all_urgent)} urgent labels "
        "*borderline*, and one opinion cannot say which of those are urgent. The definition should also say "
        "whether public-opinion risk (上访, 媒体曝光) is urgent: the policy says yes, the labels say no. "
        "The dispatchers' own corrections of the urgency flag, once triage runs, are the same kind of "
        "label from the real stream, and the only one that grows by itself."
    )
    w("")
    return out


def render_real(rows: list[RealRow], cmp: LearnedComparison | None = None) -> list[str]:
    out: list[str] = []
    w = out.append
    shown = REAL_URGENCY_CSV.relative_to(REAL_URGENCY_CSV.parents[2])
    w("## Real messages (the figures that count)")
    w("")
    w(
        f"`{shown}` (SHA-256 `{sha256_of_files(REAL_URGENCY_CSV)[:16]}…`): {len(rows)} real messages of the "
        "votes and replies corpora, labelled urgent/ordinary by an annotator — an LLM helper agent, not a "
        "person — who never saw this detector "
        "(`triage/data/REAL-LABELS.md`), split dev/test by the annotator. The lexicon was changed looking "
        "only at the errors of the **dev** rows; the test rows were scored once the changes were done. "
        "Intervals: Wilson 95 %."
    )
    w("")
    w(
        "- **random**: a random sample of both corpora — the only rows whose urgent share is a base "
        "rate (and its urgent messages are few: wide intervals)."
    )
    w(
        "- **candidate**: messages whose *title* contains one of ~70 danger words (the annotator's list). "
        "They were found by title keywords, so they over-represent urgent messages that name their "
        "danger in the title: recall on them is biased upwards for a keyword detector, and they are "
        "not a base rate."
    )
    w(
        "- The annotator's definition of urgent (present danger to life, health, safety or property; "
        "an ongoing outage for many households; violence or threats) does **not** include "
        "public-opinion risk (上访, 媒体曝光), which this detector also flags by policy (below). The rows "
        "*danger only* drop the flags raised by `public_opinion` alone."
    )
    w("")
    thr = dev_best_threshold(rows)
    w(
        "Operating point: urgent ⇔ score ≥ 1.0 (`THRESHOLD` in triage/urgency.py: one strong sign, or a "
        "weak one with an immediacy cue) — fixed by design, not chosen on data; what was tuned on dev is "
        f"the lexicon. For comparison, the score threshold with the best dev F1 among "
        f"{', '.join(str(t) for t in SCORE_GRID)} is {thr} in this run (table below)."
    )
    w("")
    w(
        "| split | sample | flags | messages | urgent | precision (95 % CI) | recall (95 % CI) "
        "| TP | FP | FN |"
    )
    w("|---|---|---|---:|---:|---|---|---:|---:|---:|")
    for split in ("test", "dev"):
        for sample in ("random", "candidate", "all"):
            part = [r for r in rows if r.label.split == split and sample in ("all", r.label.sample)]
            for danger in (False, True):
                sc = real_scores(part, danger_only=danger)
                flags = "danger only" if danger else "all"
                w(f"| {split} | {sample} | {flags} | {sc.n} | {sc.urgent} | {_pr_cells(sc)} |")
    w("")
    test = [r for r in rows if r.label.split == "test"]
    clear = [r for r in test if not r.label.borderline]
    sc = real_scores(clear)
    w(
        f"Test rows without the annotator's *borderline* labels ({len(clear)} of {len(test)}): "
        f"precision {sc.precision:.3f} ({_ci(sc.tp, sc.tp + sc.fp)}), recall {sc.recall:.3f} "
        f"({_ci(sc.tp, sc.tp + sc.fn)}), TP {sc.tp}, FP {sc.fp}, FN {sc.fn}."
    )
    rnd = [r for r in test if r.label.sample == "random"]
    n_flag = sum(1 for r in rnd if r.said())
    w(
        f"On the random test rows {n_flag} of {len(rnd)} messages are flagged "
        f"({n_flag / max(1, len(rnd)):.1%}, {_ci(n_flag, len(rnd))}): "
        "the share of the queue that would jump it."
    )
    w("")
    w("### Precision/recall by score threshold (all flags)")
    w("")
    w("| score ≥ | dev P | dev R | test P (95 % CI) | test R (95 % CI) |")
    w("|---:|---:|---:|---|---|")
    dev = [r for r in rows if r.label.split == "dev"]
    for t in SCORE_GRID:
        d, te = real_scores(dev, t), real_scores(test, t)
        star = " ←" if t == 1.0 else ""
        w(
            f"| {t}{star} | {d.precision:.3f} | {d.recall:.3f} | {te.precision:.3f} "
            f"({_ci(te.tp, te.tp + te.fp)}) | {te.recall:.3f} ({_ci(te.tp, te.tp + te.fn)}) |"
        )
    w("")
    if cmp is not None:
        out.extend(render_learned(cmp))
        out.extend(render_label_needs(rows, cmp.study.pool_lexicon_urgent, cmp.study.pool, cmp.delta_f1))
    w("### Test errors (left as they are: fixing them would tune on the test rows)")
    w("")
    w("| id | sample | label | title | detector | annotator's reason |")
    w("|---|---|---:|---|---|---|")
    for r in test:
        if r.said() != r.label.urgent:
            det = ", ".join(r.assessment.categories) or "–"
            if r.assessment.matched:
                det += f" ({'、'.join(r.assessment.matched[:3])})"
            w(
                f"| {r.label.id} | {r.label.sample} | {int(r.label.urgent)} | {_cell(_short(r.title, 40))} | "
                f"{_cell(det)} | {_cell(_short(r.label.reason, 70))} |"
            )
    w("")
    return out


def predict(examples: list[UrgencyExample]) -> dict[str, UrgencyAssessment]:
    return {e.id: assess_urgency(e.title, e.body) for e in examples}


SHORT = 500  # characters of title + body: a typical hotline call transcript is shorter


def _pcts(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], statistics.mean(times)


def latency_ms(
    examples: list[UrgencyExample], repeats: int = 5
) -> dict[str, tuple[int, float, float, float]]:
    """Per-message time of assess_urgency in ms, best of `repeats` runs of each message (removes
    scheduler/GC noise): {bucket: (n, p50, p99, mean)}, plus "all, every run" (raw, noisy)."""
    assess_urgency("预热", "")
    best: dict[str, list[float]] = {"all": [], f"≤ {SHORT} characters": [], f"> {SHORT} characters": []}
    raw: list[float] = []
    for e in examples:
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            assess_urgency(e.title, e.body)
            runs.append((time.perf_counter() - t0) * 1000)
        raw.extend(runs)
        best["all"].append(min(runs))
        short = len(e.title) + len(e.body) <= SHORT
        best[f"≤ {SHORT} characters" if short else f"> {SHORT} characters"].append(min(runs))
    out = {k: (len(v), *_pcts(v)) for k, v in best.items() if v}
    out["all, every single run (raw)"] = (len(raw), *_pcts(raw))
    return out


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def build_report(examples: list[UrgencyExample]) -> str:
    preds = predict(examples)
    flags = {k: v.urgent for k, v in preds.items()}
    dev = [e for e in examples if is_dev(e.id)]
    held = [e for e in examples if not is_dev(e.id)]
    parts = {"held-out (70 %)": held, "development (30 %)": dev, "whole set": examples}
    lat = latency_ms(examples)
    sha = hashlib.sha256(Path(TESTSET).read_bytes()).hexdigest()
    src = Counter((e.source, e.urgent) for e in examples)

    out: list[str] = []
    w = out.append
    w("# Urgency: danger to life or property, and public-opinion risk")
    w("")
    w("<!-- Generated by `python -m triage.urgency_eval`; edit triage/urgency_eval.py, not this file. -->")
    w("")
    w("`triage.urgency.assess_urgency(title, body) -> UrgencyAssessment` marks a citizen message")
    w("**urgent** (it jumps the queue) with the reasons, the categories and the phrases that matched, or")
    w("**normal**. No Django imports, no model file, no network; pure Python regular expressions.")
    w("")
    w("```python")
    w("from triage.urgency import assess_urgency")
    w('a = assess_urgency("楼道里煤气味很重", "三楼没人在家，味道越来越大")')
    w("a.urgent, a.level      # True, 'urgent'")
    w("a.reasons              # ['燃气泄漏：危及生命财产安全']")
    w("a.categories, a.matched  # ['gas'], ['煤气味']")
    w("```")
    w("")
    w("## What counts as urgent")
    w("")
    w("Urgent = a danger to life or property that is **happening now or imminent**, or a")
    w("**public-opinion risk**. Categories and the reason shown to the dispatcher:")
    w("")
    w("| category | reason | examples |")
    w("|---|---|---|")
    examples_by_cat = {
        "gas": "闻到煤气味/臭鸡蛋味, 液化气罐冒气, 燃气管挖断, 烧炭头晕",
        "fire": "着火, 冒黑烟, 焦糊味, 电瓶车炸了",
        "collapse": "墙裂了好宽的缝, 挡土墙鼓出, 路面塌陷, 后山往下滑, 广告牌快掉下来",
        "flood": "水漫进屋, 车库进水, 堤坝渗浑水/管涌, 山洪, 积水一米多深有人被困",
        "electric": "电线掉在路上冒火花, 漏电, 有人触电, 配电箱冒烟",
        "child_alone": "孩子一个人在家哭了一下午, 车里锁着小孩, 小孩爬上窗台, 孩子走丢",
        "vulnerable": "独居老人几天没出门, 老年痴呆老人走失, 老人晕倒/摔倒无人照看",
        "self_harm": "不想活了, 喝了农药, 站在桥栏杆外, 发遗书, 死在政府门口",
        "violence": "拿刀砍人, 家暴, 讨债威胁卸腿, 围殴学生, 绑架",
        "outage": "小区停水7天了, 停电30多个小时, 至今还在停水",
        "public_opinion": "找媒体/发抖音曝光, 上访/进京/去省里, 集体上访, 聚集/堵路/拉横幅/静坐, 热搜",
    }
    for c in CATEGORIES:
        w(f"| `{c}` | {REASONS[c]} | {examples_by_cat[c]} |")
    w("")
    w("**Hazards are ordinary.** A reported hazard with no danger *now* — 消防通道被占用, 楼道堆放杂物")
    w("存在火灾隐患, 工地无安全防护措施, 路口没有红绿灯, 危房改造申请 — is a normal case for the")
    w("responsible department (消防/住建/交警) on the normal time limit: it is important but not an")
    w("emergency, and letting every 隐患 jump the queue would bury the real emergencies. It becomes urgent")
    w("when the message says the danger is materialising: smoke, a smell of gas, cracks widening, a wall")
    w("leaning over a path people use, water coming in. Past events (去年曾经着火, 2008年垮塌) and")
    w("consultations about fees, licences and subsidies (燃气费, 消防证办理, 防汛物资采购) are ordinary.")
    w("Hyperbole (烦死了, 气死我了, 跳楼价) is ordinary. A message is not urgent only because it is angry.")
    w("")
    w("**Public-opinion risk (舆情风险)** = the writer threatens or plans media/internet exposure, going")
    w("to higher levels (越级上访: 省里, 北京, 一级一级上访), or collective action; or the message reports")
    w("collective action (聚众维权, 群体性, 聚集, 堵路, 横幅, 静坐, 罢工/停运) or that the matter is already")
    w("spreading online (热搜, 传疯了). A single past media report mentioned as background, or a question")
    w('about where the 信访局 is, is ordinary. Conditional threats ("如果不解决就去北京") count.')
    w("")
    w("## Method")
    w("")
    w("1. **Normalisation**: `triage.normalize.normalize` of `title + '。' + body` (NFKC, HTML removed,")
    w("   phone numbers / ID numbers / e-mails masked) — the same as the category model.")
    n_strong = sum(1 for _, wgt, _ in _RULES_SRC if wgt >= 1)
    w(f"2. **Lexicon** (`triage/urgency.py`, `_RULES_SRC`): {len(_RULES_SRC)} regular expressions in")
    w(f"   {len(CATEGORIES)} categories, written from general knowledge of hotline emergencies.")
    w(f"   {n_strong} are *strong* (weight 1 — enough on their own, e.g. `煤气味`, `着火`, `不想活`,")
    w("   `进京`, `停水7天`); the others are *weak* (weight 0.5, e.g. `异味`, `危房`, `墙开裂`, `打架`,")
    w("   `上访`, `讨说法`): they need a second pattern of the same category, or an immediacy cue")
    w("   (现在/正在/马上/刚才/还在/越来越/赶紧/救命/急/今天 …) within 20 characters in the same")
    w("   sentence. Each pattern counts once; a category with score ≥ 1 makes the message urgent.")
    w("   Categories are listed by score.")
    w("3. **Discarding a match** — looked at in its clause (the text between two commas/full stops):")
    w("   - negation just before it: 没有/没/未/无/不存在/并无/不是/排除/不会/未发现/不要/防止/避免")
    w("     (`没有燃气泄漏`, `未发现漏气`);")
    w("   - for the physical-danger categories, a past-time marker before it (去年/前年/曾经/以前/上次/")
    w("     `20xx年`/往年 …) unless the clause also says 现在/正在/还在/又/今天/刚才 (`去年曾经着火` is")
    w("     dropped, `去年修的墙现在裂了好宽的缝` is not);")
    w("   - for the physical-danger categories, a hypothetical or hazard word in the clause: 一旦/万一/")
    w("     如果/假如/以免/防止/预防/隐患/可能会/容易/是否/担心 (`一旦引发火灾`, `存在火灾隐患`).")
    w("     Not for public opinion: a conditional threat *is* the signal.")
    w("   - for the physical-danger categories, a resolution after it in the same sentence: 已经修好/")
    w("     已处理/已排除/已扑灭/没有危险/不存在隐患 (`墙面裂缝已经修好`);")
    w("   - for the physical-danger categories, money in the clause (押金/费用/收费/补贴/赔偿 …: a gas")
    w("     bottle's deposit is not a leak), danger elsewhere or in the news (全国各地/频发/新闻/报道),")
    w("     or a rhetorical 怎么办/后果不堪设想 in the sentence;")
    w("   - fixed exclusions inside patterns: 火灾隐患, 危房改造, 跳楼价/跳楼机, 上访人 (a signature),")
    w("     `孩子一个人在外地上学`.")
    w("   - **consultations**: when the title asks about fees, subsidies, procedures, policy or dates")
    w("     (咨询/请问/如何/政策/补贴/资金/收费/流程/手续/何时 …) or reports a hazard, a defect or a")
    w(
        "     proposal (隐患/消防/质量/偷工减料/建议/反对/改造/规划), a physical-danger category "
        "counts only if"
    )
    w("     an immediacy cue is in the sentence of one of its matches (`咨询危房改造资金` describing old")
    w("     cracks is normal; `请问…现在楼道里全是煤气味` is urgent).")
    w("4. **Output**: `UrgencyAssessment(urgent, level, reasons, categories, matched, score)`;")
    w("   `reasons` are Chinese sentences such as `燃气泄漏：危及生命财产安全`; `matched` the phrases.")
    w("")
    rrows = real_rows()
    r_test = real_scores([r for r in rrows if r.label.split == "test"])
    out.extend(render_real(rrows, compare_learned(rrows)))
    w("## Synthetic (the project's own rewrites and written examples): `urgency-testset.csv`")
    w("")
    w("Kept as a regression check. Its urgent rows are mostly written by the lexicon's author, so")
    w("these figures are not a field estimate; compare the real figures above.")
    w("")
    w(f"`triage/data/urgency-testset.csv` — {len(examples)} rows, SHA-256 `{sha}`;")
    w("columns `id,title,body,urgent,category,source`.")
    w("")
    w("| source | urgent | ordinary |")
    w("|---|---:|---:|")
    for s in ("real", "written"):
        w(f"| {s} | {src[(s, True)]} | {src[(s, False)]} |")
    w("")
    w("- **real** (`lab-…`, `rep-…`): every message of `mochou/data/messages-labelled.csv` (395 after")
    w("  dropping one repeated id) and of `shared/data/gov-messages/messages-with-replies.csv` (120):")
    w("  real citizen messages to a city's 问政 platform (2020 泰迪杯 sample, see its PROVENANCE.md),")
    w("  whitespace collapsed. Each was labelled by hand *before* the lexicon existed: the titles of all")
    w("  were read, and every message containing one of about 100 broad danger, petition and media")
    w("  words (a wider net than the lexicon) was read in context. 14 real messages were labelled")
    w("  urgent (3 collapse, 2 violence, 1 self-harm, 8 public opinion — threats of collective or")
    w('  higher-level petitioning, 聚众维权 with national media coverage, "不想活了…死也要死在交警总队").')
    w('  Borderline real messages labelled *ordinary*: chronic hazards (boiler "like a bomb", blocked fire')
    w("  lanes, building sites without nets), past accidents already treated, workers stranded without")
    w("  pay (`lab-41544`), background mentions of media reports.")
    w("- **written** (`w-u…` urgent, `w-n…` ordinary): the real data contain almost no emergencies, so")
    w(f"  {src[('written', True)]} urgent hotline transcripts were written for this test set — colloquial,")
    w("  Hubei-flavoured (伢儿, 冇得, 么样, 克), short and long, set in 钟祥's townships — covering every")
    w("  category and including indirect phrasings (闻到一股臭鸡蛋的味道, 孩子一个人在家哭了一下午,")
    w("  活着没意思, 墙裂了好宽的缝, 说她要走了); plus")
    w(f"  {src[('written', False)]} hard ordinary negatives that use danger words without an emergency")
    w("  (燃气费, 消防验收, 防汛物资采购, 去年曾经着火, 没有燃气泄漏, 不存在安全隐患, 烦死了, 跳楼价,")
    w("  媒体报道说要建高铁站, 信访局地址).")
    w("- **Order of work**: the whole CSV was written and frozen first; then the lexicon was written from")
    w("  general knowledge; then it was tuned by looking only at the errors on the **development** part")
    w("  (rows whose `int(sha256(id)[:8], 16) % 10 < 3`, ≈ 30 %). The held-out part was evaluated")
    w("  afterwards, once. Later the lexicon was changed again, looking only at the errors of the")
    w("  **dev rows of the real set** above (cracks alone, fights told in a complaint, 上访 in passing")
    w("  became weak; hazard titles, factory smoke and a rhetorical 怎么办 discard a physical match;")
    w("  outages and falling objects were added), never at this set's held-out part. (A third round,")
    w("  issue 9, was reverted: see *A revision of the word list* above.) The development")
    w("  part scored 1.000 when it was tuned on; the gap to the held-out part is the")
    w("  overfitting. The written examples and the lexicon share an author, so even the held-out recall")
    w("  is optimistic for real calls: treat it as a regression floor, not a field estimate.")
    w("")
    w("## Results on the synthetic set")
    w("")
    w("Command: `.venv/bin/python -m triage.urgency_eval` (writes this file).")
    w("")
    w("| part | messages | urgent | TP | FP | FN | recall | precision | F1 |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, part in parts.items():
        sc = score(part, flags)
        w(
            f"| {name} | {sc.n} | {sc.urgent} | {sc.tp} | {sc.fp} | {sc.fn} | {sc.recall:.3f} | "
            f"{sc.precision:.3f} | {sc.f1:.3f} |"
        )
    real = [e for e in examples if e.source == "real"]
    s_real = score(real, flags)
    n_real_ord = sum(not e.urgent for e in real)
    fpr_real = s_real.fp / max(1, n_real_ord)
    w("")
    w(
        f"On the {len(real)} real messages alone: recall {s_real.recall:.3f} ({s_real.tp}/{s_real.urgent}), "
        f"precision {s_real.precision:.3f}, false-positive rate among real ordinary messages "
        f"{fpr_real:.3f} ({s_real.fp}/{sum(not e.urgent for e in real)})."
    )
    w("")
    w("### Recall by category (urgent rows; category = the labelled main one)")
    w("")
    w("| category | held-out | whole set |")
    w("|---|---:|---:|")
    for c in CATEGORIES:
        cells = []
        for part in (held, examples):
            rows = [e for e in part if e.urgent and e.category == c]
            hit = sum(flags[e.id] for e in rows)
            cells.append(f"{hit}/{len(rows)} = {hit / len(rows):.2f}" if rows else "–")
        w(f"| `{c}` | {cells[0]} | {cells[1]} |")
    neg = [e for e in examples if not e.urgent and e.source == "written"]
    w("")
    w(
        f"Hard written negatives flagged urgent: {sum(flags[e.id] for e in neg)}/{len(neg)}. "
        "Category of the flagged urgent messages agrees with the label for "
        f"{sum(1 for e in examples if e.urgent and flags[e.id] and e.category in preds[e.id].categories)}"
        f"/{sum(1 for e in examples if e.urgent and flags[e.id])} true positives "
        "(any of the listed categories)."
    )
    w("")
    w("### Latency")
    w("")
    w("`assess_urgency` per message (normalisation included), best of 5 runs of each row, one CPU")
    w("thread of the (shared, slowish) machine that generated this file; the last line is every run:")
    w("")
    w("| messages | n | p50 ms | p99 ms | mean ms |")
    w("|---|---:|---:|---:|---:|")
    for k, (n, p50, p99, mean) in lat.items():
        w(f"| {k} | {n} | {p50:.3f} | {p99:.3f} | {mean:.3f} |")
    w("")
    w("Time grows linearly with length (~60 regular-expression scans plus `normalize`, whose NFKC pass")
    w("alone takes about 1 ms on a 3,700-character message here). Short messages — phone transcripts —")
    w("stay well under 1 ms; long letters (up to 3,700 characters) take up to about 1.5 ms. Single runs")
    w("on this shared machine occasionally take several ms (scheduler and GC noise, last line).")
    for name, pred_true, label in (("False negatives", False, True), ("False positives", True, False)):
        w("")
        w(f"### {name} (whole set; `dev` = development part)")
        w("")
        errors = [e for e in examples if e.urgent == label and flags[e.id] == pred_true]
        if not errors:
            w("None.")
            continue
        w("| id | part | category | title | detector |")
        w("|---|---|---|---|---|")
        for e in errors:
            a = preds[e.id]
            det = ", ".join(a.categories) + (f" ({'、'.join(a.matched[:4])})" if a.matched else "")
            side = "dev" if is_dev(e.id) else "held-out"
            w(
                f"| {e.id} | {side} | {e.category or '–'} | {_cell(_short(e.title, 40))} | "
                f"{_cell(det) or '–'} |"
            )
    w("")
    w("## Caveats")
    w("")
    w("- Recall on *written* urgent examples measures coverage of the phrasings someone thought of;")
    w("  real callers will phrase things in ways nobody wrote down. Review the misses of the live system")
    w("  (urgent cases found by people but not by the detector) and add them to the test set *before*")
    w("  changing the lexicon.")
    w(f"- The synthetic set has only {s_real.urgent} real urgent messages (its 2020 sample rows).")
    w("- **Real figures**: the real set's random sample has few urgent messages (intervals are wide),")
    w("  its candidates were found by title keywords (recall on them is optimistic for a keyword")
    w("  detector), one annotator labelled it (68 borderline labels), and its definition leaves out")
    w(
        f"  public-opinion risk. On the real test rows the lexicon finds {r_test.tp} of {r_test.urgent} "
        f"urgent messages at a precision of {r_test.precision:.2f}: a prompt for the dispatcher, not a "
        "filter to trust."
    )
    w("  Misses are typical of a lexicon: outages and hazards told without a duration or a cue,")
    w("  missing persons, lifts, hazardous fuel stores. Neither the learned scorer, the gate, weak")
    w("  labels from the unlabelled messages or their replies, nor a plain text classifier beats the")
    w("  word list (above), and a revision of the word list from its dev errors lost on test: what is")
    w("  missing is labelled urgent messages (*What more labels would buy*), not another method.")
    w("- The real corpora hold no message about a gas leak; gas-leak detection is checked only on the")
    w("  written examples.")
    w("- Keyword methods do not understand who is in danger or when; expect false positives on long")
    w("  complaints that narrate past violence or quote threats, and misses on very indirect language.")
    w("  Urgent flags should be confirmed by the dispatcher; the reasons and phrases are shown for that.")
    w('- A message mentioning an emergency to *another* service ("已经报了119") is still urgent: the')
    w("  hotline should confirm and coordinate.")
    w("- The dataset's place names are anonymised (A市, B3区); 钟祥 place names appear only in the")
    w("  written examples.")
    w("- The real data are letters to a 问政 web platform, longer and more formal than phone-call")
    w(
        f"  transcripts; in this set {s_real.fp} of their {n_real_ord} ordinary messages are flagged "
        f"({fpr_real:.1%}),"
    )
    w("  mostly long complaints that")
    w("  narrate a past event (塌方, 起火, 被打) or mention 上访 in passing. Precision on real traffic")
    w(f"  depends on how rare emergencies are there: with {s_real.urgent} real urgent messages it is")
    w(f"  {s_real.precision:.2f} here.")
    w("- `triage/data/` (the test-set folder) sits next to the module `triage/data.py`; Python still")
    w("  imports the module (a folder without `__init__.py` loses to a module of the same name), but")
    w("  the CSV is not package data — it is read from the source tree.")
    return "\n".join(out) + "\n"


def dev_errors(examples: list[UrgencyExample]) -> str:
    lines = []
    for e in examples:
        if not is_dev(e.id):
            continue
        a = assess_urgency(e.title, e.body)
        if a.urgent != e.urgent:
            kind = "FN" if e.urgent else "FP"
            lines.append(f"{kind} {e.id} [{e.category}] {e.title} | {a.categories} {a.matched}")
            if kind == "FN":
                lines.append(f"    {_short(e.body, 200)}")
    dev = [e for e in examples if is_dev(e.id)]
    s = score(dev, {e.id: assess_urgency(e.title, e.body).urgent for e in dev})
    lines.append(f"dev: recall {s.recall:.3f} precision {s.precision:.3f} (TP {s.tp} FP {s.fp} FN {s.fn})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--testset", default=str(TESTSET))
    ap.add_argument("--dev", action="store_true", help="print only the development part's errors")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/urgency.md")
    ap.add_argument("--output", default=str(DOC))
    args = ap.parse_args(argv)
    examples = read_urgency_testset(args.testset)
    if args.dev:
        sys.stdout.write(dev_errors(examples) + "\n")
        return 0
    report = build_report(examples)
    sys.stdout.write(report)
    if not args.no_write:
        Path(args.output).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

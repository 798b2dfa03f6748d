"""The reply-quality figures: ``mochou triage evaluate-replies`` recomputes every table of
``docs/reply-quality.md`` from the data (nothing typed by hand).

Data: the hand-labelled ``triage/data/real-reply-quality.csv`` (360 real replies, labelled by an
annotator who never saw the method; see REAL-REPLY-QUALITY.md) joined on 留言编号 with the 2,805
real messages and replies of ``mochou/data/messages-with-replies-full.csv``.

Honesty rules this module keeps:
- every choice (the checks' thresholds, the baselines' thresholds and hyper-parameters) is made on
  the DEV rows only; figures are on the TEST rows;
- the random-sample test rows (representative of the corpus) are reported apart from the candidate
  rows (picked by heuristics to find poor replies: not representative);
- proportions carry Wilson 95 % intervals, F1 a bootstrap 95 % interval (fixed seed).
No Django imports: plain data in, a report dict and Markdown out.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from mochou.datasets import REPLIES_FULL_CSV, read_replied_messages, sha256_of_files
from mochou.stats_intervals import wilson as shared_wilson
from triage import replyquality as rq
from triage import replyquality_model as rqm

LABELS_CSV = Path(__file__).resolve().parent / "data" / "real-reply-quality.csv"
DEFAULT_DOC = Path("docs/reply-quality.md")
BOOTSTRAP = 2000
SEED = 20240917

# Which label column each check is meant to find (for the per-reason table).
REASON_TRUTH: dict[str, Callable[[LabelledReply], bool]] = {}


@dataclass(frozen=True)
class LabelledReply:
    id: str
    title: str
    body: str
    reply: str
    relevant: bool
    complete: bool
    boilerplate: bool
    concrete_action: bool
    date: str  # "1" / "0" / "NA"
    flag: bool  # verdict == flag
    split: str  # dev | test
    sample: str  # random | candidate


def load_labelled(labels_csv: Path = LABELS_CSV, corpus_csv: Path = REPLIES_FULL_CSV) -> list[LabelledReply]:
    """The labelled rows with their message and reply; a labelled id missing from the corpus is an
    error (the annotator checked all 360 exist), never skipped silently."""
    corpus = {m.id: m for m in read_replied_messages(corpus_csv)}
    out = []
    with open(labels_csv, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            m = corpus.get(row["留言编号"].strip())
            if m is None:
                raise ValueError(f"标注集中的留言 {row['留言编号']} 不在 {corpus_csv} 中")
            out.append(
                LabelledReply(
                    id=m.id,
                    title=m.title,
                    body=m.body,
                    reply=m.reply,
                    relevant=row["relevant"] == "1",
                    complete=row["complete"] == "1",
                    boilerplate=row["boilerplate"] == "1",
                    concrete_action=row["concrete_action"] == "1",
                    date=row["has_date_or_timeline"].strip(),
                    flag=row["verdict"].strip() == "flag",
                    split=row["split"].strip(),
                    sample=row["sample"].strip(),
                )
            )
    return out


REASON_TRUTH.update(
    {
        # forwarding or boilerplate replies are, by the labels' definitions, not relevant or boilerplate
        "forwarded": lambda r: not r.relevant or r.boilerplate,
        "boilerplate": lambda r: r.boilerplate or not r.relevant,
        "irrelevant": lambda r: not r.relevant,
        "incomplete": lambda r: not r.complete,
        "no_action": lambda r: not r.concrete_action,
        "no_date": lambda r: r.date == "0",
    }
)
REASON_COLUMN = {
    "forwarded": "relevant=0 或 boilerplate=1",
    "boilerplate": "boilerplate=1 或 relevant=0",
    "irrelevant": "relevant=0",
    "incomplete": "complete=0",
    "no_action": "concrete_action=0",
    "no_date": "has_date_or_timeline=0",
}


# ---------------------------------------------------------------------- statistics


def wilson(k: int, n: int) -> tuple[float, float]:
    """The project's Wilson 95 % interval (mochou.stats_intervals); NaN when n = 0, which the
    tables print as "—" (nothing fired, no precision to bound)."""
    if n == 0:
        return (float("nan"), float("nan"))
    return shared_wilson(k, n)


def _counts(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[int, int, int, int]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    return tp, fp, fn, len(gold) - tp - fp - fn


def f1(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    tp, fp, fn, _ = _counts(pred, gold)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def bootstrap_f1(
    pred: Sequence[bool], gold: Sequence[bool], n: int = BOOTSTRAP, seed: int = SEED
) -> tuple[float, float]:
    rnd = random.Random(seed)  # noqa: S311 - a reproducible resample, not a secret
    idx = range(len(gold))
    scores = []
    for _ in range(n):
        s = [rnd.choice(idx) for _ in idx]
        scores.append(f1([pred[i] for i in s], [gold[i] for i in s]))
    scores.sort()
    return scores[int(0.025 * n)], scores[int(0.975 * n) - 1]


def paired_f1_difference(
    a: Sequence[bool], b: Sequence[bool], gold: Sequence[bool], n: int = BOOTSTRAP, seed: int = SEED
) -> dict[str, Any]:
    """F1(a) − F1(b) on the same rows, with a percentile bootstrap 95 % interval over resamples
    shared by both systems, and the share of resamples where a does not beat b."""
    rnd = random.Random(seed)  # noqa: S311 - a reproducible resample, not a secret
    idx = range(len(gold))
    diffs = []
    for _ in range(n):
        s = [rnd.choice(idx) for _ in idx]
        g = [gold[i] for i in s]
        diffs.append(f1([a[i] for i in s], g) - f1([b[i] for i in s], g))
    diffs.sort()
    return {
        "diff": f1(a, gold) - f1(b, gold),
        "ci": (diffs[int(0.025 * n)], diffs[int(0.975 * n) - 1]),
        "not_better": sum(d <= 0 for d in diffs) / n,
    }


def scores(pred: Sequence[bool], gold: Sequence[bool]) -> dict[str, Any]:
    tp, fp, fn, tn = _counts(pred, gold)
    n = len(gold)
    return {
        "n": n, "positives": tp + fn, "flagged": tp + fp, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"), "precision_ci": wilson(tp, tp + fp),
        "recall": tp / (tp + fn) if tp + fn else float("nan"), "recall_ci": wilson(tp, tp + fn),
        "accuracy": (tp + tn) / n if n else float("nan"), "accuracy_ci": wilson(tp + tn, n),
        "f1": f1(pred, gold), "f1_ci": bootstrap_f1(pred, gold),
    }  # fmt: skip


# ---------------------------------------------------------------------- the method: tuned on dev

# The grid of each threshold; "off" values (a check that never fires) are in every grid, so a
# check that does not help on dev is switched off rather than kept.
GRID: dict[str, list[Any]] = {
    "forward_specific": [0, 20, 40, 60, 80, 100, 120],
    "boilerplate_specific": [0, 10, 20, 30, 40, 50, 60],
    "relevance": [0.0, 0.01, 0.03, 0.05, 0.08, 0.1, 0.15],
    "title_overlap": [0.0, 0.05, 0.1, 0.15, 0.2, 1.01],
    "min_asks": [2, 3, 4, 5, 99],
    "ask_coverage": [0.0, 0.25, 0.34, 0.5],
    "action_specific": [-1, 60, 100, 150, 200, 300],
    "vague_no_action": [False, True],
    "check_date": [False, True],
}


def tune(
    evidence: Sequence[rq.Evidence], gold: Sequence[bool], start: rq.Thresholds = rq.DEFAULT
) -> rq.Thresholds:
    """Coordinate ascent on dev F1 over :data:`GRID` (ties keep the earlier, more conservative value)."""

    def score(th: rq.Thresholds) -> float:
        return f1([bool(rq.decide(e, th)) for e in evidence], gold)

    best, best_score = start, score(start)
    for _ in range(4):
        improved = False
        for name, values in GRID.items():
            for v in values:
                cand = replace(best, **{name: v})
                s = score(cand)
                if s > best_score + 1e-12:
                    best, best_score, improved = cand, s, True
        if not improved:
            break
    return best


# ---------------------------------------------------------------------- baselines


def tune_length(dev_len: Sequence[float], gold: Sequence[bool]) -> int:
    """The reply-length threshold (flag when shorter) with the best dev F1."""
    cands = sorted({int(x) + 1 for x in dev_len})
    return max(cands, key=lambda t: (f1([x < t for x in dev_len], gold), -t))


LOGREG_NGRAMS = ((1, 2), (1, 3), (2, 4))
LOGREG_C = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


def _pair_text(r: LabelledReply) -> str:
    return r.reply


def logreg_baseline(
    dev: Sequence[LabelledReply], test: Sequence[LabelledReply]
) -> tuple[list[bool], dict[str, Any]]:
    """TF-IDF (char n-grams of the reply) + logistic regression trained on the dev rows; its
    n-gram range, tf scaling, C and decision threshold chosen as the scorers' are: the best F1 of
    out-of-fold probabilities averaged over ``rqm.CV_REPEATS`` × 5 folds of the dev rows, the
    thresholds of ``rqm.THRESHOLD_GRID``."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    x = [_pair_text(r) for r in dev]
    y = np.array([r.flag for r in dev])

    def model(ngram: tuple[int, int], sub: bool, c: float) -> Any:
        return make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=ngram, sublinear_tf=sub, min_df=2),
            LogisticRegression(C=c, max_iter=3000, class_weight="balanced"),
        )

    best: tuple[float, dict[str, Any]] = (-1.0, {})
    folds = [
        list(StratifiedKFold(5, shuffle=True, random_state=rep).split(x, y)) for rep in range(rqm.CV_REPEATS)
    ]
    for ngram in LOGREG_NGRAMS:
        for sub in (False, True):
            for c in LOGREG_C:
                probs = np.zeros(len(x))
                for rep_folds in folds:
                    for tr, va in rep_folds:
                        m = model(ngram, sub, c).fit([x[i] for i in tr], y[tr])
                        probs[va] += m.predict_proba([x[i] for i in va])[:, 1] / len(folds)
                for t in rqm.THRESHOLD_GRID:
                    s = f1(list(probs >= t), list(y))
                    if s > best[0] + 1e-9:
                        best = (s, {"ngram": ngram, "sublinear_tf": sub, "C": c, "threshold": t})
    p = best[1]
    final = model(p["ngram"], p["sublinear_tf"], p["C"]).fit(x, y)
    pred = final.predict_proba([_pair_text(r) for r in test])[:, 1] >= p["threshold"]
    return [bool(v) for v in pred], {**p, "dev_cv_f1": float(best[0])}


def nested_dev_cv(
    xs: Sequence[Sequence[float]], lengths: Sequence[float], dev: Sequence[LabelledReply]
) -> dict[str, Any]:
    """The linear scorer's whole procedure (train_linear: C and threshold by its own repeated CV)
    and the length threshold's (tune_length), each run inside the training part of 5 outer folds
    of the dev rows and scored on the held-out part: an estimate on dev with no choice made on the
    rows it is scored on. The TF-IDF baseline is left out (its 42-setting grid, refitted 5 times,
    would take minutes)."""
    from sklearn.model_selection import StratifiedKFold

    y = [r.flag for r in dev]
    linear, length = [False] * len(y), [False] * len(y)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(list(xs), y):
        model = rqm.train_linear([xs[i] for i in tr], [y[i] for i in tr])
        threshold = tune_length([lengths[i] for i in tr], [y[i] for i in tr])
        for i in te:
            linear[i], length[i] = model.flag(xs[i]), lengths[i] < threshold
    out: dict[str, Any] = {}
    for sub in ("random", "all"):
        idx = [i for i, r in enumerate(dev) if sub == "all" or r.sample == sub]
        g = [y[i] for i in idx]
        out[sub] = {
            "linear": scores([linear[i] for i in idx], g),
            "length": scores([length[i] for i in idx], g),
            "paired": paired_f1_difference([linear[i] for i in idx], [length[i] for i in idx], g),
        }
    return out


# ---------------------------------------------------------------------- the report


def _subsets(rows: Sequence[LabelledReply]) -> dict[str, list[int]]:
    idx = {"test_random": [], "test_candidate": [], "test_all": []}  # type: dict[str, list[int]]
    for i, r in enumerate(rows):
        if r.split == "test":
            idx["test_all"].append(i)
            idx["test_" + r.sample].append(i)
    return idx


def build_report(
    labels_csv: Path = LABELS_CSV, corpus_csv: Path = REPLIES_FULL_CSV, cache_dir: Path | None = None
) -> dict[str, Any]:
    stats = rq.corpus_stats(corpus_csv, cache_dir)
    rows = load_labelled(labels_csv, corpus_csv)
    evidence = [rq.measure(r.title, r.body, r.reply, stats) for r in rows]
    dev = [i for i, r in enumerate(rows) if r.split == "dev"]
    gold = [r.flag for r in rows]
    tuned = tune([evidence[i] for i in dev], [gold[i] for i in dev])
    shipped = rq.DEFAULT
    checks = [rq.decide(e, shipped) for e in evidence]
    method = [bool(c) for c in checks]

    lengths = [e.features["chars"] for e in evidence]
    length_t = tune_length([lengths[i] for i in dev], [gold[i] for i in dev])
    by_length = [x < length_t for x in lengths]
    test_rows = [r for r in rows if r.split == "test"]
    lr_test, lr_params = logreg_baseline([rows[i] for i in dev], test_rows)
    lr_pred = [False] * len(rows)
    for i, p in zip((i for i, r in enumerate(rows) if r.split == "test"), lr_test, strict=True):
        lr_pred[i] = p

    # The combined scorer: fitted on the dev rows only (its choices by CV on dev), scored on test.
    pairs = [rqm.pair(r.title, r.body, r.reply, e) for r, e in zip(rows, evidence, strict=True)]
    combined_model = rqm.train([pairs[i] for i in dev], [gold[i] for i in dev])
    test_idx = [i for i, r in enumerate(rows) if r.split == "test"]
    combined = [False] * len(rows)
    for i, p in zip(test_idx, combined_model.flags([pairs[i] for i in test_idx]), strict=True):
        combined[i] = p

    # The linear scorer (rqm-2): the same protocol, features with nothing fitted on labels outside the folds.
    xs = [rqm.features(r.title, r.body, r.reply, e, stats) for r, e in zip(rows, evidence, strict=True)]
    linear_model = rqm.train_linear([xs[i] for i in dev], [gold[i] for i in dev])
    linear = [False] * len(rows)
    for i in test_idx:
        linear[i] = linear_model.flag(xs[i])

    systems = {
        "method": method, "combined": combined, "linear": linear, "length": by_length, "logreg": lr_pred,
    }  # fmt: skip
    subsets = _subsets(rows)
    tables: dict[str, dict[str, Any]] = {}
    for sub, idx in subsets.items():
        g = [gold[i] for i in idx]
        tables[sub] = {name: scores([pred[i] for i in idx], g) for name, pred in systems.items()}
    tables["dev_all"] = {"method": scores([method[i] for i in dev], [gold[i] for i in dev])}
    dev_f1 = {
        "method": f1([method[i] for i in dev], [gold[i] for i in dev]),
        "length": f1([by_length[i] for i in dev], [gold[i] for i in dev]),
    }
    nested = nested_dev_cv([xs[i] for i in dev], [lengths[i] for i in dev], [rows[i] for i in dev])
    # Each candidate against each baseline on the random test rows: F1 difference with a paired
    # bootstrap interval (the same resamples for both systems).
    rnd = subsets["test_random"]
    paired = {
        (cand, base): paired_f1_difference(
            [systems[cand][i] for i in rnd], [systems[base][i] for i in rnd], [gold[i] for i in rnd]
        )
        for cand in ("method", "combined", "linear")
        for base in ("length", "logreg")
    }

    reasons: dict[str, dict[str, Any]] = {}
    for code in rq.LABELS:
        for sub in ("test_random", "test_all"):
            idx = subsets[sub]
            fired = [i for i in idx if code in {c.code for c in checks[i]}]
            right = sum(REASON_TRUTH[code](rows[i]) for i in fired)
            flagged_right = sum(gold[i] for i in fired)
            reasons.setdefault(code, {})[sub] = {
                "fired": len(fired),
                "right": right,
                "verdict_flag": flagged_right,
                "precision": right / len(fired) if fired else float("nan"),
                "precision_ci": wilson(right, len(fired)),
            }

    corpus = read_replied_messages(corpus_csv)
    latencies = []
    corpus_codes: dict[str, int] = {c: 0 for c in rq.LABELS}
    corpus_flagged = 0
    for m in corpus:
        t0 = time.perf_counter()
        rep = rq.check_reply(m.title, m.body, m.reply, stats, shipped)
        latencies.append((time.perf_counter() - t0) * 1000)
        corpus_flagged += rep.flagged
        for c in rep.codes:
            corpus_codes[c] += 1
    latencies.sort()
    return {
        "data": {
            "labels": str(labels_csv.name),
            "labels_sha256": sha256_of_files(labels_csv)[:12],
            "corpus": str(corpus_csv.name),
            "corpus_sha256": sha256_of_files(corpus_csv)[:12],
            "n_labelled": len(rows),
            "n_dev": len(dev),
            "n_corpus": len(corpus),
            "stats": stats.source,
            "templates": len(stats.templates),
        },
        "thresholds": {"shipped": asdict(shipped), "tuned_on_dev": asdict(tuned), "same": tuned == shipped},
        "baselines": {"length_threshold": length_t, "logreg": lr_params},
        "combined": {**combined_model.chosen, "serves": rqm.SERVES},
        "linear": {**linear_model.chosen, "serves": rqm.SERVES2, "model": linear_model},
        "paired": paired,
        "dev_f1": dev_f1,
        "nested": nested,
        "tables": tables,
        "reasons": reasons,
        "corpus": {"flagged": corpus_flagged, "n": len(corpus), "by_reason": corpus_codes},
        "latency_ms": {
            "p50": statistics.median(latencies),
            "p99": latencies[int(0.99 * len(latencies)) - 1],
            "max": latencies[-1],
        },
        "predictions": {r.id: checks[i] for i, r in enumerate(rows)},
    }


# ---------------------------------------------------------------------- Markdown

_SUBSET_TITLES = {
    "test_random": "测试集·随机样本（代表语料）",
    "test_candidate": "测试集·候选样本（为找差答复而挑选，不代表语料）",
    "test_all": "测试集·全部（随机 + 候选；仅供参考）",
}
_SYSTEM_TITLES = {
    "method": "本方法（分项检查）",
    "combined": "组合评分（分项检查 + 长度 + TF-IDF，开发集拟合）",
    "linear": "线性评分（连续证据 + 长度与重合，开发集拟合）",
    "length": "基线：答复长度阈值",
    "logreg": "基线：TF-IDF + 逻辑回归",
}


def _pct(x: float) -> str:
    return "—" if x != x else f"{x:.3f}"


def _ci(ci: tuple[float, float]) -> str:
    return "—" if ci[0] != ci[0] else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def beats_baselines(report: dict[str, Any], system: str) -> bool:
    """A scorer earns the leader's flag only if its F1 on the random test sample (the
    representative one) is above both tuned baselines'."""
    tab = report["tables"]["test_random"]
    return bool(tab[system]["f1"] > max(tab["length"]["f1"], tab["logreg"]["f1"]))


def combined_beats_baselines(report: dict[str, Any]) -> bool:
    return beats_baselines(report, "combined")


def _linear_lines(report: dict[str, Any]) -> list[str]:
    lm = report["linear"]
    tab = report["tables"]["test_random"]
    c, ln, lr = tab["linear"]["f1"], tab["length"]["f1"], tab["logreg"]["f1"]
    head = (
        f"线性评分（`triage/replyquality_model.py` 的 `LinearScorer`，{rqm.VERSION2}）："
        f"{len(rqm.FEATURES)} 个数上的标准化逻辑回归——答复长度、去掉语料套话句后的长度、套话句所占比例、"
        "诉求与标题的字对在答复中出现的比例、"
        "日期/数字/措施词/转办词的个数，以及 `measure()` 的连续证据；**不含**各项检查是否触发"
        "（其阈值是在全部开发集上调的，放进交叉验证会让留出的折替它们作保）。只在开发集上拟合；"
        f"{rqm.CV_REPEATS}×5 折交叉验证（开发集）选定 C={lm['C']}、判定阈值 {lm['threshold']}"
        f"（交叉验证 F1 {lm['cv_f1']:.3f}）。测试集只评一次。"
    )
    pl, pr = report["paired"][("linear", "length")], report["paired"][("linear", "logreg")]
    if beats_baselines(report, "linear"):
        verdict = (
            f"随机测试样本上线性评分 F1 {c:.3f}，高于长度阈值（{ln:.3f}，差 {pl['diff']:+.3f} "
            f"{_ci(pl['ci'])}）与 TF-IDF + 逻辑回归（{lr:.3f}，差 {pr['diff']:+.3f} "
            f"{_ci(pr['ci'])}）两个基线；"
            + (
                "负责人看到的“可能有问题”标记由线性评分决定，各项理由照常列出"
                f"（`replyquality_model.SERVES2 = {lm['serves']}`）。"
                if lm["serves"]
                else f"**但产品尚未改用它**（`replyquality_model.SERVES2 = {lm['serves']}`）。"
            )
        )
    else:
        verdict = (
            f"随机测试样本上线性评分 F1 {c:.3f}，**没有**同时超过长度阈值（{ln:.3f}，差 {pl['diff']:+.3f} "
            f"{_ci(pl['ci'])}）与 TF-IDF + 逻辑回归（{lr:.3f}，差 {pr['diff']:+.3f} "
            f"{_ci(pr['ci'])}）两个基线，所以产品不用它：负责人看到的仍是分项检查的标记与理由"
            f"（`replyquality_model.SERVES2 = {lm['serves']}`）。"
        )
    return [head, "", verdict, ""]


def _paired_lines(report: dict[str, Any]) -> list[str]:
    lines = [
        "### 与基线之差（测试集·随机样本，配对自助法）",
        "",
        "同一批重抽样上两个系统的 F1 之差；“未胜出”= 重抽样中差 ≤ 0 的比例。区间含 0 即分不开。",
        "",
        "| 系统 | 对比基线 | F1 之差 [95%] | 未胜出 |",
        "|---|---|---|---|",
    ]
    for (cand, base), d in report["paired"].items():
        lines.append(
            f"| {_SYSTEM_TITLES[cand]} | {_SYSTEM_TITLES[base]} | {d['diff']:+.3f} {_ci(d['ci'])} | "
            f"{d['not_better']:.1%} |"
        )
    return [*lines, ""]


def _nested_lines(report: dict[str, Any]) -> list[str]:
    nd = report["nested"]
    lines = [
        "### 开发集上的嵌套交叉验证：线性评分与长度阈值",
        "",
        "两者的全部选择（线性评分的 C 与阈值连同它自己的交叉验证、长度阈值）都只在外层 5 折的训练部分里做，"
        "在留出部分上计分；所以这是开发集上不含“在计分的行上选参数”的估计。它与测试集之差，"
        "是开发集估计在这份数据上能信几分的直接证据。",
        "",
        "| 开发集 | 线性评分 F1 [95%] | 长度阈值 F1 [95%] | 差 [95%] | 测试集·随机上的差 [95%] |",
        "|---|---|---|---|---|",
    ]
    test_diff = report["paired"][("linear", "length")]
    for sub, title in (("random", "随机样本"), ("all", "全部")):
        d = nd[sub]
        lin, ln, pd = d["linear"], d["length"], d["paired"]
        lines.append(
            f"| {title}（{lin['n']} 条，应退回 {lin['positives']}） | "
            f"{_pct(lin['f1'])} {_ci(lin['f1_ci'])} | "
            f"{_pct(ln['f1'])} {_ci(ln['f1_ci'])} | {pd['diff']:+.3f} {_ci(pd['ci'])} | "
            + (f"{test_diff['diff']:+.3f} {_ci(test_diff['ci'])} |" if sub == "random" else "— |")
        )
    return [*lines, ""]


def _resolution_line(report: dict[str, Any]) -> str:
    """How large a difference the random test rows can tell apart (the paired intervals' half-width)."""
    widths = [(d["ci"][1] - d["ci"][0]) / 2 for d in report["paired"].values()]
    n = report["tables"]["test_random"]["length"]
    return (
        f"随机测试样本只有 {n['n']} 条、其中应退回 {n['positives']} 条：上表配对区间的半宽在 "
        f"{min(widths):.3f}–{max(widths):.3f} 之间，F1 差小于这个量级的两个系统，这个测试集分不出高下。"
    )


def _conclusion_lines(report: dict[str, Any]) -> list[str]:
    """What the figures above support, said in numbers computed here."""
    tab = report["tables"]["test_random"]
    methods = ("method", "combined", "linear")
    winners = [m for m in methods if beats_baselines(report, m)]
    apart = [k for k, d in report["paired"].items() if d["ci"][0] > 0 or d["ci"][1] < 0]
    nd, td = report["nested"]["random"]["paired"], report["paired"][("linear", "length")]
    good = [
        c
        for c, per in report["reasons"].items()
        if per["test_all"]["fired"] and per["test_all"]["precision"] >= 0.8
    ]
    weak = [
        c
        for c, per in report["reasons"].items()
        if per["test_all"]["fired"] and per["test_all"]["precision"] < 0.5
    ]
    best = max(tab, key=lambda k: tab[k]["f1"])
    lines = [
        "### 结论",
        "",
        f"- 在测试集上评过的 {len(methods)} 个方法中，"
        + (
            "、".join(_SYSTEM_TITLES[m] for m in winners) + " 的 F1 高于两个基线"
            if winners
            else "没有一个的 F1 同时高于两个基线"
        )
        + f"；随机测试样本上 F1 最高的是“{_SYSTEM_TITLES[best]}”（{tab[best]['f1']:.3f}）。"
        f"{len(report['paired'])} 个配对区间中 {len(report['paired']) - len(apart)} 个含 0。",
        f"- 开发集嵌套交叉验证上线性评分与长度阈值之差 {nd['diff']:+.3f} {_ci(nd['ci'])}，测试集上 "
        f"{td['diff']:+.3f} {_ci(td['ci'])}"
        + (
            "：开发集上的优势没有带到测试集，这份数据不能证明哪个方法比答复长度更会挑出应退回的答复。"
            if nd["diff"] > 0 >= td["diff"]
            else "。"
        ),
        f"- 负责人看到的标记由{'线性评分' if report['linear']['serves'] else '分项检查'}决定"
        f"（分项检查在随机测试样本上的 F1 {tab['method']['f1']:.3f}，长度阈值 {tab['length']['f1']:.3f}）；"
        "分项检查的理由照常列出："
        + ("、".join(f"`{c}`" for c in good) or "没有一项")
        + " 触发时标注者多半同意（全部测试行上精确率 ≥ 0.8），"
        + ("、".join(f"`{c}`" for c in weak) or "没有一项")
        + " 触发时多半不同意（< 0.5），见下表。",
        "",
    ]
    return lines


def _candidates_lines(report: dict[str, Any]) -> list[str]:
    """Every system whose test figures were read, with how it was chosen on dev."""
    tab, dev = report["tables"]["test_random"], report["dev_f1"]
    lr, cm, lm = report["baselines"]["logreg"], report["combined"], report["linear"]
    rows = [
        ("method", "9 个阈值坐标上升（开发集内，非交叉验证）", dev["method"]),
        ("combined", f"C、n-gram、阈值：{rqm.CV_REPEATS}×5 折交叉验证", cm["cv_f1"]),
        ("linear", f"C、阈值：{rqm.CV_REPEATS}×5 折交叉验证", lm["cv_f1"]),
        ("length", "阈值（开发集内）", dev["length"]),
        ("logreg", f"n-gram、tf、C、阈值：{rqm.CV_REPEATS}×5 折交叉验证", lr["dev_cv_f1"]),
    ]
    lines = [
        "### 在测试集上评过的全部系统",
        "",
        "在测试集上读过的系统全部列出（不挑测试集上最好的）。"
        "TF-IDF + LR 基线在它的测试集 F1（0.625）读出之后，"
        "又按与打分器相同的方式重新调参（3×5 折、7 个 C），"
        "表中是重新调参后的结果；其余系统各读一次。开发集一栏是选参数所用的 F1："
        "交叉验证的是留出折的 F1，“开发集内”的是在调参的同一批行上的 F1，偏乐观更多。",
        "",
        "| 系统 | 在开发集上选定的 | 开发集 F1 | 测试集·随机 F1 [95%] |",
        "|---|---|---|---|",
    ]
    for name, how, d in rows:
        s = tab[name]
        lines.append(f"| {_SYSTEM_TITLES[name]} | {how} | {d:.3f} | {_pct(s['f1'])} {_ci(s['f1_ci'])} |")
    return [*lines, ""]


def _combined_lines(report: dict[str, Any]) -> list[str]:
    cm = report["combined"]
    tab = report["tables"]["test_random"]
    c, ln, lr = tab["combined"]["f1"], tab["length"]["f1"], tab["logreg"]["f1"]
    head = (
        "组合评分（`triage/replyquality_model.py`）：以各项检查的证据与是否触发、答复长度、答复的字 n-gram "
        "TF-IDF、诉求与答复重合字对的 TF-IDF 为特征的逻辑回归，只在开发集上拟合；"
        f"{rqm.CV_REPEATS}×5 折交叉验证（开发集）选定 n-gram {tuple(cm['ngram'])}、C={cm['C']}、"
        f"判定阈值 {cm['threshold']}（交叉验证 F1 {cm['cv_f1']:.3f}）。测试集只评一次。"
    )
    if combined_beats_baselines(report):
        verdict = (
            f"随机测试样本上组合评分 F1 {c:.3f}，高于长度阈值（{ln:.3f}）与 TF-IDF + 逻辑回归（{lr:.3f}）"
            "两个基线，"
            + (
                "负责人看到的“可能有问题”标记由组合评分决定，各项理由照常列出。"
                if cm["serves"]
                else "**但产品尚未改用它**（`replyquality_model.SERVES = False`）。"
            )
        )
    else:
        verdict = (
            f"随机测试样本上组合评分 F1 {c:.3f}，**没有**同时超过长度阈值（{ln:.3f}）与 TF-IDF + 逻辑回归"
            f"（{lr:.3f}）两个基线，所以产品不用它：负责人看到的仍是分项检查的标记与理由"
            f"（`replyquality_model.SERVES = {cm['serves']}`）。区间宽，三者在测试集上分不开。"
        )
    return [head, "", verdict, ""]


def render_markdown(report: dict[str, Any]) -> str:
    d = report["data"]
    th = report["thresholds"]
    bl = report["baselines"]
    lr = bl["logreg"]
    agree = "与开发集调得的一致" if th["same"] else "**与开发集调得的不一致**（请更新 replyquality.DEFAULT）"
    lines = [
        "# 答复质量检查（reply quality）— 评估报告",
        "",
        "> 本文件由 `mochou triage evaluate-replies` 生成，请勿手改；每个数字都由数据重新计算。",
        "",
        "单位负责人审核答复前，系统逐项检查答复是否回应了诉求（`triage/replyquality.py`），"
        "在审核表单上列出“答复可能存在的问题”；负责人仍可通过，显示过的问题记入审核事件。",
        "",
        "## 数据",
        "",
        f"- 标注集 `triage/data/{d['labels']}`（sha256 {d['labels_sha256']}）：{d['n_labelled']} 条真实答复，"
        "由未见过本方法的标注者（一个 LLM 助手代理，不是人工）逐条判断"
        "（见 `triage/data/REAL-REPLY-QUALITY.md`）；"
        f"开发集 {d['n_dev']} 条，其余为测试集。",
        f"- 语料 `mochou/data/{d['corpus']}`（sha256 {d['corpus_sha256']}）："
        f"{d['n_corpus']} 条真实留言及答复，无标注；用于 IDF 与套话句挖掘"
        f"（出现在 ≥3 条答复中的句子，共 {d['templates']} 句；统计来源 {d['stats']}）。",
        "- **所有选择只用开发集**：各检查的阈值、基线的阈值与超参数；下表全部在**测试集**上。",
        "- 随机样本与候选样本分开报告：候选样本是按启发式挑出来找差答复的，不能用来估计差答复比例。",
        "- 比例给 Wilson 95% 区间，F1 给自助法 95% 区间"
        f"（{BOOTSTRAP} 次重抽样，种子 {SEED}）。“阳性”= 标注者判为应退回（verdict=flag）。",
        "",
        "## 判定：应退回的答复（verdict = flag）",
        "",
    ]
    for sub in ("test_random", "test_candidate", "test_all"):
        tab = report["tables"][sub]
        first = next(iter(tab.values()))
        lines += [
            f"### {_SUBSET_TITLES[sub]}：{first['n']} 条，其中应退回 {first['positives']} 条",
            "",
            "| 系统 | 标记 | 精确率 [95%] | 召回率 [95%] | F1 [95%] | 准确率 [95%] |",
            "|---|---|---|---|---|---|",
        ]
        for name, s in tab.items():
            lines.append(
                f"| {_SYSTEM_TITLES[name]} | {s['flagged']} | "
                f"{_pct(s['precision'])} {_ci(s['precision_ci'])} | "
                f"{_pct(s['recall'])} {_ci(s['recall_ci'])} | {_pct(s['f1'])} {_ci(s['f1_ci'])} | "
                f"{_pct(s['accuracy'])} {_ci(s['accuracy_ci'])} |"
            )
        lines.append("")
    dv = report["tables"]["dev_all"]["method"]
    lines += _candidates_lines(report)
    lines += _paired_lines(report)
    lines += [_resolution_line(report), ""]
    lines += _nested_lines(report)
    lines += _conclusion_lines(report)
    lines += _combined_lines(report)
    lines += _linear_lines(report)
    lines += [
        f"开发集（调参所用，{dv['n']} 条）上本方法 F1 {dv['f1']:.3f}：与测试集之差即调参的乐观程度。",
        "",
        "## 各项理由的精确率（测试集）",
        "",
        "某项理由触发时，标注者的对应列是否也认为存在该问题；“判定应退回”为其中 verdict=flag 的条数。",
        "",
        "| 理由 | 对应标注 | 随机样本：触发 / 对应 / 精确率 [95%] "
        "| 全部测试：触发 / 对应 / 精确率 [95%] | 全部测试中判定应退回 |",
        "|---|---|---|---|---|",
    ]
    for code, per in report["reasons"].items():
        r, a = per["test_random"], per["test_all"]
        lines.append(
            f"| {rq.LABELS[code]}（`{code}`） | {REASON_COLUMN[code]} | {r['fired']} / {r['right']} / "
            f"{_pct(r['precision'])} {_ci(r['precision_ci'])} | {a['fired']} / {a['right']} / "
            f"{_pct(a['precision'])} {_ci(a['precision_ci'])} | {a['verdict_flag']} |"
        )
    lines += [
        "",
        "## 阈值（在开发集上选定）",
        "",
        "坐标上升法在开发集 F1 上逐项搜索（每项的网格都含“关闭”值：无助于开发集的检查即被关闭）。",
        "",
        "| 阈值 | 产品所用 | 开发集调得 |",
        "|---|---|---|",
    ]
    for f in fields(rq.Thresholds):
        lines.append(f"| `{f.name}` | {th['shipped'][f.name]} | {th['tuned_on_dev'][f.name]} |")
    lines += [
        "",
        f"产品所用阈值{agree}。",
        "",
        "基线（同样只用开发集）：",
        f"- 答复长度阈值：去空白后短于 {bl['length_threshold']} 字即标记。",
        f"- TF-IDF（答复的字 n-gram）+ 逻辑回归，在开发集上训练；{rqm.CV_REPEATS}×5 折交叉验证"
        f"（网格：n-gram {'、'.join(str(g) for g in LOGREG_NGRAMS)}，sublinear_tf 是/否，"
        f"C {'、'.join(str(c) for c in LOGREG_C)}，阈值与两个评分相同）选定 "
        f"n-gram {tuple(lr['ngram'])}、sublinear_tf={lr['sublinear_tf']}、C={lr['C']}、"
        f"判定阈值 {lr['threshold']}"
        f"（交叉验证 F1 {lr['dev_cv_f1']:.3f}）。",
        "",
        "## 全部语料上的情况（无标注，仅描述）",
        "",
        f"{report['corpus']['n']} 条真实答复中，本方法标记 {report['corpus']['flagged']} 条"
        f"（{report['corpus']['flagged'] / report['corpus']['n']:.1%}）；按理由：",
        "",
        "| 理由 | 条数 |",
        "|---|---|",
    ]
    for code, n in report["corpus"]["by_reason"].items():
        lines.append(f"| {rq.LABELS[code]}（`{code}`） | {n} |")
    lat = report["latency_ms"]
    lines += [
        "",
        f"单条检查耗时（本机，{report['corpus']['n']} 条答复，单进程）：中位 {lat['p50']:.1f} 毫秒，"
        f"p99 {lat['p99']:.1f} 毫秒，最长 {lat['max']:.1f} 毫秒。"
        "（耗时随机器负载而变；表格其余数字与机器无关。）",
        "",
        "## 局限",
        "",
        "- 标注者一人、一遍，无一致性数字；“是否漏答主要问题”与“是否需要时限”是判断题（见标注说明）。",
        "- 测试集小（随机样本约 120 条），区间宽；候选样本的数字不代表真实比例。",
        "- 检查只看文字：答复是否属实、措施是否真的做了，系统无从知道。",
        "",
    ]
    return "\n".join(lines)


def evaluate(
    doc_path: Path | None = DEFAULT_DOC,
    *,
    labels_csv: Path = LABELS_CSV,
    corpus_csv: Path = REPLIES_FULL_CSV,
    cache_dir: Path | None = None,
    out: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """Build the report, write it to ``doc_path`` (unless None); return it with its Markdown."""
    report = build_report(labels_csv, corpus_csv, cache_dir)
    md = render_markdown(report)
    if doc_path is not None:
        doc_path.parent.mkdir(parents=True, exist_ok=True)
        doc_path.write_text(md, encoding="utf-8")
    report["markdown"] = md
    return report

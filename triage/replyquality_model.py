"""A combined reply scorer: the per-reason checks as features, with length and TF-IDF, in one
logistic regression fitted on the DEV rows of ``triage/data/real-reply-quality.csv``.

Features of a (request, reply) pair:
- the evidence of :func:`triage.replyquality.measure` (lengths, forwarding, relevance, title
  overlap, asks and their coverage, action / vague promise / date cues) and which of the checks
  fire (``decide`` with the shipped thresholds);
- char n-gram TF-IDF of the reply;
- TF-IDF of the request–reply overlap: the reply's character pairs that also occur in the request.

C, the n-gram range and the decision threshold are chosen by repeated 5-fold cross-validation on
the dev rows (goal: the best F1, the goal the two baselines are tuned for), then one fit on all
dev rows. No Django imports; scikit-learn is imported only when fitting.

A second scorer, :class:`LinearScorer` (``rqm-2``), keeps to features whose every parameter was
either fixed in advance or fitted on unlabelled text: the *continuous* evidence of
:func:`triage.replyquality.measure` (not which checks fire: their thresholds were tuned on all the
dev rows, outside any cross-validation fold, so a fold's held-out rows would vouch for them) and
:func:`generic_features` — lengths, the share of the corpus's template sentences, the request's and
title's character pairs found in the reply, dates, figures, action verbs, forwarding phrases. A
standardised logistic regression over these 23 numbers; C and the threshold by repeated
cross-validation on the dev rows. Scoring needs no scikit-learn: the fitted numbers are plain
floats (:meth:`LinearScorer.as_dict`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from triage import replyquality as rq

VERSION = "rqm-1"
C_GRID = (0.3, 1.0, 3.0, 10.0)
NGRAMS = ((1, 2), (1, 3))
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(4, 17))
CV_REPEATS = 3
CODES = tuple(rq.LABELS)

# Whether the flag the leader sees should come from this scorer (the per-reason checks are still
# shown), as the evaluator records it; like SERVES2 below, not read by serving while it is False.
# Set from the test figures of `mochou triage evaluate-replies` (docs/reply-quality.md).
SERVES = False
# The same decision for the linear scorer (rqm-2, :class:`LinearScorer`), as the evaluator records
# it. Not wired into serving: while it loses to a baseline there is nothing to switch to; a later
# win would wire the scorer into the leader's form and read this flag there.
SERVES2 = False


def dense_features(ev: rq.Evidence) -> list[float]:
    f = ev.features
    codes = {c.code for c in rq.decide(ev)}
    feats = [
        math.log1p(f["chars"]) / 8,
        math.log1p(f["specific_chars"]) / 8,
        min(f["forwarding"], 3.0) / 3,
        f["relevance"],
        f["title_overlap"],
        min(f["asks"], 10.0) / 10,
        f["ask_coverage"],
        f["action"],
        f["vague"],
        f["date"],
        f["asks_when"],
        float(bool(codes)),
    ]
    return feats + [float(c in codes) for c in CODES]


_NON_WORD = re.compile(r"[\W_\d]")


def overlap_text(request: str, reply: str) -> str:
    """The reply's character pairs that also occur in the request, space-separated, in order."""
    req = _NON_WORD.sub("", request)
    grams = {req[i : i + 2] for i in range(len(req) - 1)}
    rep = _NON_WORD.sub("", reply)
    return " ".join(rep[i : i + 2] for i in range(len(rep) - 1) if rep[i : i + 2] in grams)


@dataclass(frozen=True)
class Pair:
    request: str  # title + body
    reply: str
    dense: tuple[float, ...]
    overlap: str


def pair(title: str, body: str, reply: str, ev: rq.Evidence) -> Pair:
    return Pair(title + "\n" + body, reply, tuple(dense_features(ev)), overlap_text(title + body, reply))


@dataclass
class ReplyModel:
    reply_vec: Any
    overlap_vec: Any
    clf: Any
    threshold: float
    chosen: dict[str, Any] = field(default_factory=dict)
    version: str = VERSION

    def probabilities(self, pairs: Sequence[Pair]) -> list[float]:
        return [float(p) for p in self.clf.predict_proba(_matrix(self, pairs))[:, 1]]

    def flags(self, pairs: Sequence[Pair]) -> list[bool]:
        return [p >= self.threshold for p in self.probabilities(pairs)]


def _matrix(m: ReplyModel, pairs: Sequence[Pair]) -> Any:
    import scipy.sparse as sp

    return sp.hstack(
        [
            m.reply_vec.transform([p.reply for p in pairs]),
            m.overlap_vec.transform([p.overlap for p in pairs]),
            sp.csr_matrix([list(p.dense) for p in pairs]),
        ]
    ).tocsr()


def _split(text: str) -> list[str]:
    return text.split()


def fit(
    pairs: Sequence[Pair], labels: Sequence[bool], c: float, ngram: tuple[int, int], threshold: float = 0.5
) -> ReplyModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    reply_vec = TfidfVectorizer(analyzer="char", ngram_range=ngram, sublinear_tf=True, min_df=2)
    overlap_vec = TfidfVectorizer(analyzer=_split, sublinear_tf=True, min_df=2)
    reply_vec.fit([p.reply for p in pairs])
    overlap_vec.fit([p.overlap for p in pairs])
    m = ReplyModel(reply_vec, overlap_vec, None, threshold)
    m.clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(
        _matrix(m, pairs), list(labels)
    )
    return m


def _f1(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train(pairs: Sequence[Pair], labels: Sequence[bool]) -> ReplyModel:
    """C, n-grams and threshold by cross-validated F1 on the given (dev) rows; one final fit."""
    from sklearn.model_selection import StratifiedKFold

    y = list(labels)
    best: tuple[float, float, tuple[int, int], float] = (-1.0, C_GRID[0], NGRAMS[0], 0.5)
    for ngram in NGRAMS:
        for c in C_GRID:
            oof = [0.0] * len(pairs)
            for rep in range(CV_REPEATS):
                for tr, va in StratifiedKFold(5, shuffle=True, random_state=rep).split(
                    list(range(len(y))), y
                ):
                    m = fit([pairs[i] for i in tr], [y[i] for i in tr], c, ngram)
                    for i, p in zip(va, m.probabilities([pairs[i] for i in va]), strict=True):
                        oof[i] += p / CV_REPEATS
            for t in THRESHOLD_GRID:
                s = _f1([p >= t for p in oof], y)
                if s > best[0] + 1e-9:
                    best = (s, c, ngram, t)
    cv_f1, c, ngram, t = best
    model = fit(pairs, y, c, ngram, t)
    model.chosen = {"C": c, "ngram": ngram, "threshold": t, "cv_f1": cv_f1, "n": len(y), "positives": sum(y)}
    return model


# ---------------------------------------------------------------------- rqm-2: the linear scorer

VERSION2 = "rqm-2"
C2_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)

_PLACE = re.compile(r"[A-Z]\d*(市|区|县)")
_DATE2 = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{1,2}月(底|初|中旬|上旬|下旬|份)|\d{4}年(底|内|初)"
)
_NUMBER = re.compile(r"\d+(\.\d+)?")
_ACTION2 = re.compile(
    r"经(查|核|调查|核实|了解|现场)|现场|已(经)?[^，。]{0,2}(责令|要求|督促|安排|完成|维修|修复|清理|拆除|整改|处罚|立案)"
    r"|责令|处罚|罚款|整改|根据|依据|按照|《"
)
_WHITE = re.compile(r"\s")

# The features, in order, with what each says to a leader when it pushes towards a flag.
FEATURES: tuple[str, ...] = (
    "log_chars",  # the reply's length (signing date removed)
    "log_own",  # the length of its sentences that are not corpus template sentences
    "template_share",  # the share of its characters in template sentences
    "request_cover",  # the share of the request's character pairs found in the reply's own sentences
    "title_cover",  # the same for the title (place codes and 关于/投诉… removed)
    "reply_in_request",  # the share of the reply's own character pairs found in the request
    "log_request",  # the request's length
    "dates",  # dates in the reply's own sentences (up to 5)
    "numbers",  # figures (up to 10)
    "actions",  # action verbs and bases (经查, 已责令, 根据《…》; up to 5)
    "forwarding",  # forwarding and push-back phrases (已转…, 建议您向…; up to 3)
    "log_specific",  # measure(): characters beyond templates, greetings and forwarding clauses
    "forward_clauses",  # measure(): forwarding clauses (up to 3)
    "relevance",  # measure(): IDF-weighted share of the request's key terms in the reply
    "title_overlap",  # measure(): share of the title's character pairs in the reply
    "asks",  # measure(): the request's asks (up to 10)
    "ask_coverage",  # measure(): share of the asks the reply touches
    "action",  # measure(): an action, finding, figure or basis cue
    "vague",  # measure(): a promise without content
    "date",  # measure(): a date or timeline
    "asks_when",  # measure(): the request asks "when"
    "when_no_date",  # asks "when" and no date
    "vague_no_action",  # a vague promise and no action
)


def _pairs(text: str) -> set[str]:
    t = _NON_WORD.sub("", _PLACE.sub("", text))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def generic_features(title: str, body: str, reply: str, stats: rq.ReplyStats) -> list[float]:
    """The first 11 of :data:`FEATURES`: nothing in them was fitted on labels."""
    text = rq.strip_signature(reply)
    sents = rq.sentences(text)
    norms = [rq.normalize_sentence(s) for s in sents]
    chars = len(_WHITE.sub("", text))
    template = sum(len(n) for n in norms if n in stats.templates)
    own = "。".join(s for s, n in zip(sents, norms, strict=True) if n not in stats.templates)
    request, title_pairs, own_pairs = _pairs(title + body), _pairs(rq._PLACE_CODE.sub("", title)), _pairs(own)
    shared = len(request & own_pairs)
    return [
        math.log1p(chars),
        math.log1p(len(_WHITE.sub("", own))),
        template / max(chars, 1),
        shared / len(request) if request else 1.0,
        len(title_pairs & own_pairs) / len(title_pairs) if title_pairs else 1.0,
        shared / len(own_pairs) if own_pairs else 0.0,
        math.log1p(len(title + body)),
        min(len(_DATE2.findall(own)), 5) / 5,
        min(len(_NUMBER.findall(own)), 10) / 10,
        min(len(_ACTION2.findall(own)), 5) / 5,
        min(len(rq._FORWARD.findall(own)) + len(rq._PUSH_BACK.findall(own)), 3) / 3,
    ]


def evidence_features(ev: rq.Evidence) -> list[float]:
    """The last 12 of :data:`FEATURES`: measure()'s continuous evidence, no threshold of decide()."""
    f = ev.features
    return [
        math.log1p(f["specific_chars"]),
        min(f["forwarding"], 3.0),
        f["relevance"],
        f["title_overlap"],
        min(f["asks"], 10.0),
        f["ask_coverage"],
        f["action"],
        f["vague"],
        f["date"],
        f["asks_when"],
        f["asks_when"] * (1 - f["date"]),
        f["vague"] * (1 - f["action"]),
    ]


def features(title: str, body: str, reply: str, ev: rq.Evidence, stats: rq.ReplyStats) -> list[float]:
    """All of :data:`FEATURES` for one reply (``ev`` = ``rq.measure(title, body, reply, stats)``)."""
    return generic_features(title, body, reply, stats) + evidence_features(ev)


@dataclass(frozen=True)
class LinearScorer:
    """A standardised logistic regression as plain numbers: p = σ(b + Σ wᵢ (xᵢ − μᵢ) / σᵢ)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    chosen: dict[str, Any] = field(default_factory=dict)
    names: tuple[str, ...] = FEATURES
    version: str = VERSION2

    def contributions(self, x: Sequence[float]) -> list[float]:
        """Each feature's term wᵢ (xᵢ − μᵢ) / σᵢ of the score (positive = towards a flag)."""
        return [w * (v - m) / s for v, m, s, w in zip(x, self.mean, self.scale, self.coef, strict=True)]

    def probability(self, x: Sequence[float]) -> float:
        z = self.intercept + sum(self.contributions(x))
        return 1 / (1 + math.exp(-z)) if z > -700 else 0.0

    def flag(self, x: Sequence[float]) -> bool:
        return self.probability(x) >= self.threshold

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearScorer:
        d = dict(data)
        for k in ("mean", "scale", "coef", "names"):
            d[k] = tuple(d[k])
        return cls(**d)


def _fit_linear(x: Any, y: Any, c: float) -> tuple[Any, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    sc = StandardScaler().fit(x)
    return sc, LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(sc.transform(x), y)


def train_linear(rows: Sequence[Sequence[float]], labels: Sequence[bool]) -> LinearScorer:
    """C and the threshold by the best F1 of out-of-fold probabilities, averaged over
    :data:`CV_REPEATS` × 5 folds of the given (dev) rows; then one fit on all of them."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    x, y = np.asarray(rows, dtype=float), np.asarray(labels, dtype=bool)
    best: tuple[float, float, float] = (-1.0, C2_GRID[0], 0.5)
    for c in C2_GRID:
        oof = np.zeros(len(y))
        for rep in range(CV_REPEATS):
            for tr, va in StratifiedKFold(5, shuffle=True, random_state=rep).split(x, y):
                sc, m = _fit_linear(x[tr], y[tr], c)
                oof[va] += m.predict_proba(sc.transform(x[va]))[:, 1] / CV_REPEATS
        for t in THRESHOLD_GRID:
            s = _f1([bool(p >= t) for p in oof], list(y))
            if s > best[0] + 1e-9:
                best = (s, c, t)
    cv_f1, c, t = best
    sc, m = _fit_linear(x, y, c)
    return LinearScorer(
        mean=tuple(float(v) for v in sc.mean_),
        scale=tuple(float(v) for v in sc.scale_),
        coef=tuple(float(v) for v in m.coef_[0]),
        intercept=float(m.intercept_[0]),
        threshold=float(t),
        chosen={"C": c, "threshold": t, "cv_f1": float(cv_f1), "n": len(y), "positives": int(y.sum())},
    )

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
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from triage import replyquality as rq

VERSION = "rqm-1"
C_GRID = (0.3, 1.0, 3.0, 10.0)
NGRAMS = ((1, 2), (1, 3))
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(4, 17))
CV_REPEATS = 3
CODES = tuple(rq.LABELS)

# Whether the flag the leader sees comes from this scorer (the per-reason checks are still shown).
# Set from the test figures of `mochou triage evaluate-replies` (docs/reply-quality.md).
SERVES = False


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

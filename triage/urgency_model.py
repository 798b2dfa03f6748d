"""A learned urgency scorer: logistic regression on char n-grams plus the word list's hits.

Trained on the **dev** rows of ``triage/data/real-urgency-labelled.csv`` only (339 real messages,
23 urgent; labelled by an annotator who never saw the methods), never on its test rows. Features:

- char 1–2-gram TF-IDF of the first :data:`HEAD` characters of the normalised title + body, and of
  the title alone (the urgent ones mostly say it early);
- the word list (``triage.urgency.assess_urgency``): its score, its verdict and one indicator per
  category that fired — so the reasons shown to the dispatcher stay the word list's;
- simple cues: time words and danger words (今天/马上/正在/危险/孩子/老人/受伤/被困/火/燃气/停水 …).

The hyper-parameter C and the operating threshold are chosen by repeated 5-fold cross-validation
on the dev rows, for a stated goal (:data:`GOAL_PRECISION`: the best recall at a cross-validated
precision of at least 0.8, since a false 紧急 costs the dispatchers' attention; when no threshold
reaches it, the best cross-validated F1). The model is small (a few hundred kB) and is trained
at first use and cached under ``var/triage`` keyed by the hashes of the labels and of the word list
(its verdicts are features) and by :data:`VERSION`, the way the category model is built from
shipped data (nothing downloaded). The word list gated by the scorer (:meth:`UrgencyModel.gated`)
is a second candidate. No Django imports.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.normalize import normalize
from triage.urgency import CATEGORIES, assess_urgency

VERSION = "um-2"
HEAD = 300  # characters of the message the n-grams see (bounded time per case)
C_GRID = (0.3, 1.0, 3.0)
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))
GOAL_PRECISION = 0.8
CV_REPEATS = 3

_CUES = re.compile(
    r"今天|马上|立即|立刻|现在|正在|刚才|危险|孩子|小孩|老人|受伤|救命|紧急|被困|火|燃气|煤气|漏水|停水|停电|塌|裂"
)


def dense_features(title: str, body: str) -> list[float]:
    """The word list's verdict, score and categories, and the cue counts (the non-text features)."""
    a = assess_urgency(title, body)
    text = normalize(f"{title or ''}。{body or ''}")
    feats = [a.score, float(a.urgent)]
    feats += [float(c in a.categories) for c in CATEGORIES]
    feats += [len(_CUES.findall(text[:400])) / 5, float(bool(_CUES.search(title or "")))]
    return feats


def head_text(title: str, body: str) -> str:
    return normalize(f"{title or ''}。{body or ''}")[:HEAD]


@dataclass
class UrgencyModel:
    """The fitted weights, with the threshold and how they were chosen. Scoring is a dot product
    over the message's n-grams in plain Python (the same numbers as scikit-learn's pipeline, which
    takes tens of ms per call on this machine for one message; this takes about one)."""

    body_weights: dict[str, tuple[float, float]]  # n-gram -> (idf, coefficient)
    title_weights: dict[str, tuple[float, float]]
    dense_coef: list[float]
    intercept: float
    threshold: float
    chosen: dict[str, Any] = field(default_factory=dict)
    version: str = VERSION

    def logit(self, title: str, body: str, dense: list[float] | None = None) -> float:
        z = self.intercept
        z += _tfidf_dot(head_text(title, body), self.body_weights)
        z += _tfidf_dot(title or "", self.title_weights)
        feats = dense if dense is not None else dense_features(title, body)
        return z + sum(w * x for w, x in zip(self.dense_coef, feats, strict=True))

    def probability(self, title: str, body: str, dense: list[float] | None = None) -> float:
        z = self.logit(title, body, dense)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def probabilities(
        self, items: list[tuple[str, str]], dense: list[list[float]] | None = None
    ) -> list[float]:
        if dense is None:
            return [self.probability(t, b) for t, b in items]
        return [self.probability(t, b, d) for (t, b), d in zip(items, dense, strict=True)]

    def urgent(self, title: str, body: str) -> bool:
        return self.probability(title, body) >= self.threshold

    def gated(self, title: str, body: str) -> bool:
        """The word list's verdict confirmed by the scorer: urgent ⇔ the word list says urgent and
        p ≥ the gate threshold chosen by cross-validated F1 on dev (``chosen["gate_threshold"]``)."""
        dense = dense_features(title, body)
        return dense[1] > 0 and self.probability(title, body, dense) >= self.chosen["gate_threshold"]


def _grams(text: str) -> Counter[str]:
    # TfidfVectorizer(analyzer="char", ngram_range=(1, 2)) lowercases and collapses whitespace
    # runs to one space, then takes every 1- and 2-character window (its _char_ngrams).
    text = _WHITE.sub(" ", text.lower())
    out: Counter[str] = Counter(text)
    out.update(text[i : i + 2] for i in range(len(text) - 1))
    return out


def _tfidf_dot(text: str, weights: dict[str, tuple[float, float]]) -> float:
    """coef · l2-normalised sublinear TF-IDF of ``text`` (terms outside the vocabulary drop out)."""
    dot = norm = 0.0
    for gram, n in _grams(text).items():
        hit = weights.get(gram)
        if hit is None:
            continue
        value = (1.0 + math.log(n)) * hit[0]
        norm += value * value
        dot += value * hit[1]
    return dot / math.sqrt(norm) if norm else 0.0


_WHITE = re.compile(r"\s\s+")


def fit(
    items: list[tuple[str, str]],
    labels: list[bool],
    c: float,
    threshold: float = 0.5,
    dense: list[list[float]] | None = None,
) -> UrgencyModel:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    dense = dense if dense is not None else [dense_features(t, b) for t, b in items]
    body_vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    title_vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    xb = body_vec.fit_transform([head_text(t, b) for t, b in items])
    xt = title_vec.fit_transform([t or "" for t, _ in items])
    x = sp.hstack([xb, xt, sp.csr_matrix(dense)]).tocsr()
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, labels)
    coef = [float(v) for v in clf.coef_[0]]
    nb, nt = xb.shape[1], xt.shape[1]

    def weights(vec: Any, offset: int) -> dict[str, tuple[float, float]]:
        return {g: (float(vec.idf_[j]), coef[offset + j]) for g, j in vec.vocabulary_.items()}

    return UrgencyModel(
        body_weights=weights(body_vec, 0),
        title_weights=weights(title_vec, nb),
        dense_coef=coef[nb + nt :],
        intercept=float(clf.intercept_[0]),
        threshold=threshold,
    )


def _pr(probs: list[float], labels: list[bool], t: float) -> tuple[float, float, float]:
    tp = sum(1 for p, y in zip(probs, labels, strict=True) if y and p >= t)
    fp = sum(1 for p, y in zip(probs, labels, strict=True) if not y and p >= t)
    fn = sum(1 for p, y in zip(probs, labels, strict=True) if y and p < t)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def out_of_fold(
    items: list[tuple[str, str]], labels: list[bool], c: float, dense: list[list[float]]
) -> list[float]:
    """Cross-validated probabilities on the training rows (mean of CV_REPEATS × 5 folds)."""
    from sklearn.model_selection import StratifiedKFold

    oof = [0.0] * len(items)
    for rep in range(CV_REPEATS):
        for tr, va in StratifiedKFold(5, shuffle=True, random_state=rep).split(items, labels):
            m = fit([items[i] for i in tr], [labels[i] for i in tr], c, dense=[dense[i] for i in tr])
            probs = m.probabilities([items[i] for i in va], [dense[i] for i in va])
            for i, p in zip(va, probs, strict=True):
                oof[i] += p / CV_REPEATS
    return oof


def choose_threshold(probs: list[float], labels: list[bool]) -> tuple[float, str]:
    """The operating threshold for the goal: the best recall at precision ≥ GOAL_PRECISION (ties:
    the higher threshold), else the best F1. Returns (threshold, which rule chose it)."""
    meeting = [
        (_pr(probs, labels, t)[1], t) for t in THRESHOLD_GRID if _pr(probs, labels, t)[0] >= GOAL_PRECISION
    ]
    meeting = [m for m in meeting if m[0] > 0]
    if meeting:
        return max(meeting)[1], f"precision ≥ {GOAL_PRECISION}"
    return max(
        THRESHOLD_GRID, key=lambda t: (_pr(probs, labels, t)[2], t)
    ), "best F1 (no threshold reached the precision goal)"


def train(items: list[tuple[str, str]], labels: list[bool]) -> UrgencyModel:
    """C by cross-validated average precision on the given (dev) rows, the threshold by the goal on
    the same out-of-fold probabilities, then one fit on all of them."""
    from sklearn.metrics import average_precision_score

    dense = [dense_features(t, b) for t, b in items]
    best: tuple[float, float, list[float]] = (-1.0, C_GRID[0], [])
    for c in C_GRID:
        oof = out_of_fold(items, labels, c, dense)
        ap = float(average_precision_score(labels, oof))
        if ap > best[0] + 1e-9:
            best = (ap, c, oof)
    ap, c, oof = best
    threshold, rule = choose_threshold(oof, labels)
    prec, rec, f1 = _pr(oof, labels, threshold)
    lexicon = [d[1] > 0 for d in dense]  # the word list's verdict (dense_features' second entry)
    gate, (g_prec, g_rec, g_f1) = choose_gate(oof, labels, lexicon)
    model = fit(items, labels, c, threshold, dense)
    model.chosen = {
        "C": c, "cv_average_precision": ap, "threshold": threshold, "rule": rule,
        "cv_precision": prec, "cv_recall": rec, "cv_f1": f1, "n": len(items), "positives": sum(labels),
        "gate_threshold": gate, "gate_cv_precision": g_prec, "gate_cv_recall": g_rec, "gate_cv_f1": g_f1,
        "oof": oof, "lexicon": lexicon,
    }  # fmt: skip
    return model


def choose_gate(
    probs: list[float], labels: list[bool], lexicon: list[bool]
) -> tuple[float, tuple[float, float, float]]:
    """The threshold t of THRESHOLD_GRID with the best F1 of "the word list says urgent AND p ≥ t"
    on out-of-fold probabilities (ties: the higher t), and that (precision, recall, F1)."""
    gated = {t: [p if lex else 0.0 for p, lex in zip(probs, lexicon, strict=True)] for t in THRESHOLD_GRID}
    t = max(THRESHOLD_GRID, key=lambda t: (round(_pr(gated[t], labels, t)[2], 9), t))
    return t, _pr(gated[t], labels, t)


# ---------------------------------------------------------------------- the dev rows, cached model


def model_key() -> str:
    """What the cached model depends on: the labels file, the word list (its verdicts are features)
    and this module's version."""
    from mochou.datasets import REAL_URGENCY_CSV, sha256_of_files
    from triage import urgency

    files = sha256_of_files(REAL_URGENCY_CSV, urgency.__file__)
    return hashlib.sha256((files + VERSION).encode()).hexdigest()[:12]


def dev_items() -> tuple[list[tuple[str, str]], list[bool]]:
    """The dev rows of the real urgency set with their texts (the only rows the model learns from)."""
    from mochou.datasets import read_real_urgency_labels, read_replied_messages, read_voted_messages

    texts = {m.id: (m.title, m.body) for m in read_voted_messages()}
    texts.update({m.id: (m.title, m.body) for m in read_replied_messages()})
    dev = [lab for lab in read_real_urgency_labels() if lab.split == "dev"]
    return [texts[lab.id] for lab in dev], [lab.urgent for lab in dev]


_lock = threading.Lock()
_cache: dict[str, UrgencyModel] = {}


def cached_model(cache_dir: Path) -> UrgencyModel:
    """The model trained on the dev rows, pickled under ``cache_dir`` (trained once, under a minute)."""
    key = model_key()
    with _lock:
        if key in _cache:
            return _cache[key]
        path = cache_dir / f"urgency-model-{key}.pkl"
        model: UrgencyModel | None = None
        if path.is_file():
            model = pickle.loads(path.read_bytes())  # noqa: S301 - our own file under var/
        if model is None or model.version != VERSION:
            model = train(*dev_items())
            path.parent.mkdir(parents=True, exist_ok=True)
            # Per process: two xdist workers on a cold cache must not write the same temporary file.
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(model))
            tmp.replace(path)
        _cache[key] = model
        return model


# Whether triage's urgency suggestion comes from this scorer rather than the word list. Set from
# the test figures of `python -m triage.urgency_eval` (docs/urgency.md, "The candidates on the test
# rows"): the scorer does not dominate the word list there, so the word list stays.
SERVES = False
# Whether it serves the word list gated by this scorer (``UrgencyModel.gated``) instead: the same
# rule, on the gate's row of that table (it does not dominate either). Either switch trains the
# model at the first triage when var/triage holds no cached one (under a minute, in the worker):
# run `python -m triage.urgency_eval` once on the server first.
SERVES_GATE = False


def assess(title: str, body: str, model: UrgencyModel) -> tuple[bool, list[str]]:
    """The learned verdict with the word list's reasons (a dispatcher reads why); a flag the word
    list cannot explain says so."""
    from triage.urgency import assess_urgency as lexicon

    urgent = model.urgent(title, body)
    reasons = list(lexicon(title, body).reasons) if urgent else []
    return urgent, reasons or (["模型评分：可能紧急（请人工确认）"] if urgent else [])

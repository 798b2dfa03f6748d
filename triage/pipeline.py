"""The triage model: predicts a citizen message's first-level category (no Django imports).

Features (concatenated, each TF-IDF block L2-normalised per message):

1. character 1–3-grams of ``title + " " + body`` (sublinear TF, min_df=2);
2. character 1–3-grams of the title alone (the title is the densest signal);
3. jieba words of title and body, cut by the platform's one tokenizer (:mod:`mochou.text`, whose
   dictionary holds the category tree's names, the seed terms and the knowledge base's words);
4. 14 keyword scores: per label, the taxonomy + seed vocabulary found in the title and in the body
   (see :mod:`triage.lexicon`), scaled by ``keyword_weight``.

Classifier: ``LinearSVC(class_weight="balanced")``. Probabilities: softmax of the SVM scores with
one temperature fitted (minimum log-loss) on 5-fold out-of-fold scores, so the ranking is the
SVM's and the confidence is calibrated. When ``fit`` is told which examples come from the real
stream (``real=``), only those are scored out of fold (the other examples — the contest's sample,
weak labels — stay in every fold's training), so temperature and auto-dispatch threshold are
fitted on data like the messages the platform will see.

Out of scope: examples labelled :data:`triage.scope.OUT_OF_SCOPE` (messages of the 8 subjects
the labels do not cover) train one more class; a message whose best class is that one, or whose
probability of it reaches ``oos_threshold``, is ``out_of_scope`` and never dispatched alone.

The auto-dispatch gate is chosen on the out-of-fold predictions of the real examples and stored
in the artefact: ``dispatch_gate`` holds one threshold per predicted subject (None: that subject
never dispatches alone; :func:`triage.calibration.choose_class_thresholds`), which is what
:meth:`TriageModel.may_auto_dispatch` and ``triage.services`` use unless the settings give one
global number. ``dispatch_threshold`` is the single global threshold of the older rule
(:func:`triage.calibration.choose_threshold`), kept for the report's comparison. The out-of-fold
predictions themselves are kept (``oof``) so the gate can be chosen again once the out-of-scope
threshold is known, and the report can recompute every figure of the choice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from mochou import text
from mochou.datasets import TAXONOMY_CSV, read_taxonomy
from triage.calibration import (
    CURVE_THRESHOLDS,
    GATE_FLOORS,
    TARGET_MARGIN,
    TARGET_PRECISION,
    choose_class_thresholds,
    choose_threshold,
    coverage_curve,
    fit_temperature,
    nested_gate_estimate,
    softmax,
)
from triage.lexicon import KeywordScorer, class_terms
from triage.normalize import normalize
from triage.scope import OUT_OF_SCOPE

log = logging.getLogger(__name__)

FORMAT = "mochou-triage"
FORMAT_VERSION = 2
DEFAULT_PARAMS: dict[str, Any] = {
    "C": 1.0,
    "title_weight": 1.0,
    "word_weight": 1.0,
    "keyword_weight": 0.4,
    "char_min_df": 2,
    "use_seed_terms": True,
    "calibration_folds": 5,
    "random_state": 20200101,
    # Only the first characters of a long body are read: the subject is stated early, and the
    # cost of the features grows with the length (the p99 latency was the longest messages').
    "max_body_chars": 600,
    # A message is out of scope when P(out of scope) reaches this (and whenever it is the top class).
    "oos_threshold": 1.0,
}


class ModelFormatError(ValueError):
    """The file is not a triage model of a format this code can read."""


@dataclass(frozen=True)
class Prediction:
    """``label`` is the best of the trained subjects, ``confidence`` its calibrated probability;
    ``out_of_scope`` says the message is probably of none of them (then ``label`` is only the
    nearest one, and the message goes to a person); ``scope_score`` is P(out of scope)."""

    label: str
    confidence: float
    top3: list[tuple[str, float]]
    explanation: list[str] = field(default_factory=list)
    out_of_scope: bool = False
    scope_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.label,
            "confidence": round(self.confidence, 4),
            "top3": [{"category": c, "confidence": round(p, 4)} for c, p in self.top3],
            "explanation": list(self.explanation),
            "out_of_scope": self.out_of_scope,
            "scope_score": round(self.scope_score, 4),
        }


# A message ready for the features: (title, body, title + body, its jieba words joined by spaces).
Prepared = tuple[str, str, str, str]


def _split_words(text: str) -> list[str]:
    return text.split()


_softmax = softmax


class TriageModel:
    """Fit on (titles, bodies, labels); predict one message with a confidence, top-3 and explanation."""

    _names: list[str] | None  # feature names, computed on first use (not saved)

    def __init__(self, taxonomy: Sequence[tuple[str, str, str]] | None = None, **params: Any):
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise TypeError(f"unknown parameters: {sorted(unknown)}")
        self.params: dict[str, Any] = {**DEFAULT_PARAMS, **params}
        if taxonomy is None:  # the shipped category tree; pass [] for none
            taxonomy = read_taxonomy(TAXONOMY_CSV) if TAXONOMY_CSV.is_file() else []
        self.taxonomy: list[tuple[str, str, str]] = [(r[0], r[1], r[2]) for r in taxonomy]
        # Metadata, filled by fit()/save()/load().
        self.labels: list[str] = []  # the trained subjects (never OUT_OF_SCOPE)
        self.classes: list[str] = []  # the classifier's classes: labels (+ OUT_OF_SCOPE)
        self.dispatch_threshold: float | None = None  # chosen on held-out real messages; None: none
        # The gate in use: {"thresholds": {label: float | None}, "floor": …, "nested": …}; None: none.
        self.dispatch_gate: dict[str, Any] | None = None
        # The real examples' out-of-fold probabilities and labels (what the gate is chosen on).
        self.oof: dict[str, Any] = {}
        self.version: str = ""
        self.data_sha256: str = ""
        self.metrics: dict[str, Any] = {}
        self.created_at: str = ""
        self.fitted = False

    # ------------------------------------------------------------------ features
    def _prepare(self, title: str, body: str) -> Prepared:
        t, b = normalize(title), normalize((body or "")[: self.params["max_body_chars"] * 2])
        b = b[: self.params["max_body_chars"]]
        words = " ".join(text.cut(t) + text.cut(b))
        return t, b, f"{t} {b}", words

    def _build(self, labels: list[str]) -> None:
        p = self.params
        taxonomy = self.taxonomy
        if OUT_OF_SCOPE in labels:  # the other subjects' vocabulary speaks for "out of scope"
            taxonomy = [(r[0] if r[0] in labels else OUT_OF_SCOPE, r[1], r[2]) for r in taxonomy]
        terms = class_terms(taxonomy, labels, use_seed=p["use_seed_terms"])
        # The words are cut with the process's one dictionary; the model records which one.
        self.dictionary = text.dictionary_id()
        self._keywords = KeywordScorer(terms, labels)
        self._v_char = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=p["char_min_df"]
        )
        self._v_title = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self._v_word = TfidfVectorizer(analyzer=_split_words, sublinear_tf=True)

    def _features(self, prepared: list[Prepared], fit: bool = False) -> sparse.csr_matrix:
        p = self.params
        titles = [x[0] for x in prepared]
        both = [x[2] for x in prepared]
        words = [x[3] for x in prepared]
        if fit:
            xc = self._v_char.fit_transform(both)
            xt = self._v_title.fit_transform(titles)
            xw = self._v_word.fit_transform(words)
        else:
            xc = self._v_char.transform(both)
            xt = self._v_title.transform(titles)
            xw = self._v_word.transform(words)
        kw = np.array(
            [np.concatenate([self._keywords.scores(x[0]), self._keywords.scores(x[1])]) for x in prepared]
        )
        blocks = [
            xc,
            xt * p["title_weight"],
            xw * p["word_weight"],
            sparse.csr_matrix(kw * p["keyword_weight"]),
        ]
        return sparse.hstack(blocks, format="csr")

    def _feature_names(self) -> list[str]:
        names: list[str] | None = getattr(self, "_names", None)
        if names is None:
            kw = [f"kw:{where}:{label}" for where in ("title", "body") for label in self.classes]
            names = self._names = (
                list(self._v_char.get_feature_names_out())
                + list(self._v_title.get_feature_names_out())
                + list(self._v_word.get_feature_names_out())
                + kw
            )
        return names

    def _new_clf(self) -> LinearSVC:
        # A fixed seed: liblinear shuffles, and the report's figures must be reproducible.
        return LinearSVC(
            C=self.params["C"], class_weight="balanced", random_state=self.params["random_state"]
        )

    # ------------------------------------------------------------------ training
    def fit(
        self,
        texts_title: Sequence[str],
        texts_body: Sequence[str],
        labels: Sequence[str],
        *,
        real: Sequence[bool] | None = None,
        weights: Sequence[float] | None = None,
    ) -> TriageModel:
        """Train on the messages. ``real`` marks the examples of the real stream (default: all):
        only they are scored out of fold, for the temperature, the dispatch threshold and the
        ``oof_*`` metrics. ``weights`` are per-example sample weights (default 1)."""
        if not (len(texts_title) == len(texts_body) == len(labels)):
            raise ValueError("titles, bodies and labels must have the same length")
        t0 = time.perf_counter()
        y = np.asarray(list(labels))
        self.labels = sorted(set(y.tolist()) - {OUT_OF_SCOPE})
        if len(self.labels) < 2:
            raise ValueError("need at least two labels")
        self.classes = self.labels + ([OUT_OF_SCOPE] if OUT_OF_SCOPE in set(y.tolist()) else [])
        is_real = np.ones(len(y), bool) if real is None else np.asarray(list(real), bool)
        w = np.ones(len(y)) if weights is None else np.asarray(list(weights), float)
        self._names = None
        self._build(self.classes)
        prepared = [self._prepare(t, b) for t, b in zip(texts_title, texts_body, strict=True)]

        # Out-of-fold scores of the real examples: temperature, threshold, honest training metrics.
        oof_scores, scored = self.out_of_fold_scores(prepared, y, is_real, w)
        metrics: dict[str, Any] = {}
        self.temperature = 1.0
        self.dispatch_threshold = None
        self.dispatch_gate = None
        self.oof = {}
        if oof_scores is not None:
            yi = np.array([self.classes.index(v) for v in y[scored]])
            self.temperature, log_loss = fit_temperature(oof_scores, yi)
            prob = softmax(oof_scores * self.temperature)
            truth = y[scored]
            self.oof = {"prob": prob.round(6).tolist(), "truth": truth.tolist()}
            pred, conf, ok = self.oof_decisions()
            self.dispatch_threshold = choose_threshold(conf, ok)
            in_scope = truth != OUT_OF_SCOPE
            metrics = {
                "oof_n": len(truth),
                "oof_macro_f1": round(float(f1_score(truth[in_scope], pred[in_scope], average="macro")), 4),
                "oof_accuracy": round(float(accuracy_score(truth[in_scope], pred[in_scope])), 4),
                "oof_log_loss": round(log_loss, 4),
                # The held-out curve the threshold was chosen on (docs/triage.md shows it).
                "oof_curve": coverage_curve(conf, ok, CURVE_THRESHOLDS),
            }
        X = self._features(prepared, fit=True)
        self._clf = self._new_clf().fit(X, y, sample_weight=w)
        self.fitted = True
        self.metrics = {
            "n_train": len(y),
            "n_real": int(is_real.sum()),
            "class_counts": dict(sorted(Counter(y.tolist()).items())),
            "train_seconds": round(time.perf_counter() - t0, 2),
            "temperature": round(self.temperature, 4),
            "dispatch_threshold": self.dispatch_threshold,
            **metrics,
        }
        self.choose_gate()
        return self

    def oof_decisions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(predicted label, dispatch confidence, right?) of the out-of-fold real examples under
        the current parameters: confidence 0 when out of scope (never dispatched), and an
        out-of-scope message is never right."""
        prob = np.asarray(self.oof.get("prob", []), dtype=float).reshape(-1, len(self.classes))
        truth = np.asarray(self.oof.get("truth", []), dtype=object)
        outs = [self._decide(row) for row in prob]
        pred = np.array([o[0] for o in outs], dtype=object)
        oos = np.array([o[2] for o in outs], dtype=bool)
        conf = np.where(oos, 0.0, np.array([o[1] for o in outs], dtype=float))
        ok = (pred == truth) & ~oos
        return pred, conf, ok

    def choose_gate(self) -> dict[str, Any] | None:
        """Choose the per-subject gate (and the older single threshold, for comparison) on the
        out-of-fold predictions; call again after changing ``oos_threshold``. For each floor of
        GATE_FLOORS its nested cross-validated precision and coverage; the floor with the highest
        nested coverage whose nested precision reaches the target plus its margin wins. None
        (nothing dispatches alone) when no floor qualifies."""
        self.dispatch_gate = None
        if not self.oof.get("truth"):
            return None
        pred, conf, ok = self.oof_decisions()
        truth = self.oof["truth"]
        # The single global threshold of the older rule, under the same decisions (the comparison).
        self.dispatch_threshold = choose_threshold(conf, ok)
        self.metrics["dispatch_threshold"] = self.dispatch_threshold
        self.metrics["oof_curve"] = coverage_curve(conf, ok, CURVE_THRESHOLDS)
        nested = [nested_gate_estimate(pred, conf, ok, truth, self.labels, floor=f) for f in GATE_FLOORS]
        good = [
            e
            for e in nested
            if e["precision"] is not None and e["precision"] >= TARGET_PRECISION + TARGET_MARGIN
        ]
        if good:
            chosen = max(good, key=lambda e: (e["coverage"], e["floor"]))
            thresholds = choose_class_thresholds(pred, conf, ok, self.labels, floor=chosen["floor"])
            if any(t is not None for t in thresholds.values()):
                self.dispatch_gate = {"thresholds": thresholds, "floor": chosen["floor"], "nested": nested}
        self.metrics["dispatch_gate"] = self.dispatch_gate
        self.metrics["dispatch_gate_nested"] = nested
        return self.dispatch_gate

    def gate_threshold(self, label: str) -> float | None:
        """The stored gate's threshold for predictions of ``label`` (None: never alone)."""
        gate = getattr(self, "dispatch_gate", None)
        if not gate:
            return None
        t = gate["thresholds"].get(label)
        return None if t is None else float(t)

    def out_of_fold_scores(
        self, prepared: list[Prepared], y: np.ndarray, is_real: np.ndarray, w: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """SVM scores (columns = ``self.classes``) of the real examples, each from a model that
        did not see it, and the indices scored; (None, []) when too few to fold."""
        real_idx = np.flatnonzero(is_real)
        counts = Counter(y[real_idx].tolist())
        k = min(self.params["calibration_folds"], min(counts.values()) if counts else 0)
        if k < 2:
            return None, np.array([], int)
        fixed = np.flatnonzero(~is_real)
        scores = np.zeros((len(real_idx), len(self.classes)))
        skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.params["random_state"])
        for tr, te in skf.split(np.zeros(len(real_idx)), y[real_idx]):
            train = np.concatenate([fixed, real_idx[tr]])
            Xtr = self._features([prepared[i] for i in train], fit=True)
            clf = self._new_clf().fit(Xtr, y[train], sample_weight=w[train])
            s = clf.decision_function(self._features([prepared[i] for i in real_idx[te]]))
            scores[te] = s[:, [list(clf.classes_).index(c) for c in self.classes]]
        return scores, real_idx

    # ------------------------------------------------------------------ prediction
    def _check(self) -> None:
        if not self.fitted:
            raise RuntimeError("TriageModel is not fitted")

    def _scores(self, X: sparse.csr_matrix) -> np.ndarray:
        s = self._clf.decision_function(X)
        order = [list(self._clf.classes_).index(c) for c in self.classes]
        scores: np.ndarray = s[:, order]
        return scores

    def _decide(self, prob: np.ndarray) -> tuple[str, float, bool, float]:
        """(best trained label, its probability, out of scope?, P(out of scope)) of one row."""
        n = len(self.labels)
        best = int(np.argmax(prob[:n]))
        p_oos = float(prob[n]) if len(prob) > n else 0.0
        oos = p_oos > 0 and (p_oos >= float(prob[best]) or p_oos >= self.params["oos_threshold"])
        return self.labels[best], float(prob[best]), oos, p_oos

    def predict_proba(self, titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        """Probabilities, columns in the order of ``self.classes`` (``labels``, then out of scope)."""
        self._check()
        prepared = [self._prepare(t, b) for t, b in zip(titles, bodies, strict=True)]
        return _softmax(self._scores(self._features(prepared)) * self.temperature)

    def predict(self, title: str | None, body: str | None, n_explain: int = 5) -> Prediction:
        self._check()
        prepared = self._prepare(title or "", body or "")
        X = self._features([prepared])
        prob = _softmax(self._scores(X) * self.temperature)[0]
        best, confidence, oos, p_oos = self._decide(prob)
        n = len(self.labels)
        order = np.argsort(-prob[:n])
        top3 = [(self.labels[i], float(prob[i])) for i in order[:3]]
        explanation = self._explain(X, best, prepared, n_explain)
        return Prediction(best, confidence, top3, explanation, oos, p_oos)

    def may_auto_dispatch(self, prediction: Prediction, threshold: float | None = None) -> bool:
        """Whether the prediction alone may dispatch: in scope and at or above the stored gate's
        threshold for its label; ``threshold`` (one global number) replaces the gate, 0 = never.
        An out-of-scope prediction never dispatches, whatever the threshold."""
        t = self.gate_threshold(prediction.label) if threshold is None else threshold
        return bool(t) and not prediction.out_of_scope and prediction.confidence >= float(t or 0)

    def predict_many(self, titles: Sequence[str], bodies: Sequence[str]) -> list[Prediction]:
        return [self.predict(t, b) for t, b in zip(titles, bodies, strict=True)]

    def _explain(self, X: sparse.csr_matrix, label: str, prepared: Prepared, n: int) -> list[str]:
        """Words of the message that pushed it most towards ``label``.

        Features are ranked by ``value × weight`` for the label; a character n-gram is shown only
        if it is also a jieba word of the message, a keyword score is shown as the matched terms.
        """
        k = list(self._clf.classes_).index(label)
        coef = self._clf.coef_[k] if self._clf.coef_.shape[0] > 1 else self._clf.coef_[0]
        row = X.getrow(0)
        contrib = row.data * coef[row.indices]
        names = self._feature_names()
        words = set(prepared[3].split())
        out: list[str] = []
        for j in np.argsort(-contrib):
            if contrib[j] <= 0 or len(out) >= n:
                break
            name = names[row.indices[j]]
            if name.startswith("kw:"):
                text = prepared[0] if name.split(":")[1] == "title" else prepared[1]
                cand = self._keywords.matches(text, label)[:2]
            else:
                cand = [name.strip()] if name.strip() in words else []
            for c in cand:
                ok = len(c) >= 2 and "TOKEN" not in c and len(out) < n
                # Skip a word already listed or a fragment of one ("养老" when "养老保险" is there).
                if ok and not any(c in o for o in out):
                    out.append(c)
        return out

    # ------------------------------------------------------------------ persistence
    def save(
        self, path: str | Path, *, data_sha256: str | None = None, metrics: dict[str, Any] | None = None
    ) -> Path:
        """Write ONE joblib file with the model and its metadata; returns the path."""
        self._check()
        if data_sha256 is not None:
            self.data_sha256 = data_sha256
        if metrics:
            self.metrics = {**self.metrics, **metrics}
        now = dt.datetime.now(dt.UTC)
        self.created_at = now.isoformat(timespec="seconds")
        ident = [
            self.data_sha256,
            self.params,
            self.classes,
            self.taxonomy,
            self.dictionary,
            self.dispatch_threshold,
            getattr(self, "dispatch_gate", None),
            FORMAT_VERSION,
        ]
        fingerprint = hashlib.sha256(json.dumps(ident, ensure_ascii=False).encode()).hexdigest()
        self.version = f"{now:%Y%m%d}-{fingerprint[:10]}"
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {k: v for k, v in self.__dict__.items() if k != "_names"}
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "model_version": self.version,
            "data_sha256": self.data_sha256,
            "metrics": self.metrics,
            "labels": list(self.labels),
            "dispatch_threshold": self.dispatch_threshold,
            "dispatch_gate": getattr(self, "dispatch_gate", None),
            "created_at": self.created_at,
            "state": state,
        }
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump(payload, tmp, compress=3)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TriageModel:
        """Load a file written by :meth:`save`; raises :class:`ModelFormatError` on a foreign/old format.

        Only load files you trust: the format is a pickle.
        """
        payload = joblib.load(path)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ModelFormatError(f"{path}: not a {FORMAT} model file")
        if payload.get("format_version") != FORMAT_VERSION:
            got = payload.get("format_version")
            raise ModelFormatError(f"{path}: model format version {got!r}, this code reads {FORMAT_VERSION}")
        model = cls.__new__(cls)
        model.__dict__.update(payload["state"])
        model._names = None
        # Files written before the per-subject gate: no gate, nothing dispatches alone (as then).
        model.__dict__.setdefault("dispatch_gate", None)
        model.__dict__.setdefault("oof", {})
        if getattr(model, "dictionary", None) != text.dictionary_id():
            # Words would be cut differently from training: the word features drift. Still
            # usable (the character features dominate), but it should be retrained.
            log.warning("%s was trained with another tokenizer dictionary; retrain it", path)
        return model

"""Which urgency method to try on real messages: a cross-validated study on the **dev** rows only.

Every figure here comes from the 339 dev rows of ``triage/data/real-urgency-labelled.csv`` (23
urgent) and from the ~6,450 *unlabelled* real messages of the votes and replies corpora; no test
row is read. It decides which candidates are worth one reading of the test rows
(``triage.urgency_eval`` scores those) and records the ones that are not:

- **plain char TF-IDF + logistic regression** on the message text alone (the baseline the learned
  scorer must beat), tuned over n-gram range, text span and C by cross-validated average precision (one 5-fold
  split per configuration), its threshold by the best cross-validated F1;
- **weak supervision from the word list**: a text-only classifier trained on the unlabelled
  messages' word-list verdicts (``score ≥ 1`` or the high-precision ``score ≥ 1.5``), then stacked
  with the word list's own features on dev;
- **weak supervision from the government's replies** (``messages-with-replies-full.csv``): a reply
  that says the matter was handled as an emergency (抢险, 抢修, 疏散, 警戒, 赶赴现场, 恢复供水 …)
  labels its message urgent; a text classifier on the message alone (the reply does not exist at
  intake) learns from those labels;
- **the word list gated by the learned scorer** (``urgency_model``): the gate threshold chosen on
  4/5 of the dev rows' out-of-fold probabilities and applied to the other 1/5 (nested), so the
  figure includes the cost of choosing it.

The unlabelled pool leaves out the 640 labelled messages and their near copies (the same normalised
title or the same first 60 characters of body). Results are cached under ``var/triage`` keyed by
the data, the word list and this module (about a minute to recompute). No Django imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from triage import urgency_model
from triage.normalize import normalize
from triage.urgency import assess_urgency

STUDY_VERSION = "us-2"
CV_REPEATS = 2
PLAIN_GRID: tuple[tuple[tuple[int, int], str, float], ...] = tuple(
    (ng, span, c) for ng in ((1, 2), (2, 3)) for span in ("head", "full") for c in (1.0, 10.0, 100.0)
)
# A reply that tells an emergency response (written from what such replies say; not fitted).
REPLY_EMERGENCY = re.compile(
    r"险情|抢险|抢修|排危|排险|疏散|警戒|紧急处置|紧急抢|连夜|恢复供水|恢复供电|恢复正常供|救援|救治|送医|出警"
    r"|赶赴现场|立即赶到|迅速赶到|第一时间赶"
)

# Phrases of urgency that replies use whatever the matter (counted, not used as labels).
SET_PHRASES = re.compile(r"立即|现场|第一时间|迅速|高度重视")


@dataclass(frozen=True)
class StudyRow:
    """One method's cross-validated figures on the dev rows."""

    name: str
    detail: str
    ap: float  # average precision of its score (threshold-free)
    best_f1: float  # F1 at its best threshold on the same scores (optimistic: chosen on them)
    tp: int = -1  # at the stated operating point, when there is one (-1: none)
    fp: int = -1
    fn: int = -1


@dataclass(frozen=True)
class Study:
    rows: list[StudyRow]
    plain_choice: dict[str, Any]  # the tuned plain baseline: ngram, span, C, threshold
    pool: int  # unlabelled messages used
    pool_lexicon_urgent: int
    pool_replies: int
    reply_rule_hits: int
    reply_rule_and_lexicon: int
    dev_reply_rows: int
    dev_reply_urgent: int
    dev_reply_hits: int
    dev_reply_hits_urgent: int
    replies_total: int  # every replied message of the corpus
    replies_set_phrase: int  # … whose reply uses one of SET_PHRASES


@dataclass(frozen=True)
class _Msg:
    id: str
    title: str
    body: str
    reply: str
    source: str


def _messages() -> list[_Msg]:
    from mochou.datasets import read_replied_messages, read_voted_messages

    out = [_Msg(m.id, m.title, m.body, "", "votes") for m in read_voted_messages()]
    out += [_Msg(m.id, m.title, m.body, m.reply, "replies") for m in read_replied_messages()]
    return out


def unlabelled_pool(messages: list[_Msg], labelled_ids: set[str]) -> list[_Msg]:
    """The messages with no label and no labelled near copy (same title or same body start)."""
    by_id = {m.id: m for m in messages}
    titles = {normalize(by_id[i].title) for i in labelled_ids}
    starts = {normalize(by_id[i].body)[:60] for i in labelled_ids}
    return [
        m
        for m in messages
        if m.id not in labelled_ids
        and normalize(m.title) not in titles
        and normalize(m.body)[:60] not in starts
    ]


def full_text(title: str, body: str) -> str:
    return normalize(f"{title or ''}。{body or ''}")


def _scores(probs: Any, labels: Any) -> tuple[float, float]:
    """(average precision, best F1 over thresholds) of a score."""
    import numpy as np
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y = np.asarray(labels, dtype=bool)
    p, r, _ = precision_recall_curve(y, np.asarray(probs, dtype=float))
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    return float(average_precision_score(y, probs)), float(f1.max())


def _oof(fit_predict: Any, n: int, labels: list[bool], repeats: int = CV_REPEATS) -> list[float]:
    """Out-of-fold scores, the mean over ``repeats`` × 5 stratified folds."""
    from sklearn.model_selection import StratifiedKFold

    out = [0.0] * n
    for rep in range(repeats):
        for tr, va in StratifiedKFold(5, shuffle=True, random_state=rep).split([[0]] * n, labels):
            for i, v in zip(va, fit_predict(list(tr), list(va)), strict=True):
                out[i] += float(v) / repeats
    return out


def _counts(pred: list[bool], labels: list[bool]) -> tuple[int, int, int]:
    tp = sum(1 for p, y in zip(pred, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(pred, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(pred, labels, strict=True) if not p and y)
    return tp, fp, fn


PLAIN_THRESHOLDS = (0.02, 0.05, *urgency_model.THRESHOLD_GRID)


def _best_f1_threshold(probs: list[float], labels: list[bool]) -> float:
    grid = PLAIN_THRESHOLDS
    return max(grid, key=lambda t: (round(urgency_model._pr(probs, labels, t)[2], 9), t))


def _plain_fit(texts: list[str], labels: list[bool], ngram: tuple[int, int], c: float) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vec = TfidfVectorizer(analyzer="char", ngram_range=ngram, sublinear_tf=True, min_df=2)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear", random_state=0)
    return make_pipeline(vec, clf).fit(texts, labels)


def _span(title: str, body: str, span: str) -> str:
    text = full_text(title, body)
    return text[: urgency_model.HEAD] if span == "head" else text


class PlainBaseline:
    """Char TF-IDF + logistic regression on the message text alone, tuned on dev by CV."""

    def __init__(self, choice: dict[str, Any], items: list[tuple[str, str]], labels: list[bool]) -> None:
        self.choice = choice
        self.pipe = _plain_fit(
            [_span(t, b, choice["span"]) for t, b in items], labels, tuple(choice["ngram"]), choice["C"]
        )

    def urgent(self, title: str, body: str) -> bool:
        p = float(self.pipe.predict_proba([_span(title, body, self.choice["span"])])[0, 1])
        return bool(p >= self.choice["threshold"])


def tune_plain(items: list[tuple[str, str]], labels: list[bool]) -> tuple[dict[str, Any], list[StudyRow]]:
    """Every PLAIN_GRID configuration by CV average precision; the best one's threshold by the best
    CV F1 of its out-of-fold probabilities."""
    best: tuple[float, dict[str, Any], list[float]] = (-1.0, {}, [])
    for ngram, span, c in PLAIN_GRID:
        texts = [_span(t, b, span) for t, b in items]

        def fp(
            tr: list[int], va: list[int], texts: list[str] = texts, ngram: Any = ngram, c: float = c
        ) -> Any:
            pipe = _plain_fit([texts[i] for i in tr], [labels[i] for i in tr], ngram, c)
            return pipe.predict_proba([texts[i] for i in va])[:, 1]

        oof = _oof(fp, len(items), labels, repeats=1)
        ap, _ = _scores(oof, labels)
        if ap > best[0] + 1e-9:
            best = (ap, {"ngram": list(ngram), "span": span, "C": c}, oof)
    ap, choice, oof = best
    choice["threshold"] = _best_f1_threshold(oof, labels)
    choice["cv_average_precision"] = ap
    tp, fp_, fn = _counts([p >= choice["threshold"] for p in oof], labels)
    detail = (
        f"char {choice['ngram'][0]}–{choice['ngram'][1]}-grams of the {choice['span']} text, "
        f"C = {choice['C']:g}, p ≥ {choice['threshold']} (best of {len(PLAIN_GRID)} configurations "
        "by CV average precision)"
    )
    row = StudyRow("plain char TF-IDF + LR (baseline)", detail, ap, _scores(oof, labels)[1], tp, fp_, fn)
    return choice, [row]


def run_study(model: urgency_model.UrgencyModel | None = None) -> Study:
    """Compute the study (about a minute on the shared 2-core machine)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from mochou.datasets import read_real_urgency_labels

    messages = _messages()
    by_id = {m.id: m for m in messages}
    labels_all = read_real_urgency_labels()
    dev = [lab for lab in labels_all if lab.split == "dev"]
    items = [(by_id[lab.id].title, by_id[lab.id].body) for lab in dev]
    y = [lab.urgent for lab in dev]
    pool = unlabelled_pool(messages, {lab.id for lab in labels_all})
    rows: list[StudyRow] = []

    # The word list (its score as a ranking; the operating point score ≥ 1).
    dev_a = [assess_urgency(t, b) for t, b in items]
    lex_score = [a.score + 0.001 * a.urgent for a in dev_a]
    tp, fp, fn = _counts([a.urgent for a in dev_a], y)
    rows.append(
        StudyRow(
            "word list",
            "score ≥ 1.0 (tuned on these rows' errors: optimistic)",
            *_scores(lex_score, y),
            tp,
            fp,
            fn,
        )
    )

    plain_choice, plain_rows = tune_plain(items, y)
    rows += plain_rows

    # The learned scorer (its out-of-fold probabilities from training) and the nested gate.
    model = model or urgency_model.cached_model(_cache_dir())
    oof, lexicon = model.chosen["oof"], model.chosen["lexicon"]
    tp, fp, fn = _counts([p >= model.threshold for p in oof], y)
    rows.append(
        StudyRow(
            "learned scorer (urgency_model)",
            f"C = {model.chosen['C']}, p ≥ {model.threshold} ({model.chosen['rule']})",
            *_scores(oof, y),
            tp,
            fp,
            fn,
        )
    )
    gate_pred = _nested_gate(oof, lexicon, y)
    tp, fp, fn = _counts(gate_pred, y)
    gated_score = [p if lex else 0.0 for p, lex in zip(oof, lexicon, strict=True)]
    rows.append(
        StudyRow(
            "word list AND learned scorer (gate)",
            "gate threshold by best F1 on 4/5 of the out-of-fold probabilities, applied to the other 1/5",
            *_scores(gated_score, y),
            tp,
            fp,
            fn,
        )
    )

    # Weak supervision: features shared by the pool and dev (vectorisers fit on unlabelled text).
    heads = [_span(t, b, "head") for t, b in items]
    pool_heads = [_span(m.title, m.body, "head") for m in pool]
    vb = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=3, max_features=40000)
    vt = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=3, max_features=20000)
    vb.fit(pool_heads + heads)
    vt.fit([normalize(m.title) for m in pool] + [normalize(t) for t, _ in items])

    def text_x(hs: list[str], titles: list[str]) -> Any:
        return sp.hstack([vb.transform(hs), vt.transform([normalize(t) for t in titles])]).tocsr()

    x_dev = text_x(heads, [t for t, _ in items])
    x_pool = text_x(pool_heads, [m.title for m in pool])
    dense_dev = np.array([urgency_model.dense_features(t, b) for t, b in items])
    pool_a = [assess_urgency(m.title, m.body) for m in pool]

    def stacked(weak: Any, c2: float = 1.0) -> list[float]:
        feats = np.column_stack([dense_dev, weak / 5.0])

        def fp(tr: list[int], va: list[int]) -> Any:
            clf = LogisticRegression(C=c2, class_weight="balanced", max_iter=3000)
            return clf.fit(feats[tr], [y[i] for i in tr]).predict_proba(feats[va])[:, 1]

        return _oof(fp, len(items), y, repeats=3)

    def dense_only() -> list[float]:
        def fp(tr: list[int], va: list[int]) -> Any:
            clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
            return clf.fit(dense_dev[tr], [y[i] for i in tr]).predict_proba(dense_dev[va])[:, 1]

        return _oof(fp, len(items), y, repeats=3)

    rows.append(
        StudyRow(
            "word list's features alone (LR)",
            "score, verdict, categories, cue counts; C = 1 (the stacking reference)",
            *_scores(dense_only(), y),
        )
    )
    for name, weak_y in (
        ("score ≥ 1", [a.urgent for a in pool_a]),
        ("score ≥ 1.5", [a.score >= 1.5 for a in pool_a]),
    ):
        clf = LogisticRegression(
            C=3.0, class_weight="balanced", max_iter=3000, solver="liblinear", random_state=0
        )
        weak_score = clf.fit(x_pool, weak_y).decision_function(x_dev)
        rows.append(
            StudyRow(
                f"weak labels: the word list's {name} on {len(pool)} unlabelled messages",
                f"text-only LR trained on {sum(weak_y)} weak positives, scored on dev (no dev label used)",
                *_scores(weak_score, y),
            )
        )
        rows.append(
            StudyRow(
                f"  … stacked with the word list's features ({name})",
                "its score as one more feature of the LR above, CV on dev",
                *_scores(stacked(weak_score), y),
            )
        )

    replies = [i for i, m in enumerate(pool) if m.source == "replies"]
    reply_y = [bool(REPLY_EMERGENCY.search(pool[i].reply)) for i in replies]
    clf = LogisticRegression(
        C=3.0, class_weight="balanced", max_iter=3000, solver="liblinear", random_state=0
    )
    reply_score = clf.fit(x_pool[replies], reply_y).decision_function(x_dev)
    rows.append(
        StudyRow(
            f"weak labels: emergency words in the government's reply ({len(replies)} replied messages)",
            f"text-only LR on the message, trained on {sum(reply_y)} replies that tell an emergency response",
            *_scores(reply_score, y),
        )
    )
    rows.append(
        StudyRow(
            "  … stacked with the word list's features (replies)",
            "its score as one more feature, CV on dev",
            *_scores(stacked(reply_score), y),
        )
    )

    dev_rep = [(lab, by_id[lab.id]) for lab in dev if lab.source == "replies"]
    dev_hits = [lab for lab, m in dev_rep if REPLY_EMERGENCY.search(m.reply)]
    return Study(
        rows=rows,
        plain_choice=plain_choice,
        pool=len(pool),
        pool_lexicon_urgent=sum(a.urgent for a in pool_a),
        pool_replies=len(replies),
        reply_rule_hits=sum(reply_y),
        reply_rule_and_lexicon=sum(1 for j, i in enumerate(replies) if reply_y[j] and pool_a[i].urgent),
        dev_reply_rows=len(dev_rep),
        dev_reply_urgent=sum(lab.urgent for lab, _ in dev_rep),
        dev_reply_hits=len(dev_hits),
        dev_reply_hits_urgent=sum(lab.urgent for lab in dev_hits),
        replies_total=sum(1 for m in messages if m.source == "replies"),
        replies_set_phrase=sum(1 for m in messages if m.source == "replies" and SET_PHRASES.search(m.reply)),
    )


def _nested_gate(oof: list[float], lexicon: list[bool], labels: list[bool]) -> list[bool]:
    """The gate's verdicts with its threshold chosen on the other 4/5 of the rows (one 5-fold split)."""
    from sklearn.model_selection import StratifiedKFold

    pred = [False] * len(oof)
    for tr, va in StratifiedKFold(5, shuffle=True, random_state=100).split([[0]] * len(oof), labels):
        t, _ = urgency_model.choose_gate(
            [oof[i] for i in tr], [labels[i] for i in tr], [lexicon[i] for i in tr]
        )
        for i in va:
            pred[i] = lexicon[i] and oof[i] >= t
    return pred


def _cache_dir() -> Path:
    from triage.urgency_eval import model_cache_dir

    return model_cache_dir()


def study_key() -> str:
    from mochou.datasets import REAL_URGENCY_CSV, REPLIES_FULL_CSV, VOTES_FULL_CSV, sha256_of_files
    from triage import urgency

    files = sha256_of_files(REAL_URGENCY_CSV, REPLIES_FULL_CSV, VOTES_FULL_CSV, urgency.__file__, __file__)
    return hashlib.sha256((files + STUDY_VERSION + urgency_model.model_key()).encode()).hexdigest()[:12]


def cached_study(cache_dir: Path, model: urgency_model.UrgencyModel | None = None) -> Study:
    """The study, computed once per key and kept as JSON under ``cache_dir``."""
    path = cache_dir / f"urgency-study-{study_key()}.json"
    if path.is_file():
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["rows"] = [StudyRow(**r) for r in raw["rows"]]
        return Study(**raw)
    study = run_study(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Per process: two xdist workers on a cold cache must not write the same temporary file.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(study), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return study

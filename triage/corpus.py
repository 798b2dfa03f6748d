"""The triage model's data: which messages train it, which test it (no Django imports).

Labelled data (``mochou/data``, see its PROVENANCE.md):

* the contest's published **sample** (``messages-labelled.csv``, 396 messages) — another
  distribution than the stream's;
* 441 messages of the contest's **full** set (``messages-labelled-contest-split.csv``): the real
  distribution. Split ONCE by :func:`real_split` into a **selection** half (training, model
  selection, calibration, the dispatch threshold) and a **test** half that no choice ever sees.

Unlabelled real messages: the replies corpus (weak labels from the answering unit,
:mod:`triage.weak_labels`); the votes corpus.

:func:`training_set` assembles the default training data: sample + selection half (marked
``real``: the out-of-fold calibration runs on them) + the weak examples chosen by measurement
(see docs/triage.md). Test-half ids are excluded from every weak or unlabelled source.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mochou.datasets import (
    CONTEST_MESSAGES_CSV,
    MESSAGES_CSV,
    REAL_CATEGORIES_CSV,
    REPLIES_FULL_CSV,
    TAXONOMY_CSV,
    VOTES_FULL_CSV,
    Message,
    read_messages,
    read_real_category_labels,
    read_replied_messages,
    read_taxonomy,
    read_voted_messages,
)
from triage.pipeline import TriageModel
from triage.scope import OUT_OF_SCOPE, choose_oos_threshold, out_of_scope_subjects, taxonomy_documents
from triage.weak_labels import weak_examples

SPLIT_SEED = 20200101
TEST_SHARE = 0.5


def _rank(seed: int, msg_id: str) -> str:
    return hashlib.sha256(f"{seed}:real:{msg_id}".encode()).hexdigest()


def real_split(
    messages: Sequence[Message], *, seed: int = SPLIT_SEED, test_share: float = TEST_SHARE
) -> tuple[list[Message], list[Message]]:
    """(selection, test): within each label the messages are ordered by
    ``sha256("<seed>:real:<留言编号>")`` and the first ``round(test_share·n)`` are the test half.
    A message's side depends only on its id and its label's size, never on the file's order."""
    by_label: dict[str, list[Message]] = {}
    for m in messages:
        by_label.setdefault(m.label, []).append(m)
    selection: list[Message] = []
    test: list[Message] = []
    for label in sorted(by_label):
        ranked = sorted(by_label[label], key=lambda m: _rank(seed, m.id))
        n_test = round(len(ranked) * test_share)
        test += ranked[:n_test]
        selection += ranked[n_test:]
    key = lambda m: (len(m.id), m.id)  # noqa: E731 (a sort key)
    return sorted(selection, key=key), sorted(test, key=key)


def contest_halves(path: str | Path = CONTEST_MESSAGES_CSV) -> tuple[list[Message], list[Message]]:
    """The selection and test halves of the full-distribution messages; ([], []) without the file."""
    if not Path(path).is_file():
        return [], []
    return real_split(read_messages(path, require_label=True))


def held_out_ids() -> list[str]:
    """Ids no training may use: the test half, and every message of the hand-labelled real set
    (``triage/data/real-categories-labelled.csv``: its dev rows choose, its test rows test; both
    come from the replies and votes corpora the weak examples are drawn from)."""
    _, test = contest_halves()
    ids = [m.id for m in test]
    if REAL_CATEGORIES_CSV.is_file():
        ids += [r.id for r in read_real_category_labels(REAL_CATEGORIES_CSV)]
    return ids


@dataclass
class TrainingSet:
    titles: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    real: list[bool] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    # sample | selection | weak | weak-oos | taxonomy-oos | data | extra
    sources: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # 留言编号 where there is one

    def add(
        self,
        title: str,
        body: str,
        label: str,
        source: str,
        *,
        real: bool = False,
        weight: float = 1.0,
        msg_id: str = "",
    ) -> None:
        self.ids.append(msg_id)
        self.titles.append(title)
        self.bodies.append(body)
        self.labels.append(label)
        self.real.append(real)
        self.weights.append(weight)
        self.sources.append(source)

    def __len__(self) -> int:
        return len(self.labels)


# The options the measurement kept (docs/triage.md, "How the method was chosen").
DEFAULT_OPTIONS: dict[str, object] = {
    "weak_in_scope": True,  # replies' weak labels of the 7 subjects
    "weak_oos": True,  # replies' weak labels of the other 8 subjects → OUT_OF_SCOPE
    "taxonomy_oos": True,  # the tree's names of the other 8 subjects → OUT_OF_SCOPE
    "weak_weight": 0.5,
    "sample_weight": 1.0,
    "selection_weight": 2.0,
}


def training_set(
    *,
    sample: Sequence[Message] | None = None,
    selection: Sequence[Message] | None = None,
    exclude_ids: Sequence[str] = (),
    replies_path: str | Path = REPLIES_FULL_CSV,
    taxonomy: Sequence[tuple[str, str, str]] | None = None,
    options: dict[str, object] | None = None,
) -> TrainingSet:
    """The training data: ``sample`` (default: the shipped sample), ``selection`` (default: the
    selection half, marked real), and the weak examples the options ask for; messages whose id is
    in ``exclude_ids`` (default: the test half's) are never used."""
    opts = {**DEFAULT_OPTIONS, **(options or {})}
    if sample is None:
        sample = read_messages(MESSAGES_CSV, require_label=True)
    if selection is None:
        selection, _ = contest_halves()
    exclude_ids = [*exclude_ids, *held_out_ids()]
    # (A caller's own selection — a CV fold — is excluded by id below like the test half.)
    if taxonomy is None:
        taxonomy = read_taxonomy(TAXONOMY_CSV) if TAXONOMY_CSV.is_file() else []
    ts = TrainingSet()
    for m in sample:
        ts.add(m.title, m.body, m.label, "sample", weight=float(opts["sample_weight"]), msg_id=m.id)  # type: ignore[arg-type]
    for m in selection:
        sel_weight = float(opts["selection_weight"])  # type: ignore[arg-type]
        ts.add(m.title, m.body, m.label, "selection", real=True, weight=sel_weight, msg_id=m.id)
    labels = sorted({m.label for m in [*sample, *selection]})
    skip = set(exclude_ids) | {m.id for m in selection}
    weight = float(opts["weak_weight"])  # type: ignore[arg-type]
    if (opts["weak_in_scope"] or opts["weak_oos"]) and Path(replies_path).is_file():
        for ex in weak_examples(read_replied_messages(replies_path), exclude_ids=sorted(skip)):
            if ex.label in labels and opts["weak_in_scope"]:
                ts.add(ex.title, ex.body, ex.label, "weak", weight=weight, msg_id=ex.id)
            elif ex.label not in labels and opts["weak_oos"]:
                ts.add(ex.title, ex.body, OUT_OF_SCOPE, "weak-oos", weight=weight, msg_id=ex.id)
    if opts["taxonomy_oos"]:
        for title, body in taxonomy_documents(taxonomy, out_of_scope_subjects(taxonomy, labels)):
            ts.add(title, body, OUT_OF_SCOPE, "taxonomy-oos", weight=weight)
    return ts


@dataclass(frozen=True)
class RealLabelled:
    """A hand-labelled real message (``real-categories-labelled.csv``) with its text."""

    id: str
    title: str
    body: str
    level1: str  # one of the 15 first-level subjects
    sure: bool
    split: str  # dev | test


def real_labelled(split: str | None = None) -> list[RealLabelled]:
    """The hand-labelled real messages (of ``split``, or all), with title and body looked up in
    the replies and votes corpora; [] when the file is missing."""
    if not REAL_CATEGORIES_CSV.is_file():
        return []
    texts: dict[str, Message] = {}
    if VOTES_FULL_CSV.is_file():
        texts.update((m.id, m) for m in read_voted_messages(VOTES_FULL_CSV))
    if REPLIES_FULL_CSV.is_file():
        texts.update((m.id, m) for m in read_replied_messages(REPLIES_FULL_CSV))
    out = []
    for r in read_real_category_labels(REAL_CATEGORIES_CSV):
        m = texts.get(r.id)
        if m is not None and (split is None or r.split == split):
            out.append(RealLabelled(r.id, m.title, m.body, r.level1, r.confidence == "sure", r.split))
    return out


def fit_default_model(
    taxonomy: Sequence[tuple[str, str, str]] | None = None,
    *,
    extra: Sequence[Message] = (),
    options: dict[str, object] | None = None,
) -> tuple[TriageModel, TrainingSet]:
    """The default model: trained on :func:`training_set` (+ ``extra`` labelled real messages,
    e.g. the dispatchers' decisions), its out-of-scope threshold chosen on the dev rows of the
    hand-labelled real messages (when the file is there)."""
    if taxonomy is None:
        taxonomy = read_taxonomy(TAXONOMY_CSV) if TAXONOMY_CSV.is_file() else []
    ts = training_set(taxonomy=taxonomy, options=options)
    for m in extra:
        ts.add(m.title, m.body, m.label, "extra", real=True, msg_id=m.id)
    model = TriageModel(taxonomy)
    model.fit(ts.titles, ts.bodies, ts.labels, real=ts.real, weights=ts.weights)
    dev = real_labelled("dev") if OUT_OF_SCOPE in model.classes else []
    if dev:
        proba = model.predict_proba([r.title for r in dev], [r.body for r in dev])
        p_oos = proba[:, model.classes.index(OUT_OF_SCOPE)].tolist()
        model.params["oos_threshold"] = choose_oos_threshold(
            p_oos, [r.level1 not in model.labels for r in dev]
        )
        model.metrics["oos_threshold_chosen_on"] = f"{len(dev)} dev rows of real-categories-labelled.csv"
        model.choose_gate()  # the gate and threshold under the out-of-scope decisions in use
    model.metrics["sources"] = dict(sorted(Counter(ts.sources).items()))
    return model, ts

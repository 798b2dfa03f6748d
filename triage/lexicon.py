"""Category vocabulary used as prior-knowledge features (no Django imports).

Two sources, both independent of the labelled messages:

* the platform's three-level category tree (``category-taxonomy.csv``): every second- and
  third-level name of a first-level category, split on 、/和/及/与, plus its jieba
  search-mode sub-words (``民办学校`` → ``民办``, ``学校``, ``民办学校``);
* ``SEED_TERMS``: a short hand-written list of everyday words citizens use for the same subjects
  (``社保``, ``老师``, ``医院`` …), written from general knowledge of what each department handles.

Both word lists live in :mod:`mochou.vocabulary` with the platform's other words, and all of them
are in the shared tokenizer's dictionary (:mod:`mochou.text`) in every process, trained or not.

Each message gets, per first-level category, ``log1p(Σ 1/df(term))`` over the category's terms
that occur in it (``df`` = number of categories that list the term), once for the title and once
for the body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from mochou.text import cut_for_search
from mochou.vocabulary import GENERIC_TERMS, SEED_TERMS, category_terms, seed_terms


def class_terms(
    taxonomy: Iterable[tuple[str, str, str]],
    labels: Iterable[str],
    *,
    use_seed: bool = True,
) -> dict[str, frozenset[str]]:
    """Map each label to its set of vocabulary terms (taxonomy names, their sub-words, seed terms)."""
    out: dict[str, set[str]] = {label: set() for label in labels}
    for level1, level2, level3 in taxonomy:
        if level1 not in out:
            continue
        for name in (level2, level3):
            for term in category_terms(name):
                out[level1].add(term)
                out[level1].update(p for p in cut_for_search(term) if len(p) >= 2 and p not in GENERIC_TERMS)
    if use_seed:
        for label in SEED_TERMS:
            if label in out:
                out[label].update(seed_terms(label))
    return {label: frozenset(terms) for label, terms in out.items()}


class KeywordScorer:
    """Per-label keyword scores of a text (see module doc)."""

    def __init__(self, terms: Mapping[str, frozenset[str]], labels: list[str]):
        self.labels = list(labels)
        df = Counter(t for label in self.labels for t in terms.get(label, ()))
        # term -> list of (label index, weight)
        index: dict[str, list[tuple[int, float]]] = {}
        for j, label in enumerate(self.labels):
            for t in terms.get(label, ()):
                index.setdefault(t, []).append((j, 1.0 / df[t]))
        self._terms = sorted(index)
        self._index = index

    def scores(self, text: str) -> np.ndarray:
        out = np.zeros(len(self.labels))
        for t in self._terms:
            if t in text:
                for j, w in self._index[t]:
                    out[j] += w
        return np.log1p(out)

    def matches(self, text: str, label: str) -> list[str]:
        """Terms of ``label`` found in ``text``, longest first."""
        j = self.labels.index(label)
        found = [t for t in self._terms if t in text and any(k == j for k, _ in self._index[t])]
        return sorted(found, key=lambda t: (-len(t), t))

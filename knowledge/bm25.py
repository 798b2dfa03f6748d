"""An in-memory BM25F index over a few hundred guides (no Django imports).

Each guide is indexed as fields (title, aliases, body, details); a term's frequency in each
field is length-normalised and weighted, summed, then saturated once (BM25F), so a word in the
title or in a 常见问法 counts for more than the same word in the answer text, and a guide that
repeats a word in every field does not run away with the score.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from knowledge import text

# Field weights: the title and the question-style aliases are what a guide is *about*.
FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "aliases": 2.0, "body": 1.0, "details": 0.6}
K1 = 1.2
B = 0.75
RELATIVE_FLOOR = 0.15
# A guide is a hit only if it shares at least one *telling* term with the query — one found in at
# most this share of the guides, a bigram across two of the query's words (了去, 里领) never
# telling. Without it a query of nothing but common words (今天天气怎么样, 你好请问) matched every
# guide through 怎么/请问/办 and the list was never empty (issue 10, item 13). 0.2 was chosen
# among 0.1–0.3 (and stricter variants that also made lone characters and completions of the last
# word non-telling): the only setting with the same hit rates as before on both halves of
# knowledge/data/questions.csv (dev and held-out), while a handful of common-word queries find
# nothing — those written by the author of this rule, weak evidence; queries with one rare word in
# them (彩票…领) still list a few guides.
MAX_TELLING_SHARE = 0.2
MIN_TELLING_GUIDES = 3  # …or in at most this many: a handful of guides has no common words yet


@dataclass(frozen=True)
class Document:
    """What the index needs to know about one guide."""

    key: int
    fields: Mapping[str, str]  # field name → text; unknown names are ignored


@dataclass
class Index:
    keys: list[int] = field(default_factory=list)
    # term → {doc position → {field → tf}}
    postings: dict[str, dict[int, dict[str, int]]] = field(default_factory=dict)
    lengths: list[dict[str, int]] = field(default_factory=list)
    avg_length: dict[str, float] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)  # sorted words (not concepts or grams)

    @classmethod
    def build(cls, docs: Iterable[Document]) -> Index:
        index = cls()
        totals: Counter[str] = Counter()
        for pos, doc in enumerate(docs):
            index.keys.append(doc.key)
            lengths: dict[str, int] = {}
            for name in FIELD_WEIGHTS:
                counts = Counter(text.terms(doc.fields.get(name, "")))
                lengths[name] = sum(counts.values())
                totals[name] += lengths[name]
                for term, tf in counts.items():
                    index.postings.setdefault(term, {}).setdefault(pos, {})[name] = tf
            index.lengths.append(lengths)
        n = max(len(index.keys), 1)
        index.avg_length = {name: max(totals[name] / n, 1.0) for name in FIELD_WEIGHTS}
        index.vocabulary = sorted(t for t in index.postings if t[0] not in "~#")
        return index

    def completions(self, prefix: str, limit: int = 5) -> list[str]:
        """Indexed words that start with ``prefix`` and are longer (身份 → 身份证), rarest first."""
        start = bisect.bisect_right(self.vocabulary, prefix)
        found = []
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return sorted(found, key=lambda w: (len(self.postings[w]), w))[:limit]

    def query(self, raw: str) -> dict[str, float]:
        """The weighted terms of a query, with completions of its last word: typed-so-far
        queries (办身份, 公积) find what the finished word would."""
        weights = text.query_terms(raw)
        typed = text.words(raw)
        if typed and raw.rstrip() == raw and raw[-1:].isalnum():
            for word in self.completions(typed[-1]):
                weights.setdefault(word, text.PREFIX_WEIGHT)
        return weights

    def __len__(self) -> int:
        return len(self.keys)

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (len(self.keys) - df + 0.5) / (df + 0.5))

    def search(self, raw: str, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """Score a typed query; guides sharing no telling term with it (MAX_TELLING_SHARE) and hits
        below RELATIVE_FLOOR of the best are dropped as noise (a single common bigram in common)."""
        query = self.query(raw)
        limit = max(MAX_TELLING_SHARE * len(self.keys), MIN_TELLING_GUIDES)
        telling = {
            self.keys[pos]
            for term in self._telling_terms(raw, query)
            if len(docs := self.postings.get(term, {})) <= limit
            for pos in docs
        }
        ranked = [(key, value) for key, value in self.score(query, allowed) if key in telling]
        if not ranked:
            return []
        floor = ranked[0][1] * RELATIVE_FLOOR
        return [(key, value) for key, value in ranked if value >= floor]

    @staticmethod
    def _telling_terms(raw: str, query: Mapping[str, float]) -> list[str]:
        """The query's terms but the bigrams across two of its words (了去, 里领 of 了去哪里领)."""
        words = [w for w in text.words(raw) if len(w) > 1]
        return [
            term
            for term in query
            if not term.startswith(text.GRAM_PREFIX) or any(term[1:] in word for word in words)
        ]

    def score(self, query: Mapping[str, float], allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """(key, score) for every document matching at least one query term, best first."""
        scores: dict[int, float] = {}
        for term, q_weight in query.items():
            docs = self.postings.get(term)
            if not docs:
                continue
            idf = self.idf(term)
            for pos, tfs in docs.items():
                if allowed is not None and self.keys[pos] not in allowed:
                    continue
                lengths = self.lengths[pos]
                weighted = sum(
                    FIELD_WEIGHTS[name] * tf / (1 - B + B * lengths[name] / self.avg_length[name])
                    for name, tf in tfs.items()
                )
                scores[pos] = scores.get(pos, 0.0) + q_weight * idf * weighted * (K1 + 1) / (K1 + weighted)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(self.keys[pos], round(value, 4)) for pos, value in ranked]

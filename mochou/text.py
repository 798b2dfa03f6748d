"""The platform's one Chinese tokenizer: triage and the knowledge base both cut text here.

No Django imports (triage's model has none). One private ``jieba.Tokenizer`` per process (the
global ``jieba.dt`` is left alone), loaded on first use under a lock, with jieba's logger quiet.
Its dictionary is jieba's own plus the city's words, the same in every process:

- the knowledge base's synonym forms and domain words (:mod:`mochou.vocabulary`), weight
  :data:`DOMAIN_FREQ` — they must stay whole in a query whatever surrounds them;
- the category tree's 二级/三级 name terms (``mochou/data/category-taxonomy.csv``) and triage's
  seed terms, weight :data:`CATEGORY_FREQ`.

A word already in jieba's dictionary with a higher frequency keeps it: adding a word makes it
one, it never demotes a common word (学校 stays as frequent as jieba knows it).
:func:`dictionary_id` names this dictionary, so a saved model can tell which one it was trained on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from functools import cache

import jieba

from mochou import vocabulary
from mochou.datasets import TAXONOMY_CSV, read_taxonomy

jieba.setLogLevel(logging.WARNING)

DOMAIN_FREQ = 20000
CATEGORY_FREQ = 2000

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


@cache
def custom_words() -> dict[str, int]:
    """Word → the frequency asked for it (the highest of its sources), in a stable order."""
    asked: dict[str, int] = {}

    def ask(words: Iterable[str], freq: int) -> None:
        for word in words:
            asked[word] = max(freq, asked.get(word, 0))

    ask(vocabulary.synonym_forms(), DOMAIN_FREQ)
    ask(vocabulary.DOMAIN_WORDS, DOMAIN_FREQ)
    if TAXONOMY_CSV.is_file():
        for row in read_taxonomy():
            ask(vocabulary.category_terms(row.level2), CATEGORY_FREQ)
            ask(vocabulary.category_terms(row.level3), CATEGORY_FREQ)
    for label in vocabulary.SEED_TERMS:
        ask((w for w in vocabulary.seed_terms(label) if len(w) >= 2), CATEGORY_FREQ)
    return dict(sorted(asked.items()))


@cache
def dictionary_id() -> str:
    """A short hash of :func:`custom_words` (jieba's own dictionary is fixed by its version)."""
    blob = json.dumps([jieba.__version__, custom_words()], ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer, loaded (≈1 s: jieba's dictionary) on the first call."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                for word, freq in custom_words().items():
                    tok.add_word(word, max(freq, tok.FREQ.get(word, 0)))
                _tokenizer = tok  # published only once complete: readers never see half a dictionary
    return _tokenizer


def cut(text: str) -> list[str]:
    """Precise-mode words, without white space."""
    return [w for w in tokenizer().lcut(text) if w.strip()]


def cut_for_search(text: str) -> list[str]:
    """Search-mode words (long words and their dictionary sub-words), without white space."""
    return [w for w in tokenizer().lcut_for_search(text) if w.strip()]

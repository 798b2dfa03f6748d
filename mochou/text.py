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

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path

import jieba

from mochou import vocabulary
from mochou.datasets import TAXONOMY_CSV, read_taxonomy

jieba.setLogLevel(logging.WARNING)

DOMAIN_FREQ = 20000
CATEGORY_FREQ = 2000

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_compact: Path | None = None  # the compact dictionary this process reads (use_compact_dictionary)


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
                tok = _compact_tokenizer()
                if tok is None:
                    tok = jieba.Tokenizer()
                    tok.initialize()
                    for word, freq in custom_words().items():
                        tok.add_word(word, max(freq, tok.FREQ.get(word, 0)))
                _tokenizer = tok  # published only once complete: readers never see half a dictionary
    return _tokenizer


# ---------------------------------------------------------------- the compact dictionary
#
# jieba keeps its dictionary as a dict of some 580,000 words and their prefixes, each a str and an
# int object: about 65 MB in every process that cuts text. A web process cuts only short texts (a
# 莫愁指南 query, a reply being checked), so it can read the same dictionary from one string per
# first character ("\nword\tfreq" entries), about 16 MB, at a few microseconds a lookup instead
# of one tenth of one; the worker and the training keep jieba's dict. Same words, same
# frequencies, same total: the same cuts (mochou/tests/test_compact_dictionary.py compares them on
# real messages). `mochou serve` writes the file (7 MB) into its var directory before its children
# start (save_compact_dictionary), and each child reads it (use_compact_dictionary).


class CompactFreq(Mapping[str, int]):
    """jieba's FREQ (word → frequency, 0 for a prefix that is not a word) as one string per
    first character: what jieba asks of it (``in``, ``[]``, ``get``) answered by ``str.find``."""

    def __init__(self, buckets: dict[str, str], size: int) -> None:
        self._buckets = buckets
        self._size = size
        # Texts repeat their fragments (a guide's words, a query's characters): the recent
        # answers are kept, a few MB at most, which makes a cut about twice as fast.
        self._find = lru_cache(maxsize=1 << 16)(self._lookup)

    @classmethod
    def of(cls, freq: Mapping[str, int]) -> CompactFreq:
        grouped: dict[str, list[str]] = {}
        for word, count in freq.items():
            if word:
                grouped.setdefault(word[0], []).append(f"{word}\t{int(count)}")
        buckets = {first: "\n" + "\n".join(entries) + "\n" for first, entries in grouped.items()}
        return cls(buckets, sum(len(e) for e in grouped.values()))

    @property
    def buckets(self) -> dict[str, str]:
        return self._buckets

    def _lookup(self, word: str) -> int | None:
        bucket = self._buckets.get(word[0]) if word else None
        if bucket is None:
            return None
        at = bucket.find(f"\n{word}\t")
        if at < 0:
            return None
        start = at + len(word) + 2
        return int(bucket[start : bucket.index("\n", start)])

    def __getitem__(self, word: str) -> int:
        found = self._find(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        found = self._find(word)
        return default if found is None else found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) is not None

    def __iter__(self) -> Iterator[str]:
        for bucket in self._buckets.values():
            for line in bucket.strip("\n").split("\n"):
                yield line.split("\t", 1)[0]

    def __len__(self) -> int:
        return self._size


# Bumped when the file's layout changes: a file of another layout is not read.
COMPACT_FORMAT = 1


def save_compact_dictionary(path: Path) -> Path:
    """Write the compact form of this process's dictionary to `path` (the caller's: `mochou
    serve` keeps it in its own var directory, never a shared one). Rewritten on every call, so a
    file of an older dictionary or layout cannot outlive the start; atomically (a reader sees the
    whole file or none)."""
    tok = tokenizer()
    freq = tok.FREQ if isinstance(tok.FREQ, CompactFreq) else CompactFreq.of(tok.FREQ)
    blob = {
        "format": COMPACT_FORMAT,
        "dictionary": dictionary_id(),
        "total": tok.total,
        "size": len(freq),
        "buckets": freq.buckets,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(blob, out, ensure_ascii=False)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return path


def use_compact_dictionary(path: Path) -> None:
    """This process reads the compact dictionary at `path` when it is there and of this very
    dictionary (a web process: short texts); otherwise jieba's own, as everywhere else."""
    global _compact
    _compact = path


def _compact_tokenizer() -> jieba.Tokenizer | None:
    if _compact is None:
        return None
    try:
        data = json.loads(_compact.read_text(encoding="utf-8"))
        if data["format"] != COMPACT_FORMAT or data["dictionary"] != dictionary_id():
            return None  # written for another dictionary or layout: not this process's words
        buckets, size, total = data["buckets"], int(data["size"]), int(data["total"])
        if not isinstance(buckets, dict) or not all(isinstance(b, str) for b in buckets.values()):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: jieba's own dictionary
    tok = jieba.Tokenizer()
    tok.FREQ = CompactFreq(buckets, size)
    tok.total = total
    tok.initialized = True  # jieba's check_initialized would load its own dictionary over this
    return tok


def cut(text: str) -> list[str]:
    """Precise-mode words, without white space."""
    return [w for w in tokenizer().lcut(text) if w.strip()]


def cut_for_search(text: str) -> list[str]:
    """Search-mode words (long words and their dictionary sub-words), without white space."""
    return [w for w in tokenizer().lcut_for_search(text) if w.strip()]

"""Lazy, quiet jieba tokenizer shared by the triage modules (no Django imports).

The dictionary is loaded once, on first use, by a private ``jieba.Tokenizer`` instance (the
global ``jieba.dt`` is left untouched), with jieba's logger at WARNING so nothing is printed.
"""

from __future__ import annotations

import logging
import threading

import jieba

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_user_words: set[str] = set()


def get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


def add_words(words) -> None:
    """Add domain words (e.g. taxonomy names) to the shared tokenizer, once each."""
    new = [w for w in words if w and w not in _user_words]
    if not new:
        return
    tok = get_tokenizer()
    with _lock:
        for w in new:
            tok.add_word(w, 2000)
            _user_words.add(w)


def cut(text: str) -> list[str]:
    return [w for w in get_tokenizer().lcut(text) if w.strip()]


def cut_for_search(text: str) -> list[str]:
    return [w for w in get_tokenizer().lcut_for_search(text) if w.strip()]

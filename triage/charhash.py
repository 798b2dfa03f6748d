"""Character n-gram counts hashed into a fixed space, in numpy: the duplicate index's features.

The same matrix as scikit-learn's ``HashingVectorizer(analyzer="char", ngram_range=(lo, hi),
alternate_sign=False, norm=None, lowercase=True, dtype=float32)`` (MurmurHash3 x86 32-bit of each
n-gram's UTF-8 bytes, seed 0; column ``abs(h) % n_features``), so the evaluated figures and the
fitted coefficients of the duplicate score stand unchanged (triage/tests/test_charhash.py compares
the two on real messages). Why not call scikit-learn: importing it costs a web process about
86 MB, and the web process needs these features for the duplicate warning while an agent types
(issue 17: a web process under 250 MB with triage on). The hashing is vectorised over all
n-grams of all texts at once, grouped by byte length; no Python loop runs per n-gram.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of whitespace

_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)
_MIN_INT32 = -(2**31)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _mix_block(k: np.ndarray) -> np.ndarray:
    k = k * _C1
    k = _rotl(k, 15)
    return k * _C2


def murmur3_32(data: np.ndarray) -> np.ndarray:
    """MurmurHash3 x86 32-bit, seed 0, of each row of ``data`` (uint8, every row the same
    length), as signed int32 (scikit-learn's ``murmurhash3_32(..., positive=False)``)."""
    n, length = data.shape
    h = np.zeros(n, dtype=np.uint32)
    blocks = length // 4
    if blocks:
        words = np.ascontiguousarray(data[:, : blocks * 4]).view("<u4").reshape(n, blocks)
        for i in range(blocks):
            h ^= _mix_block(words[:, i].astype(np.uint32))
            h = _rotl(h, 13)
            h = h * np.uint32(5) + np.uint32(0xE6546B64)
    tail = length % 4
    if tail:
        k = np.zeros(n, dtype=np.uint32)
        base = blocks * 4
        for j in range(tail - 1, -1, -1):
            k ^= data[:, base + j].astype(np.uint32) << np.uint32(8 * j)
        h ^= _mix_block(k)
    h ^= np.uint32(length)
    h ^= h >> np.uint32(16)
    h = h * np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h = h * np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h.view(np.int32)


def _columns(hashes: np.ndarray, n_features: int) -> np.ndarray:
    """scikit-learn's column of each hash: abs(h) % n_features, with abs(-2**31) taken as 2**31."""
    wide = hashes.astype(np.int64)
    return np.where(wide == _MIN_INT32, 2**31, np.abs(wide)) % n_features


def _utf8_lengths(codepoints: np.ndarray) -> np.ndarray:
    return (
        1
        + (codepoints >= 0x80).astype(np.int64)
        + (codepoints >= 0x800).astype(np.int64)
        + (codepoints >= 0x10000).astype(np.int64)
    )


def char_ngram_counts(
    texts: Sequence[str], n_features: int, ngram_range: tuple[int, int] = (2, 3)
) -> sparse.csr_matrix:
    """One row per text: how often each hashed character n-gram occurs (float32, CSR, sorted
    column indices, duplicates summed) — HashingVectorizer's ``transform`` with the settings above."""
    lo, hi = ngram_range
    docs = [_WHITE_SPACES.sub(" ", t.lower()) for t in texts]
    encoded = [d.encode("utf-8") for d in docs]
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    if lengths.sum() == 0:
        return sparse.csr_matrix((len(docs), n_features), dtype=np.float32)
    raw = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    points = np.frombuffer("".join(docs).encode("utf-32-le"), dtype="<u4").astype(np.int64)
    # Byte offset of every character, and one past the last: a text's n-gram from character i
    # to i + n spans raw[offset[i]:offset[i + n]].
    offset = np.concatenate(([0], np.cumsum(_utf8_lengths(points))))
    doc_of_char = np.repeat(np.arange(len(docs)), lengths)
    doc_start = np.concatenate(([0], np.cumsum(lengths)))[:-1]
    position = np.arange(len(points)) - doc_start[doc_of_char]  # index of the character in its text
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for n in range(lo, hi + 1):
        starts = np.flatnonzero(position + n <= lengths[doc_of_char])
        if not len(starts):
            continue
        first, width = offset[starts], offset[starts + n] - offset[starts]
        for w in np.unique(width):
            pick = width == w
            at = first[pick]
            data = raw[at[:, None] + np.arange(w)]
            cols.append(_columns(murmur3_32(data), n_features))
            rows.append(doc_of_char[starts[pick]])
    if not rows:
        return sparse.csr_matrix((len(docs), n_features), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(cols)
    matrix = sparse.csr_matrix(
        (np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(docs), n_features), dtype=np.float32
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix

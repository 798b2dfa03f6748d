"""The duplicate index's own n-gram hashing gives exactly scikit-learn's HashingVectorizer matrix,
so the duplicate figures and the fitted score (docs/duplicates.md) stand without re-evaluation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from mochou.datasets import read_voted_messages
from triage.charhash import char_ngram_counts, murmur3_32
from triage.duplicates import text_for_ngrams

N_FEATURES = 1 << 20
ODD = ["", "a", "中", "AB  cd\n\n\tEf", "😀表情😀x", "Ωé中文", "１２３４５６７８９", "ＡＢＣ"]


def _sklearn(texts: list[str], n_features: int = N_FEATURES) -> object:
    hasher = HashingVectorizer(
        analyzer="char", ngram_range=(2, 3), n_features=n_features, alternate_sign=False,
        norm=None, lowercase=True, dtype=np.float32,
    )  # fmt: skip
    matrix = hasher.transform(texts).tocsr()
    matrix.sort_indices()
    return matrix


def _same(a: object, b: object) -> None:
    assert a.shape == b.shape  # type: ignore[attr-defined]
    assert np.array_equal(a.indptr, b.indptr)  # type: ignore[attr-defined]
    assert np.array_equal(a.indices, b.indices)  # type: ignore[attr-defined]
    assert np.array_equal(a.data, b.data)  # type: ignore[attr-defined]
    assert a.dtype == b.dtype == np.float32  # type: ignore[attr-defined]


def test_the_matrix_equals_scikit_learns_on_real_messages() -> None:
    messages = read_voted_messages()[:1500]
    texts = [text_for_ngrams(m.body) for m in messages] + [m.title for m in messages] + ODD
    _same(char_ngram_counts(texts, N_FEATURES), _sklearn(texts))


@pytest.mark.parametrize("n_features", [1 << 20, 1 << 10, 7])
def test_the_raw_texts_and_any_width_give_the_same_columns(n_features: int) -> None:
    texts = [m.body for m in read_voted_messages()[:200]] + ODD
    _same(char_ngram_counts(texts, n_features), _sklearn(texts, n_features))


@pytest.mark.parametrize("word", ["ab", "abc", "abcd", "abcde", "中文", "中文字", "x😀", "的" * 7])
def test_murmurhash_equals_scikit_learns(word: str) -> None:
    data = np.frombuffer(word.encode("utf-8"), dtype=np.uint8)[None, :]
    assert int(murmur3_32(data)[0]) == murmurhash3_32(word.encode("utf-8"), seed=0)


def test_no_text_gives_an_empty_matrix() -> None:
    assert char_ngram_counts([], N_FEATURES).shape == (0, N_FEATURES)
    assert char_ngram_counts(["", "a"], N_FEATURES).nnz == 0

"""The web processes' compact jieba dictionary (mochou.text.CompactFreq): the same answers as
jieba's dict for every word and prefix, hence the same cuts, in a fraction of the memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mochou import text
from mochou.datasets import read_replied_messages, read_voted_messages


@pytest.fixture
def compact_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "compact.json"
    monkeypatch.setattr(text, "compact_path", lambda: path)
    return path


def test_every_word_and_prefix_has_the_same_frequency() -> None:
    freq = text.tokenizer().FREQ
    compact = text.CompactFreq.of(freq)
    assert len(compact) == len(freq)
    for word, count in freq.items():
        assert compact[word] == count
    for absent in ("", "莫愁湖路阳光小区门口下水道", "zzqx", "\t", "的\n"):
        assert absent not in compact
        assert compact.get(absent) is None
        assert compact.get(absent, 0) == 0
    assert set(compact) == set(freq)


def test_the_compact_tokenizer_cuts_real_messages_exactly_as_jieba(compact_file: Path) -> None:
    full = text.tokenizer()
    assert text.save_compact_dictionary() == compact_file
    compact = text._compact_tokenizer()
    assert compact is not None
    assert isinstance(compact.FREQ, text.CompactFreq)
    assert compact.total == full.total
    messages = read_voted_messages()[:300] + read_replied_messages()[:100]
    for m in messages:
        for sample in (m.title, m.body):
            assert compact.lcut(sample) == full.lcut(sample)
            assert compact.lcut_for_search(sample) == full.lcut_for_search(sample)


def test_without_the_file_or_with_a_damaged_one_jieba_loads_its_own(compact_file: Path) -> None:
    assert text._compact_tokenizer() is None
    compact_file.write_text("{not json", encoding="utf-8")
    assert text._compact_tokenizer() is None

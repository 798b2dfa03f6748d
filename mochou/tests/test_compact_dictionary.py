"""The web processes' compact jieba dictionary (mochou.text.CompactFreq): the same answers as
jieba's dict for every word and prefix, hence the same cuts, in a fraction of the memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mochou import text
from mochou.datasets import read_replied_messages, read_voted_messages


@pytest.fixture
def compact_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A compact dictionary file this process would read (the module's setting put back after)."""
    path = tmp_path / "var" / "jieba-compact.json"
    monkeypatch.setattr(text, "_compact", path)
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
    assert text.save_compact_dictionary(compact_file) == compact_file
    compact = text._compact_tokenizer()
    assert compact is not None
    assert isinstance(compact.FREQ, text.CompactFreq)
    assert compact.total == full.total
    messages = read_voted_messages()[:300] + read_replied_messages()[:100]
    for m in messages:
        for sample in (m.title, m.body):
            assert compact.lcut(sample) == full.lcut(sample)
            assert compact.lcut_for_search(sample) == full.lcut_for_search(sample)


@pytest.mark.parametrize(
    "content",
    ["{not json", "{}", "[]", '{"format": 1, "dictionary": "x", "total": 1, "size": 1, "buckets": {}}'],
)
def test_a_damaged_or_foreign_file_is_not_read(compact_file: Path, content: str) -> None:
    assert text._compact_tokenizer() is None  # no file yet
    compact_file.parent.mkdir(parents=True)
    compact_file.write_text(content, encoding="utf-8")
    assert text._compact_tokenizer() is None


def test_a_file_of_another_layout_is_not_read_and_each_start_rewrites_it(compact_file: Path) -> None:
    text.save_compact_dictionary(compact_file)
    blob = json.loads(compact_file.read_text(encoding="utf-8"))
    blob["format"] = text.COMPACT_FORMAT + 1
    compact_file.write_text(json.dumps(blob, ensure_ascii=False), encoding="utf-8")
    assert text._compact_tokenizer() is None
    text.save_compact_dictionary(compact_file)
    assert text._compact_tokenizer() is not None
    assert [p.name for p in compact_file.parent.iterdir()] == [compact_file.name]  # no partial left

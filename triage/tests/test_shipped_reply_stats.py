"""The reply checks read the corpus statistics shipped in triage/data on a machine without a cache."""

from __future__ import annotations

from pathlib import Path

from mochou.datasets import REPLIES_FULL_CSV, sha256_of_files
from triage import replyquality as rq


def test_the_shipped_statistics_are_those_mined_from_the_shipped_corpus() -> None:
    shipped = rq.shipped_stats()
    assert shipped is not None
    mined = rq.corpus_stats(REPLIES_FULL_CSV)  # no cache: mined now (about half a minute)
    assert shipped.templates == mined.templates
    assert shipped.idf == mined.idf
    assert shipped.default_idf == mined.default_idf
    assert shipped.source == f"corpus:{sha256_of_files(REPLIES_FULL_CSV)[:12]}" == mined.source


def test_the_sentences_file_is_one_sentence_a_line_with_how_it_was_derived() -> None:
    text = rq.SHIPPED_TEMPLATES.read_text(encoding="utf-8")
    assert "python -m triage.replyquality ship" in text
    assert "messages-with-replies-full.csv" in text
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    shipped = rq.shipped_stats()
    assert shipped is not None
    assert frozenset(lines) == shipped.templates
    assert lines == sorted(lines)


def test_a_fresh_machine_checks_replies_with_the_shipped_sentences(tmp_path: Path) -> None:
    rq.configure(REPLIES_FULL_CSV, tmp_path)  # an empty var/triage: no cached statistics
    try:
        serving = rq.serving_stats()
        shipped = rq.shipped_stats()
        assert shipped is not None
        assert serving.templates == shipped.templates
        assert serving.idf == shipped.idf
        assert serving.source == shipped.source != "builtin"
        # A sentence the corpus repeats is template text: cut out, nothing of its own is left.
        sentence = sorted(shipped.templates, key=len)[len(shipped.templates) // 2]
        assert rq.own_text(sentence, serving) == ""
    finally:
        rq.configure(REPLIES_FULL_CSV, None)

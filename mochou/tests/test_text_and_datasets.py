"""The one tokenizer (mochou/text.py) and the one reader of the shipped data sets (mochou/datasets.py)."""

from __future__ import annotations

import threading

from mochou import datasets, text


def test_one_tokenizer_per_process_even_when_threads_race() -> None:
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(id(text.tokenizer()))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1


def test_triage_and_the_knowledge_base_cut_with_the_same_tokenizer():
    from knowledge import text as knowledge_text
    from triage import lexicon, pipeline

    assert knowledge_text.tokenizer is text.tokenizer
    assert vars(pipeline)["text"] is text  # the module each imports, not an export of theirs
    assert vars(lexicon)["cut_for_search"] is text.cut_for_search


def test_the_dictionary_holds_every_source_of_words():
    words = text.custom_words()
    assert words["居民身份证"] == text.DOMAIN_FREQ  # a knowledge synonym form
    assert words["异地就医"] == text.DOMAIN_FREQ  # a knowledge domain word
    assert words["垃圾焚烧"] == text.CATEGORY_FREQ  # a triage seed term
    assert words["拖欠工资"] == text.DOMAIN_FREQ  # both a seed term and a synonym form: the higher
    assert "民办学校" in words  # a 三级分类 name of the category tree
    assert "民办学校" in text.cut("民办学校乱收费")
    assert text.tokenizer().FREQ["学校"] > text.CATEGORY_FREQ  # a common word is never demoted


def test_the_shipped_data_sets_read_into_typed_records():
    messages = datasets.read_messages(require_label=True)
    assert len(messages) == 396
    assert all(m.id and m.label and m.user for m in messages)
    assert len(datasets.read_taxonomy()) == 517
    assert datasets.read_taxonomy()[0].level1 == "城乡建设"
    assert len(datasets.read_duplicate_pairs()) == 1162
    assert {p.label for p in datasets.read_duplicate_pairs()} == {0, 1}
    assert len(datasets.read_urgency_testset()) == 694
    assert len(datasets.read_guide_questions()) == 54
    streets = datasets.read_streets()
    assert len(streets) == 31
    assert streets[0].name == "郢中街道"


def test_a_message_file_without_ids_numbers_its_rows(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("留言主题,留言详情\n路灯坏了,小区门口\n噪音,夜里施工\n", encoding="utf-8")
    assert [(m.id, m.title, m.label) for m in datasets.read_messages(path)] == [
        ("1", "路灯坏了", ""),
        ("2", "噪音", ""),
    ]
    assert datasets.read_messages(path, require_label=True) == []

"""Duplicate proposals (triage/duplicates.py) and the pair set (triage/dupdata.py); no database."""

import datetime as dt
import random

import pytest

from mochou.datasets import DUPLICATE_PAIRS_CSV, read_duplicate_pairs
from triage.dupdata import (
    REAL_HARD_NEGATIVES,
    SHARED_DIR,
    dup_groups,
    load_labelled,
    rewrite,
)
from triage.duplicates import (
    PROPOSAL_THRESHOLD,
    SAME_PHONE_REASON,
    DuplicateIndex,
    build_index,
    phone_key,
    place_units,
)

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
YESTERDAY = NOW - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def shipped():
    """The shipped labelled messages, one per 留言编号."""
    return load_labelled()


@pytest.fixture(scope="module")
def index(shipped):
    return build_index((m.id, m.text, None, None, YESTERDAY, m.title) for m in shipped)


def test_rewritten_message_is_the_top_candidate(shipped, index):
    rng = random.Random(1)  # noqa: S311
    sample = rng.sample(shipped, 40)
    found = 0
    for m in sample:
        text, _ops = rewrite(m, random.Random(f"test:{m.id}"))  # noqa: S311
        cands = index.query(text, None, None, NOW)
        if cands and cands[0].case_id == m.id:
            assert cands[0].score >= PROPOSAL_THRESHOLD
            found += 1
    # ≥ 80 % of random synthetic rewrites (some are only the title; a rewrite's first clause, which
    # stands in for its missing title, is often not the original title).
    assert found >= 32


def test_hand_written_rewrite_is_found(index, shipped):
    m = next(x for x in shipped if x.id == "1440")  # power cuts at 锦楚国际新城
    text = (
        "来电人反映，A市A5区朝晖路锦楚国际新城三区从6月份开始到现在停电不少于9次，"
        "每次停电都不说原因，希望尽快处理。"
    )
    cands = index.query(text, None, None, NOW)
    assert cands[0].case_id == m.id
    assert cands[0].score >= PROPOSAL_THRESHOLD
    assert not cands[0].same_phone


def test_unrelated_message_of_the_same_category_is_not_proposed(shipped, index):
    # Every shipped message outside the real duplicate groups, queried against all the others
    # (its same-category neighbours included), gets no proposal — except the hand-picked
    # look-alikes of REAL_HARD_NEGATIVES, a known limitation (docs/duplicates.md).
    groups = dup_groups()
    look_alikes = {i for pair in REAL_HARD_NEGATIVES for i in pair[:2]}
    proposed = {}
    for m in shipped:
        if m.id in groups or m.id in look_alikes:
            continue
        cands = [c for c in index.query(m.text, None, None, NOW) if c.case_id != m.id]
        if cands:
            proposed[m.id] = cands[0]
    assert proposed == {}
    # A concrete same-category pair: its hardest neighbour is proposed for neither.
    by_id = {m.id: m for m in shipped}
    a, b = by_id["51522"], by_id["67040"]  # 劳动和社会保障: pension after restructuring vs dismissal
    assert a.label == b.label
    assert "67040" not in [c.case_id for c in index.query(a.text, None, None, NOW)]


def test_same_phone_near_identical_text_is_flagged_first():
    idx = DuplicateIndex()
    text = "郢中街道幸福小区3栋楼下烧烤摊每天营业到凌晨两点，油烟和噪音扰民，请相关部门处理。"
    idx.add("c1", text, "郢中街道幸福小区", "138 0000 1234", YESTERDAY)
    idx.add("c2", text + "多次投诉无果。", "郢中街道幸福小区", "13900005678", YESTERDAY)
    idx.add("c3", "洋梓镇中心小学门口道路积水严重，学生上学不便。", "洋梓镇", "13800001234", YESTERDAY)
    cands = idx.query(
        text.replace("请相关部门处理", "希望尽快处理"), "郢中街道幸福小区", "+86 13800001234", NOW
    )
    assert [c.case_id for c in cands] == ["c1", "c2"]
    assert cands[0].same_phone
    assert cands[0].reason == SAME_PHONE_REASON
    assert cands[0].flagged
    assert not cands[1].same_phone
    assert not cands[1].flagged
    # The same phone with a different problem is neither flagged nor proposed.
    assert all(c.case_id != "c3" for c in cands)
    assert phone_key("+86 138-0000-1234") == phone_key("13800001234")


def test_cases_older_than_the_window_are_not_proposed():
    idx = DuplicateIndex()
    text = "皇庄街道建设路路灯已经坏了一个多月，晚上出行很不安全，希望尽快维修。"
    idx.add("old", text, "皇庄街道", None, NOW - dt.timedelta(days=31))
    assert idx.query(text, "皇庄街道", None, NOW) == []
    assert [c.case_id for c in idx.query(text, "皇庄街道", None, NOW, window_days=60)] == ["old"]
    idx.add("new", text, "皇庄街道", None, NOW - dt.timedelta(days=29))
    assert [c.case_id for c in idx.query(text, "皇庄街道", None, NOW)] == ["new"]
    assert idx.remove_older_than(NOW - dt.timedelta(days=30)) == 1
    assert "old" not in idx
    assert "new" in idx


def test_removed_cases_are_not_proposed(shipped):
    rows = [(m.id, m.text, None, None, YESTERDAY) for m in shipped[:50]]
    idx = build_index(rows)  # merged into the inverted index
    extra = DuplicateIndex()
    target = rows[7]
    assert idx.query(target[1], None, None, NOW)[0].case_id == target[0]
    assert idx.remove(target[0])
    assert not idx.remove(target[0])
    assert target[0] not in [c.case_id for c in idx.query(target[1], None, None, NOW)]
    # Buffered (not yet merged) cases too.
    extra.add("x", target[1], None, None, YESTERDAY)
    extra.remove("x")
    assert extra.query(target[1], None, None, NOW) == []
    # Re-adding an id replaces the case.
    idx.add(target[0], "完全不同的内容：洋梓镇某村自来水停水三天。", None, None, YESTERDAY)
    assert target[0] not in [c.case_id for c in idx.query(target[1], None, None, NOW)]


def test_buffer_merge_and_compaction_keep_the_answers(shipped):
    rows = [(m.id, m.text, None, None, YESTERDAY) for m in shipped[:120]]
    merged = build_index(rows)
    buffered = DuplicateIndex()
    buffered.add_many(rows)  # stays in the buffer (below the merge size)
    probe = rows[3][1][:80]
    a = merged.query(probe, None, None, NOW, min_score=0.0)
    b = buffered.query(probe, None, None, NOW, min_score=0.0)
    assert [(c.case_id, c.score) for c in a] == [(c.case_id, c.score) for c in b]
    for case_id, *_ in rows[:60]:
        merged.remove(case_id)
    merged._compact()
    assert len(merged) == 60
    c = merged.query(rows[100][1], None, None, NOW)
    assert c[0].case_id == rows[100][0]


def test_place_units_and_place_effect():
    assert place_units("湖北省钟祥市郢中街道幸福小区3栋") == {"郢中街道", "幸福小区", "3栋"}
    assert place_units(None) == frozenset()
    idx = DuplicateIndex()
    text = "小区门口的下水道堵塞，污水横流，气味难闻，希望有关部门尽快疏通。"
    idx.add("here", text, "郢中街道幸福小区", None, YESTERDAY)
    idx.add("there", text, "长寿镇", None, YESTERDAY)
    cands = idx.query(text, "钟祥市郢中街道幸福小区", None, NOW)
    assert cands[0].case_id == "here"
    assert "地点相同" in cands[0].reason
    assert cands[1].case_id == "there"
    assert cands[1].score < cands[0].score


def test_naive_datetimes_are_refused():
    idx = DuplicateIndex()
    with pytest.raises(ValueError, match="timezone-aware"):
        idx.add("a", "文本", None, None, dt.datetime(2024, 1, 1))


def test_pair_set_is_shipped_and_labelled():
    pairs = read_duplicate_pairs(DUPLICATE_PAIRS_CSV)
    kinds = {p.kind for p in pairs}
    assert {"real_duplicate", "synthetic_rewrite", "synthetic_hard_negative", "real_same_user"} <= kinds
    assert {p.label for p in pairs} == {0, 1}
    assert all(p.b_id.startswith("syn-") for p in pairs if p.kind.startswith("synthetic"))


def test_pair_set_regenerates_identically(tmp_path, capsys):
    from triage.dupdata import main

    # Not skipped when the unshipped sources are missing: the pair set could then not be checked.
    assert SHARED_DIR.exists(), f"{SHARED_DIR} (the 2020 sample's votes/replies files) is needed"

    out = tmp_path / "pairs.csv"
    assert main(["--out", str(out)]) == 0
    assert out.read_bytes() == DUPLICATE_PAIRS_CSV.read_bytes()
    assert capsys.readouterr().out.startswith("545 messages → 1162 pairs written to")

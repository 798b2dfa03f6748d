"""The learned urgency scorer (triage/urgency_model.py): what a dispatcher relies on, that it learns
from the dev rows only, and that docs/urgency.md's comparison table is the evaluator's output.

The model is trained once per session (cached under var/triage, as the evaluator and the server
cache it; under a minute when no cache exists, and about a minute and a half more for the dev study
of triage/urgency_study.py). No database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mochou.datasets import read_real_urgency_labels, read_replied_messages, read_voted_messages
from triage import urgency_eval as ue
from triage import urgency_model as um
from triage import urgency_study as us
from triage.normalize import normalize
from triage.urgency import assess_urgency

# The learned scorer and the study train on first use (minutes on a cold cache): one worker does it.
pytestmark = pytest.mark.xdist_group("urgency_model")

DOC = Path(__file__).resolve().parents[2] / "docs" / "urgency.md"

GAS_AND_CHILD = (
    "小区楼道煤气泄漏，孩子被困在屋里",
    "三楼煤气味越来越大，门反锁了，孩子一个人在里面哭，大人不在家，请马上派人！",
)
ROUTINE = ("小区门口垃圾清运不及时", "小区门口的垃圾桶经常满了没人清理，希望环卫部门能按时清运。")


@pytest.fixture(scope="module")
def model() -> um.UrgencyModel:
    return um.cached_model(ue.model_cache_dir())


def test_a_gas_leak_with_a_child_trapped_is_urgent(model) -> None:
    a = assess_urgency(*GAS_AND_CHILD)  # what triage serves (urgency_model.SERVES is False)
    assert a.urgent
    assert "gas" in a.categories
    assert model.urgent(*GAS_AND_CHILD)
    urgent, reasons = um.assess(*GAS_AND_CHILD, model)
    assert urgent
    assert "燃气泄漏：危及生命财产安全" in reasons


def test_a_routine_complaint_is_not_urgent(model) -> None:
    assert not assess_urgency(*ROUTINE).urgent
    assert not model.urgent(*ROUTINE)
    assert um.assess(*ROUTINE, model) == (False, [])


def test_the_model_learns_from_the_dev_rows_only(model) -> None:
    labels = read_real_urgency_labels()
    dev = [x for x in labels if x.split == "dev"]
    assert model.chosen["n"] == len(dev) == len(um.dev_items()[0])
    assert model.chosen["positives"] == sum(x.urgent for x in dev)
    assert model.chosen["C"] in um.C_GRID
    assert model.threshold in um.THRESHOLD_GRID


def test_the_fast_scorer_equals_scikit_learns_pipeline() -> None:
    # The served dot product must give the probabilities of the fitted LogisticRegression.
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    items = [GAS_AND_CHILD, ROUTINE, ("路面塌陷", "马路中间塌了一个大坑"), ("咨询社保", "社保怎么转移")] * 3
    labels = [True, False, True, False] * 3
    m = um.fit(items, labels, 1.0)
    vb = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    vt = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    x = sp.hstack(
        [
            vb.fit_transform([um.head_text(t, b) for t, b in items]),
            vt.fit_transform([t for t, _ in items]),
            sp.csr_matrix([um.dense_features(t, b) for t, b in items]),
        ]
    ).tocsr()
    ref = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000).fit(x, labels)
    assert m.probabilities(items) == pytest.approx(list(ref.predict_proba(x)[:, 1]), abs=1e-9)


def test_the_threshold_rule_prefers_the_precision_goal() -> None:
    probs = [0.9, 0.85, 0.7, 0.6, 0.3, 0.2]
    gold = [True, True, False, True, False, False]
    t, rule = um.choose_threshold(probs, gold)
    # 0.65–0.85 find 2 of 3 at precision 1 (ties: the higher threshold); 0.6 would give 3/4 = 0.75
    assert rule.startswith("precision")
    assert t == 0.85
    t, rule = um.choose_threshold([0.9, 0.1], [False, True])
    assert rule.startswith("best F1")


def test_the_gate_only_confirms_word_list_flags(model) -> None:
    # The gate never flags what the word list does not: its reasons are always the word list's.
    assert model.gated(*GAS_AND_CHILD)
    assert not model.gated(*ROUTINE)
    assert model.chosen["gate_threshold"] in um.THRESHOLD_GRID
    texts = {m.id: (m.title, m.body) for m in [*read_voted_messages(), *read_replied_messages()]}
    for x in read_real_urgency_labels()[:120]:
        if model.gated(*texts[x.id]):
            assert assess_urgency(*texts[x.id]).urgent, x.id


def test_the_unlabelled_pool_holds_no_labelled_message_nor_a_near_copy() -> None:
    labels = read_real_urgency_labels()
    messages = us._messages()
    pool = us.unlabelled_pool(messages, {x.id for x in labels})
    ids = {m.id for m in pool}
    assert not ids & {x.id for x in labels}
    by_id = {m.id: m for m in messages}
    labelled_titles = {normalize(by_id[x.id].title) for x in labels}
    assert not any(normalize(m.title) in labelled_titles for m in pool)
    assert len(pool) > 6000


def test_the_doc_carries_the_evaluators_comparison_table() -> None:
    cmp = ue.compare_learned(ue.real_rows())
    lines = ue.render_learned(cmp)
    md = DOC.read_text(encoding="utf-8")
    table = [ln for ln in lines if ln.startswith("| ")]
    # the dev study (header + its rows) and the test table (header + 5 systems × 3 samples)
    assert len(table) == 1 + len(cmp.study.rows) + 1 + 15
    assert all(ln in md for ln in table), "run `python -m triage.urgency_eval`"
    # and the decisions the doc states are the ones the code takes
    assert cmp.learned_wins == um.SERVES
    assert cmp.gate_wins == um.SERVES_GATE
    assert f"`urgency_model.SERVES = {um.SERVES}`" in md
    # every row is an independent count over the test rows
    test = [r for r in ue.real_rows() if r.label.split == "test"]
    for name in ue.SYSTEMS:
        sc = cmp.systems[name]["all"]
        assert sc.n == len(test)
        assert sc.urgent == sum(r.label.urgent for r in test)
    # the gate keeps a subset of the word list's flags
    gate, lex = cmp.systems["gate"]["all"], cmp.systems["lexicon"]["all"]
    assert gate.tp <= lex.tp
    assert gate.fp <= lex.fp

"""The default model on real data: the split, the stored threshold, out of scope, the report's figures."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

from mochou.datasets import CONTEST_MESSAGES_CSV, REAL_CATEGORIES_CSV, read_messages
from triage import services
from triage.calibration import choose_class_thresholds, choose_threshold, coverage_curve, gate_mask, wilson
from triage.corpus import contest_halves, held_out_ids, real_labelled, real_split, training_set
from triage.pipeline import TriageModel
from triage.scope import OUT_OF_SCOPE, choose_oos_threshold
from triage.weak_labels import weak_label

DOC = Path(__file__).resolve().parents[2] / "docs" / "triage.md"

# Messages of subjects the 7 labels do not cover (政法, 民政, 纪检监察, 农村农业), written for this test.
OUT_OF_SCOPE_MESSAGES = [
    (
        "被电信诈骗报警后派出所一直不立案",
        "我被网络诈骗了三万元，到派出所报警，民警说证据不足不予立案，请公安机关尽快侦破。",
    ),
    ("举报村支书贪污扶贫款", "我们村的村支书多年来虚报冒领扶贫资金，贪污受贿，请纪委监委调查处理。"),
    (
        "户口迁移派出所不给办理",
        "我结婚后想把户口迁到丈夫所在地，派出所户籍窗口说材料不全，来回跑了五趟也办不了身份证和户口。",
    ),
]


def test_the_shipped_data_are_there():
    # No test may skip silently: the data ship in mochou/data and triage/data.
    assert CONTEST_MESSAGES_CSV.is_file()
    assert REAL_CATEGORIES_CSV.is_file()


def test_the_real_split_is_stable_stratified_and_disjoint():
    messages = read_messages(CONTEST_MESSAGES_CSV, require_label=True)
    selection, test = real_split(messages)
    assert (len(selection), len(test)) == (221, 220)
    assert not {m.id for m in selection} & {m.id for m in test}
    reversed_selection, reversed_test = real_split(list(reversed(messages)))
    assert [m.id for m in reversed_test] == [m.id for m in test]
    assert [m.id for m in reversed_selection] == [m.id for m in selection]
    for label in {m.label for m in messages}:
        n = sum(m.label == label for m in messages)
        assert sum(m.label == label for m in test) == round(n / 2)
    assert [m.id for m in contest_halves()[1]] == [m.id for m in test]


def test_no_held_out_message_is_trained_on():
    ts = training_set()
    held_out = set(held_out_ids())
    _, test = contest_halves()
    assert {m.id for m in test} <= held_out
    assert {r.id for r in real_labelled()} <= held_out
    trained = {
        i for i, src in zip(ts.ids, ts.sources, strict=True) if src in ("selection", "weak", "weak-oos")
    }
    assert not trained & held_out
    assert ts.sources.count("selection") == 221
    assert sum(ts.real) == 221  # only the selection half calibrates


def test_weak_labels_take_the_unit_named_first():
    assert weak_label("经市教育局调查核实，现答复如下") == "教育文体"
    assert weak_label("现将市公安局的调查情况答复如下：经市教育局协调……") == "政法"
    assert weak_label("您好！经A3区人社局核实，您反映的工资拖欠问题") == "劳动和社会保障"
    assert weak_label("您好，您的留言已收悉，感谢您的支持。") is None


def test_wilson_interval():
    lo, hi = wilson(97, 100)
    assert (round(lo, 4), round(hi, 4)) == (0.9155, 0.9897)
    assert wilson(0, 0) == (0.0, 1.0)


def test_the_threshold_rule_needs_every_higher_threshold_to_hold():
    conf = [0.99 - 0.01 * i for i in range(40)]
    ok = [True] * 40
    assert choose_threshold(conf, ok, target=0.98, min_n=20) == pytest.approx(conf[-1])
    ok[30] = False  # one error among the first 31: 30/31 < 0.98, so the threshold stops above it
    assert choose_threshold(conf, ok, target=0.98, min_n=20) == pytest.approx(conf[29])
    ok[3] = False  # an error near the top: no prefix of ≥ 20 reaches 0.98
    assert choose_threshold(conf, ok, target=0.98, min_n=20) is None
    rows = coverage_curve(conf, ok, [0.895])
    assert rows[0]["n"] == 10
    assert rows[0]["errors"] == 1


def test_the_out_of_scope_threshold_is_the_best_f1_on_dev():
    assert choose_oos_threshold([0.9, 0.6, 0.3, 0.1], [True, True, False, False]) == 0.35
    assert choose_oos_threshold([0.9, 0.6, 0.3, 0.1], [True, True, True, False]) == 0.15


def test_the_default_model_knows_the_seven_and_out_of_scope(default_model):
    assert len(default_model.labels) == 7
    assert default_model.classes == [*default_model.labels, OUT_OF_SCOPE]
    assert default_model.metrics["n_real"] == 221
    assert default_model.metrics["sources"]["selection"] == 221
    assert 0 < default_model.params["oos_threshold"] < 1  # chosen on the dev rows, not left at "off"
    assert "dev rows" in default_model.metrics["oos_threshold_chosen_on"]


@pytest.mark.parametrize(("title", "body"), OUT_OF_SCOPE_MESSAGES)
def test_a_known_out_of_scope_message_never_auto_dispatches(default_model, title, body):
    p = default_model.predict(title, body)
    assert p.out_of_scope
    assert p.as_dict()["out_of_scope"] is True
    # Not even with the lowest threshold an operator could set.
    assert not default_model.may_auto_dispatch(p, threshold=0.01)


def test_an_in_scope_message_is_not_flagged(default_model):
    p = default_model.predict("孩子学校乱收费", "学校老师要求每个学生交资料费两百元，家长意见很大。")
    assert p.label == "教育文体"
    assert not p.out_of_scope


def test_the_stored_gate_is_what_services_use(default_model, trained_model, settings):
    loaded = TriageModel.load(trained_model)
    assert joblib.load(trained_model)["dispatch_gate"] == loaded.dispatch_gate == default_model.dispatch_gate
    assert loaded.metrics["dispatch_threshold"] == loaded.dispatch_threshold
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = None  # unset: the stored gate decides, per subject
    for label in loaded.labels:
        assert services.dispatch_threshold(loaded, label) == float(loaded.gate_threshold(label) or 0.0)
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.95  # the setting replaces it with one number
    assert {services.dispatch_threshold(loaded, label) for label in loaded.labels} == {0.95}
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0
    assert {services.dispatch_threshold(loaded, label) for label in loaded.labels} == {0.0}
    p = loaded.predict("孩子学校乱收费", "学校老师要求每个学生交资料费两百元，家长意见很大。")
    t = loaded.gate_threshold(p.label)
    assert loaded.may_auto_dispatch(p) == bool(t and not p.out_of_scope and p.confidence >= t)


def test_the_stored_gate_is_the_rule_applied_to_the_stored_held_out_predictions(default_model):
    pred, conf, ok = default_model.oof_decisions()
    assert len(pred) == 221  # the selection half, out of fold
    gate = default_model.dispatch_gate
    nested = default_model.metrics["dispatch_gate_nested"]
    good = [e for e in nested if e["precision"] is not None and e["precision"] >= 0.98]
    if not good:
        assert gate is None
        return
    floor = max(good, key=lambda e: (e["coverage"], e["floor"]))["floor"]
    assert gate["floor"] == floor
    assert gate["thresholds"] == choose_class_thresholds(pred, conf, ok, default_model.labels, floor=floor)
    passed = gate_mask(gate["thresholds"], pred, conf)
    k, n = int(ok[passed].sum()), int(passed.sum())
    assert k / n >= 0.97
    assert wilson(k, n)[0] >= 0.9  # the pooled guard


def test_an_out_of_scope_prediction_never_passes_the_gate(default_model):
    p = default_model.predict(*OUT_OF_SCOPE_MESSAGES[0])
    assert p.out_of_scope
    assert not default_model.may_auto_dispatch(p)
    assert not default_model.may_auto_dispatch(p, threshold=0.01)
    # Even with the confidence of a subject the gate opens: out of scope stays with a person.
    opened = [lab for lab in default_model.labels if default_model.gate_threshold(lab)]
    for label in opened:
        sure = replace(p, label=label, confidence=0.9999)
        assert not default_model.may_auto_dispatch(sure)
        assert default_model.may_auto_dispatch(replace(sure, out_of_scope=False))


def _doc_row(prefix: str) -> str:
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith(prefix):
            return line
    raise AssertionError(f"docs/triage.md has no row starting {prefix!r}")


def test_the_report_figures_equal_a_recomputation(default_model):
    """docs/triage.md is generated: its headline figures are what the shipped model scores now."""
    _, test = contest_halves()
    preds = [default_model.predict(m.title, m.body) for m in test]
    y = [m.label for m in test]
    labels = [p.label for p in preds]
    macro = f1_score(y, labels, labels=default_model.labels, average="macro")
    acc = accuracy_score(y, labels)
    row = _doc_row("| **the model**")
    figures = [float(x) for x in re.findall(r"\d\.\d{3}", row)]
    assert figures[0] == round(macro, 3)
    assert round(acc, 3) in figures
    # The older single threshold's statement matches the model.
    text = DOC.read_text(encoding="utf-8")
    single = default_model.dispatch_threshold
    assert f"Result: {'no threshold qualifies' if single is None else f'{single:.3f}'}." in text
    # The gate's figures on the test half and on the annotator's test rows, recomputed.
    gate = default_model.dispatch_gate
    assert gate is not None, "docs/triage.md reports a gate"
    for lab in default_model.labels:
        th = gate["thresholds"][lab]
        assert f"| {lab} | {'never alone' if th is None else f'{th:.3f}'} | " in text
    conf = np.array([0.0 if p.out_of_scope else p.confidence for p in preds])
    ok = np.array([p.label == t and not p.out_of_scope for p, t in zip(preds, y, strict=True)])
    passed = gate_mask(gate["thresholds"], labels, conf)
    k, n = int(ok[passed].sum()), int(passed.sum())
    lo, hi = wilson(k, n)
    cover = f"{n / len(y) * 100:.1f} %"
    head = f"the gate dispatches {n} (coverage\n{cover})"
    assert f"{head} with precision {k / n:.3f}, 95 % interval [{lo:.3f}, {hi:.3f}]" in text
    rows = real_labelled("test")
    rpreds = [default_model.predict(r.title, r.body) for r in rows]
    rconf = np.array([0.0 if p.out_of_scope else p.confidence for p in rpreds])
    rok = np.array([p.label == r.level1 and not p.out_of_scope for p, r in zip(rpreds, rows, strict=True)])
    rpassed = gate_mask(gate["thresholds"], [p.label for p in rpreds], rconf)
    k, n = int(rok[rpassed].sum()), int(rpassed.sum())
    lo, hi = wilson(k, n)
    cover = f"{n / len(rows) * 100:.1f} %"
    assert f"it dispatches {n} (coverage {cover}) with precision {k / n:.3f} [{lo:.3f}, {hi:.3f}]" in text
    # Out of scope on the annotator's test rows, recomputed.
    rows = real_labelled("test")
    flagged = np.array([default_model.predict(r.title, r.body).out_of_scope for r in rows])
    truth = np.array([r.level1 not in default_model.labels for r in rows])
    recall = (flagged & truth).sum() / truth.sum()
    assert f"| out-of-scope recall [Wilson 95 %] | {recall:.3f}" in text

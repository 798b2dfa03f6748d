"""The per-subject dispatch gate's rule (triage.calibration), on held-out predictions made up here."""

from __future__ import annotations

import numpy as np

from triage.calibration import choose_class_thresholds, gate_curve, gate_mask, nested_gate_estimate

LABELS = ["clean", "dirty", "rare"]


def _predictions() -> tuple[list[str], np.ndarray, np.ndarray]:
    # "clean": 100 right from 0.99 down to 0.792, then three wrong ones; "dirty": a wrong one
    # among its most confident; "rare": 5 predictions, all right (too few to say anything).
    rows: list[tuple[str, float, bool]] = [("clean", 0.99 - i * 0.002, True) for i in range(100)]
    rows += [("clean", 0.7, False), ("clean", 0.69, False), ("clean", 0.68, False)]
    rows += [("dirty", 0.995 - i * 0.01, i % 4 != 1) for i in range(30)]
    rows += [("rare", 0.99, True)] * 5
    return [r[0] for r in rows], np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


def test_a_clean_subject_gets_a_threshold_a_dirty_or_rare_one_none() -> None:
    pred, conf, ok = _predictions()
    th = choose_class_thresholds(pred, conf, ok, LABELS, floor=0.0)
    assert th["clean"] is not None
    # The lowest confidence with precision >= 0.97 there and above: 100 right of 103 (0.971).
    assert th["clean"] == 0.68
    assert th["dirty"] is None  # an error among its 10 most confident
    assert th["rare"] is None  # fewer than 10 predictions


def test_the_floor_raises_low_thresholds_and_out_of_scope_never_passes() -> None:
    pred, conf, ok = _predictions()
    th = choose_class_thresholds(pred, conf, ok, LABELS, floor=0.9)
    assert th["clean"] == 0.9
    conf[0] = 0.0  # the most confident "clean" message flagged out of scope: confidence 0
    assert not gate_mask(th, pred, conf)[0]
    assert gate_mask(th, pred, conf)[1]


def test_the_pooled_guard_closes_a_gate_without_enough_evidence() -> None:
    # 12 right of 12: point precision 1.0, but a Wilson lower bound of 0.76 < 0.9: nothing opens.
    pred = ["clean"] * 12
    th = choose_class_thresholds(pred, np.full(12, 0.95), np.ones(12, bool), ["clean"], floor=0.0)
    assert th == {"clean": None}


def test_the_nested_estimate_and_the_curve() -> None:
    pred, conf, ok = _predictions()
    truth = [p if o else "other" for p, o in zip(pred, ok, strict=True)]
    est = nested_gate_estimate(pred, conf, ok, truth, LABELS, floor=0.0, repeats=2)
    assert 0 < est["coverage"] < 1
    assert est["precision"] >= 0.95  # only the clean subject opens
    th = choose_class_thresholds(pred, conf, ok, LABELS, floor=0.0)
    rows = gate_curve(pred, conf, ok, th, [-0.2, 0.0, 0.1])
    assert [r["n"] for r in rows] == sorted((r["n"] for r in rows), reverse=True)
    assert rows[1]["n"] == int(gate_mask(th, pred, conf).sum())
    assert (rows[1]["errors"], rows[2]["errors"]) == (3, 0)  # moved up 0.1: above the errors

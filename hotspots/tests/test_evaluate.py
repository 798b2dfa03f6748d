"""The evaluator: its pair counting is scikit-learn's ARI, and the figures docs/hotspots.md
prints are those a recomputation finds."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from hotspots.evaluate import (
    DOC_PATH,
    _all_groups,
    _labels,
    contingency,
    pair_figures,
    split_of,
    top_precision,
    wilson,
)
from hotspots.method import Params, find_hotspots, pair_features, window_items
from hotspots.offline import read_items
from mochou.datasets import VOTES_FULL_CSV, read_real_hotspot_groups

ROOT = Path(__file__).resolve().parents[2]


def test_pair_counting_equals_sklearn_and_direct_pair_counts() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        true = rng.integers(0, 12, 80).tolist()
        pred = rng.integers(0, 9, 80).tolist()
        figures = pair_figures(contingency(true, pred))
        assert figures["ari"] == pytest.approx(adjusted_rand_score(true, pred), abs=1e-12)
        same_true = {(i, j) for i in range(80) for j in range(i + 1, 80) if true[i] == true[j]}
        same_pred = {(i, j) for i in range(80) for j in range(i + 1, 80) if pred[i] == pred[j]}
        assert figures["precision"] == pytest.approx(len(same_true & same_pred) / len(same_pred))
        assert figures["recall"] == pytest.approx(len(same_true & same_pred) / len(same_true))


def test_a_group_drawn_twice_weighs_its_pairs_twice() -> None:
    # Groups 0 (3 messages, one cluster) and 1 (2 messages, split): weight 2 on group 0 doubles
    # its 3 true pairs (all found); the two copies of a group never pair with each other (pairs
    # across groups weigh w_g · w_h), so no false pair appears.
    ct = contingency([0, 0, 0, 1, 1], ["a", "a", "a", "b", "c"])
    figures = pair_figures(ct, np.array([2, 1]))
    assert figures["recall"] == pytest.approx(6 / 7)  # 2·3 found of 2·3 + 1
    assert figures["precision"] == pytest.approx(1.0)


def test_wilson_interval() -> None:
    low, high = wilson(17, 20)
    assert low == pytest.approx(0.640, abs=1e-3)
    assert high == pytest.approx(0.948, abs=1e-3)


def _documented_row(doc: str) -> list[str]:
    section = doc.split("### Test messages (reported)", 1)[1]
    row = next(line for line in section.splitlines() if re.match(r"\| method \| \d", line))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_the_documented_figures_equal_a_recomputation() -> None:
    """The method's test row of docs/hotspots.md, recomputed from the corpus and the hand groups."""
    doc = (ROOT / DOC_PATH).read_text(encoding="utf-8")
    assert "— the same." in doc  # the defaults in code are the grid's choice
    cells = _documented_row(doc)
    items, _, _ = window_items(read_items(VOTES_FULL_CSV), Params())
    found = find_hotspots(items, Params(), features=pair_features(items))
    hand = read_real_hotspot_groups()
    group_of = {r.id: r.group for r in hand if split_of(r.group) == "test"}
    positions = [k for k, it in enumerate(items) if str(it.id) in group_of]
    truth = [group_of[str(items[k].id)] for k in positions]
    index = {it.id: k for k, it in enumerate(items)}
    labels = _labels(len(items), _all_groups(found, index, len(items)))
    figures = pair_figures(contingency(truth, labels[positions].tolist()))
    assert cells[1] == f"{adjusted_rand_score(truth, labels[positions].tolist()):.3f}"
    assert [cells[1], cells[3], cells[5]] == [f"{figures[k]:.3f}" for k in ("ari", "precision", "recall")]
    judged, _ = top_precision(
        found, group_of, {r.group: r.group_title for r in hand}, Counter(r.group for r in hand)
    )
    assert cells[7] == f"{sum(j.correct for j in judged)}/{len(judged)}"
    assert re.fullmatch(r"\d+", cells[9])
    assert int(cells[9]) == len(found)

"""Confidence calibration, the auto-dispatch threshold and the intervals of the reports (no Django).

* :func:`fit_temperature`: one temperature for the softmax of the SVM scores, minimum log-loss on
  out-of-fold scores (the ranking stays the SVM's).
* :func:`choose_threshold`: the auto-dispatch threshold, chosen from held-out (out-of-fold)
  predictions of real-stream messages, never by hand (see its doc for the rule).
* :func:`wilson` and :func:`bootstrap`: 95 % intervals for a proportion and for any statistic
  of a sample (macro-F1), used by :mod:`triage.evaluate`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize_scalar

Z95 = 1.959963984540054


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> tuple[float, float]:
    """(temperature, its log-loss): the factor on the scores that minimises the log-loss."""

    def nll(log_a: float) -> float:
        prob = softmax(scores * np.exp(log_a))
        return -float(np.mean(np.log(prob[np.arange(len(y_index)), y_index] + 1e-12)))

    res = minimize_scalar(nll, bounds=(-3.0, 5.0), method="bounded")
    return float(np.exp(res.x)), float(res.fun)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n (95 % by default); (0, 1) when n = 0."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap(
    statistic: Callable[[np.ndarray], float], n: int, *, rounds: int = 1000, seed: int = 20200101
) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of ``statistic(indices)`` over ``n`` items resampled
    with replacement (``rounds`` resamples, fixed seed: the report is reproducible)."""
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, n, n)) for _ in range(rounds)]
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


# The rule for the auto-dispatch threshold. The precision target is the (0.97); the rule
# asks a little more of the held-out data than the target (TARGET_MARGIN), because a threshold
# fitted to reach exactly 0.97 on one sample falls below it on the next about half the time.
TARGET_PRECISION = 0.97
TARGET_MARGIN = 0.01
MIN_DISPATCHED = 20  # fewer held-out messages above a threshold say nothing about its precision
# The thresholds of the coverage-vs-precision tables.
CURVE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)


def choose_threshold(
    confidences: ArrayLike,
    correct: ArrayLike,
    *,
    target: float = TARGET_PRECISION + TARGET_MARGIN,
    min_n: int = MIN_DISPATCHED,
) -> float | None:
    """The lowest confidence ``t`` such that, on these held-out predictions, the messages with
    confidence ≥ t' have precision ≥ ``target`` for t' = t **and every higher t'** with at least
    ``min_n`` messages above it (so the threshold does not sit in a lucky pocket). None when no
    threshold qualifies — then nothing is dispatched automatically."""
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    best: float | None = None
    hits = 0
    for i in range(len(conf)):
        hits += int(ok[i])
        # A threshold sits only where the next message is strictly less confident.
        if i + 1 < len(conf) and conf[i + 1] == conf[i]:
            continue
        n = i + 1
        if n < min_n:
            continue
        if hits / n >= target:
            best = float(conf[i])
        else:
            break  # precision at this lower threshold fails: no lower threshold may be chosen
    return best


def coverage_curve(
    confidences: ArrayLike, correct: ArrayLike, thresholds: Sequence[float]
) -> list[dict[str, Any]]:
    """For each threshold: share and number dispatched, precision with its Wilson interval."""
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    rows = []
    for t in thresholds:
        above = conf >= t
        n, k = int(above.sum()), int(ok[above].sum())
        lo, hi = wilson(k, n)
        rows.append(
            {
                "threshold": float(t),
                "n": n,
                "coverage": n / len(conf) if len(conf) else 0.0,
                "precision": k / n if n else None,
                "precision_ci": (lo, hi),
                "errors": n - k,
            }
        )
    return rows

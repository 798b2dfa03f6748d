"""The project's one 95 % interval of a proportion (Wilson) and its one percentile bootstrap.

Every evaluator (triage's category, path, urgency, duplicate and reply-quality reports; the
statistics and hot-spot apps) imports these, so an interval printed in one report means what it
means in another. No Django imports.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Z95 = 1.959963984540054  # the normal quantile of 97.5 %


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n (95 % by default); (0, 1) when n = 0: with no
    observation every proportion is possible."""
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

"""高频事: groups of requests about the same problem at the same place, with a heat index.

No Django imports: the product (hotspots.services, on the cases) and the offline command (on a
CSV file) run this same code. docs/hotspots.md describes the method and its figures.

1. **Pair score.** Triage's duplicate score (:mod:`triage.duplicates`): the cosines of the whole
   text and of the title over hashed character 2–3-grams with idf weights, combined by the
   logistic regression fitted on the real hand-labelled duplicate pairs
   (:func:`triage.duplicates.merge_probability`) — the chance that a dispatcher would handle the
   two as one case. Nothing here tokenises or weighs text a second way.
2. **Place.** The named places of each request (:mod:`hotspots.places`; the cases add their 地址)
   scale the text's evidence — the score's excess over that of two unrelated texts: by
   ``1 + place_bonus`` when both name places and share one, by ``place_mismatch`` when both name
   places and share none. A shared place alone never makes a pair. Two cases whose 乡镇 are
   both known and differ are never in one group.
3. **Groups.** Average-link agglomerative clustering on the graph of the pairs scoring at least
   ``edge_threshold`` (pairs below count 0): two groups merge while the mean score over all
   their pairs is at least ``link_threshold``. Average link, not single link: a chain of
   look-alikes (the same template about different estates) does not glue unrelated requests.
4. **Heat.** ``count · (1 + growth_weight · g) · (1 + share_weight · (reopened + unsatisfied))
   + vote_weight · log2(1 + likes + dislikes)`` with ``g = log2((count + 1) / (previous + 1))``
   clipped to [-1, 3], ``previous`` the group's requests in the window before (see
   :func:`find_hotspots`).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from hotspots.places import main_place, share_place

# NumPy and triage's duplicate index (scikit-learn, SciPy: ~180 MB) are imported where a
# grouping runs, not here: every web process imports this module when Django starts
# (hotspots.apps → providers → services), and few of them ever group requests.
if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Item:
    """One request: a case, or a message of a file."""

    id: Hashable
    title: str
    body: str
    time: datetime  # timezone-aware
    places: tuple[str, ...] = ()
    township: str = ""  # the 乡镇 when known ("" = unknown): a hard boundary between groups
    category: str = ""
    likes: int = 0  # 点赞数, where the channel has them
    dislikes: int = 0  # 反对数
    reopened: bool = False  # sent back for re-handling (重办) at least once
    unsatisfied: bool = False  # the citizen's rating was a 差评


@dataclass(frozen=True)
class Params:
    """The method's parameters; defaults chosen on the dev groups (docs/hotspots.md)."""

    edge_threshold: float = 0.2
    link_threshold: float = 0.2
    place_bonus: float = 0.0
    place_mismatch: float = 0.7
    min_size: int = 2
    growth_weight: float = 0.5
    share_weight: float = 1.0
    vote_weight: float = 1.0
    # None: the items given are one window (no growth); else the window ends at `end`.
    window_days: float | None = None


@dataclass
class Hotspot:
    """One group and its figures (``ids`` in time order)."""

    ids: list[Hashable]
    title: str
    place: str
    township: str
    category: str
    count: int  # requests in the window
    previous: int  # requests of the group in the window before
    growth: float  # g of the heat formula
    reopened_share: float
    unsatisfied_share: float
    likes: int
    dislikes: int
    heat: float
    first_at: datetime
    last_at: datetime
    previous_ids: list[Hashable] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        """No request of the group in the window before."""
        return self.previous == 0


# ---------------------------------------------------------------------- pair scores


@dataclass(frozen=True)
class PairFeatures:
    """The pairs ``i < j`` that share enough text to be scored, with what the score reads."""

    i: np.ndarray
    j: np.ndarray
    text_cos: np.ndarray
    title_cos: np.ndarray
    place: np.ndarray  # 1 both name places and share one, 0 both name places and share none, -1 otherwise


# Pairs whose two cosines are both below this are never scored: their score stays near the
# score of two unrelated texts (merge_probability(0, 0)), far below any threshold in use.
MIN_COSINE = 0.05


@cache
def unrelated() -> float:
    """The score of two texts that share nothing (≈ 0.105 with the fitted coefficients)."""
    from triage.duplicates import merge_probability

    return merge_probability(0.0, 0.0)


def pair_features(items: Sequence[Item]) -> PairFeatures:
    """The cosines of every pair of items (triage's duplicate index), and their place relation.

    Two items in different known 乡镇 are left out: they are never one group."""
    import numpy as np

    from triage.duplicates import DuplicateIndex

    index = DuplicateIndex()
    # The index numbers its rows in the order given, so row r is items[r].
    index.add_many([(i, _text(it), None, None, it.time, it.title) for i, it in enumerate(items)])
    ii: list[int] = []
    jj: list[int] = []
    tcs: list[float] = []
    tts: list[float] = []
    rel: list[int] = []
    for i, it in enumerate(items):
        rows, text_cos, title_cos = index.similarities(_text(it), it.title)
        keep = (rows > i) & ((text_cos >= MIN_COSINE) | (title_cos >= MIN_COSINE))
        for j, tc, tt in zip(
            rows[keep].tolist(), text_cos[keep].tolist(), title_cos[keep].tolist(), strict=True
        ):
            other = items[j]
            if it.township and other.township and it.township != other.township:
                continue
            ii.append(i)
            jj.append(j)
            tcs.append(tc)
            tts.append(tt)
            if it.places and other.places:
                rel.append(1 if share_place(it.places, other.places) else 0)
            else:
                rel.append(-1)
    return PairFeatures(
        np.array(ii, dtype=np.int64),
        np.array(jj, dtype=np.int64),
        np.array(tcs, dtype=np.float64),
        np.array(tts, dtype=np.float64),
        np.array(rel, dtype=np.int8),
    )


def pair_scores(features: PairFeatures, params: Params) -> dict[tuple[int, int], float]:
    """{(i, j): score} of the pairs scoring ≥ ``edge_threshold`` after the place adjustment."""
    import numpy as np

    from triage.duplicates import merge_probability

    base = np.array(
        [
            merge_probability(tc, tt)
            for tc, tt in zip(features.text_cos.tolist(), features.title_cos.tolist(), strict=True)
        ],
        dtype=np.float64,
    )
    # The place scales the text's evidence, the score's excess over that of two unrelated texts
    # (unrelated()); it never makes a pair out of a shared place alone (梅溪湖 names a district).
    floor = unrelated()
    excess = np.maximum(0.0, base - floor)
    score = np.where(
        features.place == 1,
        np.minimum(1.0, floor + excess * (1.0 + params.place_bonus)),
        np.where(features.place == 0, floor + excess * params.place_mismatch, base),
    )
    keep = np.flatnonzero(score >= params.edge_threshold)
    return {(int(features.i[k]), int(features.j[k])): float(score[k]) for k in keep.tolist()}


def _text(item: Item) -> str:
    return f"{item.title}\n{item.body}" if item.title else item.body


# ---------------------------------------------------------------------- clustering


def average_link(n: int, scores: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Average-link clusters of ``0..n-1`` (missing pairs score 0), each sorted, largest first.

    Exact average linkage on the sparse graph: a heap of the candidate merges keyed by their
    mean score, stale entries skipped; ties broken by the smaller ids, so the result never
    depends on dict order."""
    size = [1] * n
    alive = [True] * n
    members: list[list[int]] = [[i] for i in range(n)]
    links: list[dict[int, float]] = [{} for _ in range(n)]  # cluster → {cluster: sum of scores}
    for (i, j), s in scores.items():
        links[i][j] = links[i].get(j, 0.0) + s
        links[j][i] = links[j].get(i, 0.0) + s
    heap: list[tuple[float, int, int]] = []
    for i in range(n):
        for j, total in links[i].items():
            if i < j and total >= threshold:
                heap.append((-total, i, j))
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        mean = links[a].get(b, 0.0) / (size[a] * size[b])
        if abs(mean + neg) > 1e-12:
            continue  # stale: the pair's mean changed since it was pushed
        if mean < threshold:
            continue
        # Merge b into a (a < b, so a cluster is named by its smallest original id).
        alive[b] = False
        members[a].extend(members[b])
        size[a] += size[b]
        for c, total in links[b].items():
            if c == a:
                continue
            links[a][c] = links[a].get(c, 0.0) + total
            links[c][a] = links[a][c]
            links[c].pop(b, None)
        links[a].pop(b, None)
        links[b] = {}
        members[b] = []
        for c, total in links[a].items():
            m = total / (size[a] * size[c])
            if m >= threshold:
                heapq.heappush(heap, (-m, min(a, c), max(a, c)))
    clusters = [sorted(m) for i, m in enumerate(members) if alive[i]]
    clusters.sort(key=lambda c: (-len(c), c[0]))
    return clusters


def cluster(items: Sequence[Item], params: Params) -> list[list[int]]:
    """The groups (as positions in ``items``) the method forms, singletons included."""
    return average_link(len(items), pair_scores(pair_features(items), params), params.link_threshold)


# ---------------------------------------------------------------------- heat


def growth_of(count: int, previous: int) -> float:
    return max(-1.0, min(3.0, math.log2((count + 1) / (previous + 1))))


def heat_of(
    count: int,
    previous: int | None,
    reopened_share: float,
    unsatisfied_share: float,
    votes: int,
    params: Params,
) -> float:
    """The heat index (the module docstring's formula); ``previous=None``: no window before."""
    g = 0.0 if previous is None else growth_of(count, previous)
    heat = (
        count
        * (1 + params.growth_weight * g)
        * (1 + params.share_weight * (reopened_share + unsatisfied_share))
    )
    return round(heat + params.vote_weight * math.log2(1 + max(0, votes)), 3)


def _representative(group: list[int], items: Sequence[Item], scores: dict[tuple[int, int], float]) -> int:
    """The member most like the others (highest sum of pair scores); the earliest on a tie."""
    best, best_key = group[0], (-1.0, items[group[0]].time)
    for i in group:
        total = sum(scores.get((min(i, j), max(i, j)), 0.0) for j in group if j != i)
        key = (total, items[i].time)
        if key[0] > best_key[0] or (key[0] == best_key[0] and key[1] < best_key[1]):
            best, best_key = i, key
    return best


def _most_common(values: list[str]) -> str:
    counted = Counter(v for v in values if v)
    if not counted:
        return ""
    return max(counted, key=lambda v: (counted[v], -values.index(v)))


def window_items(
    items: Sequence[Item], params: Params, *, end: datetime | None = None
) -> tuple[list[Item], datetime, bool]:
    """(the items the grouping reads, in time order; the window's start; whether windowed).

    With ``params.window_days`` the window is ``[end - window_days, end)`` (``end`` defaults to
    just after the latest item) and the items of the window before it are read too, so that each
    group knows its ``previous`` count. Without it, all items are the window."""
    if params.window_days is None:
        start = min(it.time for it in items)
        return sorted(items, key=lambda it: (it.time, str(it.id))), start, False
    stop = end or (max(it.time for it in items) + timedelta(seconds=1))
    start = stop - timedelta(days=params.window_days)
    before = start - timedelta(days=params.window_days)
    kept = [it for it in items if before <= it.time < stop]
    return sorted(kept, key=lambda it: (it.time, str(it.id))), start, True


def find_hotspots(
    items: Sequence[Item],
    params: Params = Params(),
    *,
    end: datetime | None = None,
    features: PairFeatures | None = None,
) -> list[Hotspot]:
    """The hotspots of ``items``, hottest first (ties: larger, then earlier); a hotspot needs
    ``min_size`` requests inside the window (:func:`window_items`). ``features``: the pair
    features of :func:`window_items`' items, when the caller has them already."""
    if not items:
        return []
    items, start, windowed = window_items(items, params, end=end)
    if not items:
        return []
    scores = pair_scores(features if features is not None else pair_features(items), params)
    groups = average_link(len(items), scores, params.link_threshold)
    out: list[Hotspot] = []
    for group in groups:
        now = [i for i in group if items[i].time >= start]
        if len(now) < params.min_size:
            continue
        prev = [i for i in group if items[i].time < start]
        members = [items[i] for i in now]
        n = len(members)
        reopened = sum(m.reopened for m in members) / n
        unsatisfied = sum(m.unsatisfied for m in members) / n
        likes = sum(m.likes for m in members)
        dislikes = sum(m.dislikes for m in members)
        previous = len(prev) if windowed else None
        rep = items[_representative(now, items, scores)]
        out.append(
            Hotspot(
                ids=[m.id for m in members],
                title=rep.title or rep.body[:40],
                place=main_place(m.places for m in members),
                township=_most_common([m.township for m in members]),
                category=_most_common([m.category for m in members]),
                count=n,
                previous=len(prev),
                growth=round(growth_of(n, len(prev)), 3) if windowed else 0.0,
                reopened_share=round(reopened, 3),
                unsatisfied_share=round(unsatisfied, 3),
                likes=likes,
                dislikes=dislikes,
                heat=heat_of(n, previous, reopened, unsatisfied, likes + dislikes, params),
                first_at=members[0].time,
                last_at=members[-1].time,
                previous_ids=[items[i].id for i in prev],
            )
        )
    out.sort(key=lambda h: (-h.heat, -h.count, h.first_at))
    return out


def labels_of(n: int, groups: list[list[int]]) -> np.ndarray:
    """A cluster label per position (the evaluator's input)."""
    import numpy as np

    labels = np.empty(n, dtype=np.int64)
    for k, g in enumerate(groups):
        labels[g] = k
    return labels

"""``mochou hotspots evaluate``: the method against the hand-made groups (no Django imports).

The hand groups (``triage/data/real-hotspot-groups.csv``, REAL-HOTSPOTS.md) cover 1,546 of the
4,320 messages of the hot-issue corpus. They have no dev/test split, so one is made here: a
group (or singleton) is *dev* when the first byte of SHA-256 of its id is even, else *test*.
Parameters are chosen on the dev messages only (the highest dev ARI + dev top-20 precision over a
fixed grid); the
figures reported are those of the test messages. The method runs on all 4,320 messages at once
(as ``hotspots find`` does); every figure reads only the labelled messages of its half.

Figures:

* **ARI**: :func:`sklearn.metrics.adjusted_rand_score` of the method's groups against the hand
  groups on the labelled messages of the half.
* **Pairwise precision / recall**: over the pairs of those messages, "same method group" against
  "same hand group".
* **Top-20 precision**: the method's hotspots (groups of ≥ 2 messages) in heat order; a hotspot
  is *judged* when at least two of its members are labelled messages of the half, and *correct*
  when more than half of those labelled members belong to one hand group of two or more
  messages. The top 20 are the first 20 judged hotspots; the unjudged ones passed over are counted.
* **Intervals** (95 %): ARI and pairwise figures by a bootstrap over hand groups (1,000
  resamples, seed 11; a resampled pair weighs the product of its two groups' multiplicities, a
  pair inside one group its multiplicity); top-20 precision by the Wilson interval.

The baseline is TF-IDF over character 2–3-grams (sublinear tf, title + text, triage's
normalisation) with the same average-link clustering on its cosines, no title field, no place,
its two thresholds tuned on the same dev messages.
"""

from __future__ import annotations

import hashlib
import platform
import re
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from hotspots.method import (
    Hotspot,
    Item,
    Params,
    average_link,
    find_hotspots,
    pair_features,
    pair_scores,
    window_items,
)
from hotspots.offline import read_items
from mochou.datasets import REAL_HOTSPOT_GROUPS_CSV, VOTES_FULL_CSV, read_real_hotspot_groups
from mochou.stats_intervals import wilson
from triage.duplicates import text_for_ngrams

BOOTSTRAP = 1000
SEED = 11
TOP = 20
DOC_PATH = Path("docs/hotspots.md")
BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"

# The grids (dev only). Kept small: every point is one clustering of all 4,320 messages.
EDGE_GRID = (0.12, 0.15, 0.2)
LINK_GRID = (0.12, 0.15, 0.2, 0.25, 0.3, 0.4)
BONUS_GRID = (0.0, 1.0, 2.0)
MISMATCH_GRID = (1.0, 0.7, 0.4)
BASE_FLOOR_GRID = (0.05, 0.08, 0.1)
BASE_LINK_GRID = (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3)


def split_of(group: str) -> str:
    """dev or test, by the group's id (stable, no seed)."""
    return "dev" if hashlib.sha256(group.encode()).digest()[0] % 2 == 0 else "test"


# ---------------------------------------------------------------------- pair counting


@dataclass(frozen=True)
class Contingency:
    """The labelled messages of one half: hand group × method group counts."""

    group_of_entry: np.ndarray  # per (group, cluster) cell: the group's index
    cluster_of_entry: np.ndarray
    count: np.ndarray
    group_sizes: np.ndarray
    n_groups: int
    n_clusters: int


def contingency(true: Sequence[Hashable], pred: Sequence[Hashable]) -> Contingency:
    g_index: dict[Hashable, int] = {}
    c_index: dict[Hashable, int] = {}
    cells: Counter[tuple[int, int]] = Counter()
    for t, p in zip(true, pred, strict=True):
        cells[(g_index.setdefault(t, len(g_index)), c_index.setdefault(p, len(c_index)))] += 1
    keys = sorted(cells)
    g = np.array([k[0] for k in keys], dtype=np.int64)
    c = np.array([k[1] for k in keys], dtype=np.int64)
    n = np.array([cells[k] for k in keys], dtype=np.float64)
    sizes = np.bincount(g, weights=n, minlength=len(g_index))
    return Contingency(g, c, n, sizes, len(g_index), len(c_index))


def pair_figures(ct: Contingency, weights: np.ndarray | None = None) -> dict[str, float]:
    """ARI, pairwise precision and recall; ``weights``: each hand group's multiplicity."""
    w = np.ones(ct.n_groups) if weights is None else weights.astype(np.float64)
    wg = w[ct.group_of_entry]
    n = ct.count
    tp = float(np.sum(wg * n * (n - 1) / 2))
    a = ct.group_sizes
    true_pairs = float(np.sum(w * a * (a - 1) / 2))
    s1 = np.bincount(ct.cluster_of_entry, weights=wg * n, minlength=ct.n_clusters)
    s2 = np.bincount(ct.cluster_of_entry, weights=wg * wg * n * n, minlength=ct.n_clusters)
    pred_pairs = tp + float(np.sum(s1 * s1 - s2) / 2)
    total = true_pairs + float((np.sum(w * a) ** 2 - np.sum(w * w * a * a)) / 2)
    expected = true_pairs * pred_pairs / total if total else 0.0
    top = (true_pairs + pred_pairs) / 2 - expected
    ari = (tp - expected) / top if top else 1.0
    return {
        "ari": ari,
        "precision": tp / pred_pairs if pred_pairs else 1.0,
        "recall": tp / true_pairs if true_pairs else 1.0,
    }


def bootstrap(
    ct: Contingency, rng: np.random.Generator, n: int = BOOTSTRAP
) -> dict[str, tuple[float, float]]:
    draws: dict[str, list[float]] = {"ari": [], "precision": [], "recall": []}
    for _ in range(n):
        w = np.bincount(rng.integers(0, ct.n_groups, ct.n_groups), minlength=ct.n_groups)
        for key, value in pair_figures(ct, w).items():
            draws[key].append(value)
    return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in draws.items()}


# ---------------------------------------------------------------------- judging


@dataclass(frozen=True)
class Judged:
    rank: int  # 1-based among all hotspots
    title: str
    heat: float
    size: int
    labelled: int
    majority_group: str
    majority_title: str
    majority: int
    correct: bool


def top_precision(
    hotspots: Sequence[Hotspot], group_of: dict[str, str], title_of: dict[str, str], sizes: Counter[str]
) -> tuple[list[Judged], int]:
    """The first ``TOP`` judged hotspots and how many unjudged ones were passed over."""
    judged: list[Judged] = []
    skipped = 0
    for rank, h in enumerate(hotspots, 1):
        groups = [group_of[str(i)] for i in h.ids if str(i) in group_of]
        if len(groups) < 2:
            skipped += 1
            continue
        best, k = Counter(groups).most_common(1)[0]
        correct = k * 2 > len(groups) and sizes[best] >= 2 and not best.startswith("s-")
        judged.append(Judged(rank, h.title, h.heat, h.count, len(groups), best, title_of[best], k, correct))
        if len(judged) == TOP:
            break
    return judged, skipped


# ---------------------------------------------------------------------- the runs


@dataclass
class Setting:
    name: str
    params: dict[str, float]
    dev: dict[str, float]


def _with(base: Params, values: dict[str, float]) -> Params:
    """``base`` with a grid point's four values."""
    return replace(
        base,
        edge_threshold=values["edge_threshold"],
        link_threshold=values["link_threshold"],
        place_bonus=values["place_bonus"],
        place_mismatch=values["place_mismatch"],
    )


def _objective(s: Setting) -> tuple[float, float]:
    """Dev ARI + dev top-20 precision; on a tie the higher link threshold (fewer merges)."""
    return (round(s.dev["ari"] + s.dev["top"], 9), s.params["link_threshold"])


def _all_groups(hotspots: Sequence[Hotspot], index: dict[Hashable, int], n: int) -> list[list[int]]:
    """The hotspots' members as positions, every other message alone."""
    groups = [[index[i] for i in h.ids] for h in hotspots]
    placed = {k for g in groups for k in g}
    return groups + [[k] for k in range(n) if k not in placed]


def _labels(n: int, groups: list[list[int]]) -> np.ndarray:
    labels = np.empty(n, dtype=np.int64)
    for k, g in enumerate(groups):
        labels[g] = k
    return labels


def _figures_on(labels: np.ndarray, positions: list[int], truth: list[str]) -> dict[str, float]:
    return pair_figures(contingency(truth, labels[positions].tolist()))


def baseline_scores(items: Sequence[Item], floor: float) -> dict[tuple[int, int], float]:
    """TF-IDF cosine ≥ ``floor`` of every pair (title + text, no place)."""
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2)
    x = vec.fit_transform([text_for_ngrams(f"{it.title}\n{it.body}") for it in items]).tocsr()
    out: dict[tuple[int, int], float] = {}
    step = 512
    for lo in range(0, x.shape[0], step):
        block = (x[lo : lo + step] @ x.T).tocoo()
        for i, j, v in zip(block.row.tolist(), block.col.tolist(), block.data.tolist(), strict=True):
            i += lo
            if j > i and v >= floor:
                out[(i, j)] = float(v)
    return out


def evaluate(
    doc: Path | None = DOC_PATH, *, corpus: Path = VOTES_FULL_CSV, labels_path: Path = REAL_HOTSPOT_GROUPS_CSV
) -> dict[str, Any]:
    """Every figure of docs/hotspots.md's generated part; writes it into ``doc`` unless None."""
    t0, c0 = time.perf_counter(), time.process_time()
    raw = read_items(corpus)
    base_params = Params()
    items, _, _ = window_items(raw, base_params)
    t_read = time.perf_counter() - t0
    features = pair_features(items)
    t_features = time.perf_counter() - t0 - t_read
    cpu_before_grid = time.process_time() - c0

    hand = read_real_hotspot_groups(labels_path)
    group_of = {r.id: r.group for r in hand}
    title_of = {r.group: r.group_title for r in hand}
    sizes = Counter(r.group for r in hand)
    positions = {half: [] for half in ("dev", "test")}  # type: dict[str, list[int]]
    truth = {half: [] for half in ("dev", "test")}  # type: dict[str, list[str]]
    for pos, it in enumerate(items):
        g = group_of.get(str(it.id))
        if g is not None:
            half = split_of(g)
            positions[half].append(pos)
            truth[half].append(g)
    n = len(items)

    # Method: the grid on dev, each point judged by dev ARI + dev top-20 precision (the two
    # figures a user sees: whether the groups are right, whether the top of the list is).
    dev_truth = {i: g for i, g in group_of.items() if split_of(g) == "dev"}
    index = {it.id: k for k, it in enumerate(items)}
    settings: list[Setting] = []
    cache: dict[float, dict[tuple[int, int], float]] = {}
    for edge in EDGE_GRID:
        for bonus in BONUS_GRID:
            for mismatch in MISMATCH_GRID:
                for link in LINK_GRID:
                    if link < edge:
                        continue
                    values = {
                        "edge_threshold": edge,
                        "link_threshold": link,
                        "place_bonus": bonus,
                        "place_mismatch": mismatch,
                    }
                    found = find_hotspots(items, _with(base_params, values), features=features)
                    labels = _labels(n, _all_groups(found, index, n))
                    dev = _figures_on(labels, positions["dev"], truth["dev"])
                    judged, _ = top_precision(found, dev_truth, title_of, sizes)
                    dev["top"] = sum(j.correct for j in judged) / max(1, len(judged))
                    settings.append(Setting("method", values, dev))
    best = max(settings, key=_objective)
    no_place = max(
        (s for s in settings if s.params["place_bonus"] == 0 and s.params["place_mismatch"] == 1.0),
        key=_objective,
    )
    # Baseline grid on dev.
    base_settings: list[Setting] = []
    for floor in BASE_FLOOR_GRID:
        cache[floor] = baseline_scores(items, floor)
        for link in BASE_LINK_GRID:
            if link < floor:
                continue
            labels = _labels(n, average_link(n, cache[floor], link))
            base_settings.append(
                Setting(
                    "baseline",
                    {"floor": floor, "link_threshold": link},
                    _figures_on(labels, positions["dev"], truth["dev"]),
                )
            )
    for s in base_settings:
        floor, link = s.params["floor"], s.params["link_threshold"]
        found = _baseline_hotspots(items, average_link(n, cache[floor], link), base_params)
        judged, _ = top_precision(found, dev_truth, title_of, sizes)
        s.dev["top"] = sum(j.correct for j in judged) / max(1, len(judged))
    base_best = max(base_settings, key=_objective)

    chosen = _with(base_params, best.params)
    rows: list[dict[str, Any]] = []
    rng = np.random.default_rng(SEED)
    tops: dict[str, tuple[list[Judged], int]] = {}
    t_find = cpu_find = 0.0
    for name, setting in (
        ("method", best),
        ("method without place", no_place),
        ("baseline (TF-IDF)", base_best),
    ):
        if setting.name == "baseline":
            scores = cache[setting.params["floor"]]
            groups = average_link(n, scores, setting.params["link_threshold"])
            hotspots = _baseline_hotspots(items, groups, base_params)
        else:
            t1, c1 = time.perf_counter(), time.process_time()
            hotspots = find_hotspots(items, _with(base_params, setting.params), features=features)
            if name == "method":
                t_find = time.perf_counter() - t1
                cpu_find = cpu_before_grid + time.process_time() - c1
            groups = _all_groups(hotspots, index, n)
        labels = _labels(n, groups)
        row: dict[str, Any] = {"name": name, "params": setting.params, "dev": setting.dev}
        for half in ("dev", "test"):
            ct = contingency(truth[half], labels[positions[half]].tolist())
            row[half] = pair_figures(ct)
            row[half + "_ci"] = bootstrap(ct, rng)
            judged, skipped = top_precision(
                hotspots, {i: g for i, g in group_of.items() if split_of(g) == half}, title_of, sizes
            )
            k = sum(j.correct for j in judged)
            row[half + "_top"] = {
                "correct": k,
                "judged": len(judged),
                "skipped": skipped,
                "ci": wilson(k, len(judged)),
            }
            if name == "method":
                tops[half] = (judged, skipped)
        row["hotspots"] = len(hotspots)
        rows.append(row)
    # The parity check of the dev figure against scikit-learn's own ARI (the doc says they agree).
    labels = _labels(n, average_link(n, pair_scores(features, chosen), chosen.link_threshold))
    sk = adjusted_rand_score(truth["test"], labels[positions["test"]].tolist())
    report: dict[str, Any] = {
        "rows": rows,
        "chosen": best.params,
        "defaults": {k: getattr(base_params, k) for k in best.params},
        "baseline_chosen": base_best.params,
        "grid": [asdict(s) for s in settings],
        "tops": tops,
        "sklearn_test_ari": sk,
        "counts": {
            "messages": n,
            "labelled": {h: len(positions[h]) for h in positions},
            "groups": {h: len(set(truth[h])) for h in truth},
            "groups2": {h: sum(1 for g in set(truth[h]) if not g.startswith("s-")) for h in truth},
            "pairs": len(features.i),
            "with_place": sum(1 for it in items if it.places),
        },
        "timing": {
            "read": t_read,
            "features": t_features,
            "cluster_and_heat": t_find,
            "total": t_read + t_features + t_find,
            "cpu": cpu_find,
        },
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
    }
    report["markdown"] = render(report)
    if doc is not None:
        write_generated(doc, report["markdown"])
    return report


def _baseline_hotspots(items: Sequence[Item], groups: list[list[int]], params: Params) -> list[Hotspot]:
    """The baseline's groups of ≥ 2 as hotspots, heat by the same formula (count and votes)."""
    from hotspots.method import heat_of

    out = []
    for g in groups:
        if len(g) < params.min_size:
            continue
        members = [items[i] for i in g]
        votes = sum(m.likes + m.dislikes for m in members)
        out.append(
            Hotspot(
                ids=[m.id for m in members], title=members[0].title, place="", township="", category="",
                count=len(g), previous=0, growth=0.0, reopened_share=0.0, unsatisfied_share=0.0,
                likes=sum(m.likes for m in members), dislikes=sum(m.dislikes for m in members),
                heat=heat_of(len(g), None, 0.0, 0.0, votes, params),
                first_at=members[0].time, last_at=members[-1].time,
            )
        )  # fmt: skip
    out.sort(key=lambda h: (-h.heat, -h.count, h.first_at))
    return out


# ---------------------------------------------------------------------- the doc


def _f(x: float) -> str:
    return f"{x:.3f}"


def _ci(ci: tuple[float, float]) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _intro(r: dict[str, Any]) -> list[str]:
    c = r["counts"]
    lab, grp, grp2 = c["labelled"], c["groups"], c["groups2"]
    same = _same(r["chosen"], r["defaults"])
    return [
        "## Results",
        "",
        "<!-- Generated by `mochou hotspots evaluate` (hotspots/evaluate.py); do not edit by hand. -->",
        "",
        f"Corpus: {c['messages']:,} messages (`mochou/data/messages-with-votes-full.csv`), one run over all "
        f"of them ({c['pairs']:,} pairs scored). Hand groups: `triage/data/real-hotspot-groups.csv`, split "
        f"by the hash of the group id — dev {lab['dev']} messages in {grp['dev']} groups "
        f"({grp2['dev']} of ≥ 2), "
        f"test {lab['test']} messages in {grp['test']} groups ({grp2['test']} of ≥ 2). Messages with at "
        f"least one place name: {c['with_place']:,} ({c['with_place'] / c['messages']:.0%}).",
        "",
        f"Chosen on dev (highest dev ARI + dev top-20 precision over the grid): `{_params(r['chosen'])}`; "
        f"the defaults in code (`hotspots.method.Params`): `{_params(r['defaults'])}` — "
        + ("the same." if same else "**different: update Params**."),
        f"Baseline chosen on dev: `{_params(r['baseline_chosen'])}`.",
        "",
    ]


def render(r: dict[str, Any]) -> str:
    c = r["counts"]
    lines = [
        *_intro(r),
        "### Test messages (reported)",
        "",
        "| method | ARI | 95 % | pair precision | 95 % | pair recall | 95 % | top-20 precision "
        "| 95 % (Wilson) | hotspots |",
        "|---|---:|---|---:|---|---:|---|---:|---|---:|",
    ]
    for row in r["rows"]:
        t, ci, top = row["test"], row["test_ci"], row["test_top"]
        cells = [
            row["name"],
            _f(t["ari"]),
            _ci(ci["ari"]),
            _f(t["precision"]),
            _ci(ci["precision"]),
            _f(t["recall"]),
            _ci(ci["recall"]),
            f"{top['correct']}/{top['judged']}",
            _ci(top["ci"]),
            str(row["hotspots"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    skipped = (r["rows"][0]["test_top"]["skipped"], r["rows"][2]["test_top"]["skipped"])
    lines += [
        "",
        "scikit-learn's `adjusted_rand_score` on the test messages, recomputed apart: "
        f"{r['sklearn_test_ari']:.3f}.",
        "Top-20: the first 20 hotspots (heat order) with ≥ 2 labelled test members; unjudged hotspots "
        f"passed over on the way: method {skipped[0]}, baseline {skipped[1]}.",
        "",
        "### Dev messages (parameters chosen here; not a fair estimate)",
        "",
        "| method | ARI | pair precision | pair recall | top-20 precision |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in r["rows"]:
        d, top = row["dev"], row["dev_top"]
        cells = [
            row["name"],
            _f(d["ari"]),
            _f(d["precision"]),
            _f(d["recall"]),
            f"{top['correct']}/{top['judged']}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    judged, _ = r["tops"]["test"]
    lines += [
        "",
        "### The method's top 20 on the test messages",
        "",
        "| rank | heat | size | hotspot (representative title) | labelled | majority hand group | share "
        "| correct |",
        "|---:|---:|---:|---|---:|---|---:|---|",
    ]
    for j in judged:
        cells = [
            str(j.rank),
            f"{j.heat:.1f}",
            str(j.size),
            _cell(j.title),
            str(j.labelled),
            f"{j.majority_group} {_cell(j.majority_title)}",
            f"{j.majority}/{j.labelled}",
            "yes" if j.correct else "no",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    tm = r["timing"]
    lines += [
        "",
        "### Time",
        "",
        f"Machine: {r['machine']}, one process, shared with other jobs. On the {c['messages']:,} messages: "
        f"reading and place extraction {tm['read']:.1f} s, pair features {tm['features']:.1f} s, grouping "
        f"and heat {tm['cluster_and_heat']:.1f} s — {tm['total']:.1f} s in all, of which "
        f"{tm['cpu']:.1f} s of CPU time (wall time depends on the other jobs; `mochou hotspots find` "
        "does the same work, plus Django's start-up).",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "／")[:40]


def _params(p: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in p.items())


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return all(abs(float(a[k]) - float(b[k])) < 1e-9 for k in a)


def write_generated(doc: Path, body: str) -> None:
    """Replace the generated part of ``doc`` (between the markers), or append it."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{BEGIN}\n{body}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block
    doc.write_text(text, encoding="utf-8")

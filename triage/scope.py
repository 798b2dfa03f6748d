"""Out of scope: messages of the subjects the labelled data do not cover (no Django imports).

The category tree has 15 first-level subjects; the labelled messages cover 7. A message of
another subject (政法, 民政, 国土资源, 农村农业, 纪检监察, 经济管理, 科技与信息产业, 党务政务)
must reach a person, never be forced into one of the 7. The model learns one more class,
:data:`OUT_OF_SCOPE`, from examples that never needed a hand label:

* weak examples: real messages whose government reply names a unit of one of those 8 subjects
  (公安局 → 政法, 民政局 → 民政 …; :mod:`triage.weak_labels`);
* the category tree's own 二级/三级 names of those 8 subjects as short documents (刑案侦破,
  户籍证件, 低保 …) — the words, not messages.

:func:`TriageModel.predict <triage.pipeline.TriageModel.predict>` then says ``out_of_scope``
when that class wins or its probability reaches the model's ``oos_threshold``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# The label of the extra class. Readable on purpose: it is what a person sees if it shows.
OUT_OF_SCOPE = "不在已训练的类别内"
# What the suggestion says of such a message (triage.services).
OUT_OF_SCOPE_NOTE = "不在已训练的类别内，需人工分拣"


def out_of_scope_subjects(taxonomy: Iterable[tuple[str, str, str]], labels: Iterable[str]) -> list[str]:
    """The tree's first-level subjects that are not among ``labels``, in tree order."""
    known = set(labels)
    out: list[str] = []
    for level1, _, _ in taxonomy:
        if level1 and level1 not in known and level1 not in out:
            out.append(level1)
    return out


def taxonomy_documents(
    taxonomy: Iterable[tuple[str, str, str]], subjects: Sequence[str]
) -> list[tuple[str, str]]:
    """(title, body) short documents from the tree's names of ``subjects``: one per 二级分类,
    its 三级 names as the body ("其他" rows skipped: they say nothing)."""
    wanted = set(subjects)
    by_level2: dict[tuple[str, str], list[str]] = {}
    for level1, level2, level3 in taxonomy:
        if level1 in wanted and level2 and level2 != "其他":
            names = by_level2.setdefault((level1, level2), [])
            if level3 and level3 != "其他" and level3 not in names:
                names.append(level3)
    return [(level2, "，".join(names)) for (_, level2), names in by_level2.items()]


def choose_oos_threshold(p_oos: Sequence[float], is_oos: Sequence[bool], grid: Sequence[float] = ()) -> float:
    """The P(out of scope) from which a message is flagged, chosen on labelled dev messages: the
    grid value with the best F1 of "out of scope" (ties: the lower value, which flags more)."""
    values = list(grid) or [round(0.05 * i, 2) for i in range(1, 20)]
    best, best_f1 = 1.0, -1.0
    for tau in values:
        tp = sum(1 for p, o in zip(p_oos, is_oos, strict=True) if o and p >= tau)
        flagged = sum(1 for p in p_oos if p >= tau)
        positives = sum(1 for o in is_oos if o)
        f1 = 2 * tp / (flagged + positives) if flagged + positives else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = tau, f1
    return best

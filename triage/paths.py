"""The full category path of a case, chosen within a first-level category by the words of its text.

The model predicts only the first level (its labels have no other); the second and third come
from what the city itself wrote down: the names in the category tree (mochou.vocabulary's terms
and the tokenizer's search sub-words of them) and the keywords of the dispatch catalogue's entries
under each node. A term found in the text counts 1/df, df being how many sibling nodes list it, so
a word every sibling shares decides nothing. No evidence, no choice: the path stops where the
words stop (a person completes it); only inside a chosen second level does a leaf 其他 stand for
"this subject, nothing more specific".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cases.models import Category
from mochou.text import cut_for_search
from mochou.vocabulary import GENERIC_TERMS, category_terms

OTHER = "其他"


@dataclass(frozen=True)
class PathChoice:
    category: Category
    evidence: list[str] = field(default_factory=list)  # the words that chose it, for the dispatcher

    @property
    def is_full(self) -> bool:
        return self.category.level >= 3


@lru_cache(maxsize=4096)
def name_terms(name: str) -> frozenset[str]:
    """The words of one category name: its parts and their search sub-words (no generic ones)."""
    terms: set[str] = set()
    for term in category_terms(name):
        terms.add(term)
        terms.update(p for p in cut_for_search(term) if len(p) >= 2 and p not in GENERIC_TERMS)
    return frozenset(terms)


def keyword_terms(keywords: str) -> set[str]:
    """Every alternative of every group of a catalogue entry's keywords."""
    return {w for group in keywords.split() for w in group.split("|") if len(w) >= 2}


def _best(
    nodes: Sequence[Category], terms: dict[int, set[str]], text: str
) -> tuple[Category | None, list[str]]:
    """The node whose terms weigh most in the text, with those terms; None on no evidence or a tie."""
    df = Counter(t for node in nodes for t in terms[node.pk])
    scored: list[tuple[float, Category, list[str]]] = []
    for node in nodes:
        found = sorted((t for t in terms[node.pk] if t in text), key=lambda t: (-len(t), t))
        # A word inside a longer found word of the same node counts once (施工 in 建筑施工).
        kept = [t for i, t in enumerate(found) if not any(t in longer for longer in found[:i])]
        score = sum(1.0 / df[t] for t in kept)
        if score > 0:
            scored.append((score, node, kept))
    if not scored:
        return None, []
    scored.sort(key=lambda s: (-s[0], s[1].path))
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None, []  # two subjects weigh the same: not ours to pick
    return scored[0][1], scored[0][2]


def refine(root: Category, text: str, keywords: dict[int, Iterable[str]] | None = None) -> PathChoice:
    """The deepest category under `root` (itself included) that the text gives evidence for.

    `keywords`: catalogue keywords per category id, counted for the node and its ancestors."""
    keywords = keywords or {}
    if root.level >= 3:
        return PathChoice(root)
    children = [c for c in root.children.all() if c.is_active]
    if not children:
        return PathChoice(root)
    terms: dict[int, set[str]] = {}
    for child in children:
        words = set(name_terms(child.name)) if child.name != OTHER else set()
        for words_of in keywords.get(child.pk, ()):
            words |= keyword_terms(words_of)
        for leaf in child.children.all():
            if leaf.is_active:
                words |= name_terms(leaf.name) if leaf.name != OTHER else set()
                for words_of in keywords.get(leaf.pk, ()):
                    words |= keyword_terms(words_of)
        terms[child.pk] = words
    chosen, evidence = _best(children, terms, text)
    if chosen is None:
        return PathChoice(root)
    if chosen.level >= 3:
        return PathChoice(chosen, evidence)
    deeper = refine(chosen, text, keywords)
    if deeper.category.pk != chosen.pk:
        return PathChoice(deeper.category, evidence + [w for w in deeper.evidence if w not in evidence])
    other = next((c for c in chosen.children.all() if c.is_active and c.name == OTHER), None)
    return PathChoice(other or chosen, evidence)

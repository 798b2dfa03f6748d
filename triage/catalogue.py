"""The one resolver of the 派单目录: which unit a matter goes to, and why.

Dispatch rules, the model's suggestion and the knowledge base's 派单口径 all end here. The
catalogue's entries are the centre's own statement of each unit's duties (category × township ×
time of day × keywords → lead unit + co-handlers); the model only says what the text is about
(a first-level category), and the 派单口径 guides are written into entries (their `basis` names
the guide). Where they disagree the most specific matching entry wins, and the explanation says
what was not taken, in plain Chinese, for the dispatcher.

Specificity, most specific first: an entry with keywords (the matter described in words) beats
one without; then the deeper category; then a township entry beats a city-wide one; then a time
window beats the whole day; then more keyword groups. Two matching entries equally specific
with different lead units are a question for a person, never a coin toss. A catalogue that
places nothing leaves the case to a person: the category's default unit (taxonomy) is shown as
advice only and is never dispatched automatically.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.utils import timezone

from cases.models import Category
from org.models import Unit
from triage.models import DispatchCatalogue, DispatchRule
from triage.paths import refine

SOURCE_CATALOGUE = "catalogue"
SOURCE_DEFAULT = "default"


@dataclass(frozen=True)
class Placement:
    """The catalogue's answer for one matter."""

    lead: Unit | None
    co: list[Unit] = field(default_factory=list)
    category: Category | None = None  # the path the catalogue (or the words) chose
    rule: DispatchRule | None = None
    catalogue: DispatchCatalogue | None = None
    source: str = ""  # SOURCE_CATALOGUE, SOURCE_DEFAULT, or "" (nothing placed it)
    reason: str = ""  # why, in Chinese, for the dispatcher
    evidence: list[str] = field(default_factory=list)  # the words that chose the path

    @property
    def placed(self) -> bool:
        """An entry of the catalogue placed it: the only answer auto-dispatch may act on."""
        return self.source == SOURCE_CATALOGUE and self.lead is not None


# ---------------------------------------------------------------- matching one entry


def keyword_groups(keywords: str) -> list[list[str]]:
    return [[w for w in group.split("|") if w] for group in keywords.split()]


def keywords_match(keywords: str, text: str) -> bool:
    """Every group has a word in the text (no groups: matches)."""
    return all(any(w in text for w in group) for group in keyword_groups(keywords) if group)


def in_window(start: time | None, end: time | None, moment: time) -> bool:
    """Whether `moment` is in [start, end); start > end wraps midnight (22:00–06:00)."""
    if start is None or end is None:
        return True
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def _depth(rule: DispatchRule) -> int:
    return rule.category.level


def specificity(rule: DispatchRule) -> tuple[int, int, int, int, int]:
    return (
        1 if rule.keywords.strip() else 0,
        _depth(rule),
        1 if rule.township_id else 0,
        1 if rule.hours_from is not None else 0,
        len(keyword_groups(rule.keywords)),
    )


def _matches(rule: DispatchRule, *, text: str, township_id: int | None, moment: time) -> bool:
    return (
        (rule.township_id is None or rule.township_id == township_id)
        and in_window(rule.hours_from, rule.hours_to, moment)
        and keywords_match(rule.keywords, text)
    )


# ---------------------------------------------------------------- the entries of a version


def active_rules(catalogue: DispatchCatalogue) -> list[DispatchRule]:
    """A version's active entries with what matching needs (their categories' paths included),
    in two queries: a few hundred rows, read per triage rather than cached, so that a draft
    being edited and a test database reusing ids can never serve stale entries."""
    return list(
        DispatchRule.objects.filter(version=catalogue, is_active=True, category__is_active=True)
        .select_related("category__parent__parent", "township", "lead_unit")
        .prefetch_related("co_units")
        .order_by("pk")
    )


def catalogue_in_force(at: datetime | None = None) -> DispatchCatalogue | None:
    """The published catalogue whose period holds `at` (default now); None before the first."""
    return DispatchCatalogue.in_force(at or timezone.now())


# ---------------------------------------------------------------- resolving


def _path_ids(category: Category) -> list[int]:
    ids: list[int] = []
    node: Category | None = category
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def _root(category: Category) -> Category:
    while category.parent is not None:
        category = category.parent
    return category


def _branch(root: Category) -> Category:
    """The first-level category with its whole subtree loaded (four queries): refining walks every
    child and grandchild, which was a query each (29 of a triage's queries)."""
    return Category.objects.prefetch_related("children__children__children").get(pk=root.pk)


def _compatible(category: Category, chosen: Category | None) -> bool:
    """On one branch: one of them is an ancestor (or itself) of the other."""
    if chosen is None:
        return False
    return category.pk in _path_ids(chosen) or chosen.pk in _path_ids(category)


def _pick(rules: list[DispatchRule]) -> tuple[DispatchRule | None, list[DispatchRule]]:
    """The most specific rule, or None and the tied rules when equals disagree on the lead."""
    if not rules:
        return None, []
    rules = sorted(rules, key=specificity, reverse=True)
    top = [r for r in rules if specificity(r) == specificity(rules[0])]
    if len({r.lead_unit_id for r in top}) > 1:
        return None, top
    return top[0], []


def unit_label(unit: Unit) -> str:
    return unit.display_name


def describe(rule: DispatchRule) -> str:
    """The matter in a few words: its note (e.g. 夜间建筑施工噪声) or its category and conditions."""
    if rule.note.strip():
        return rule.note.strip()
    conditions = [
        rule.township.display_name if rule.township is not None else "",
        rule.time_text(),
        f"含“{rule.keywords.strip()}”" if rule.keywords.strip() else "",
    ]
    shown = "，".join(c for c in conditions if c)
    return f"{rule.category.name}（{shown}）" if shown else rule.category.name


def _route_text(lead: Unit, co: Iterable[Unit]) -> str:
    co_names = "、".join(unit_label(u) for u in co)
    return unit_label(lead) + (f"（协办：{co_names}）" if co_names else "")


def resolve(
    *,
    text: str,
    title: str = "",
    township: Unit | None,
    at: datetime,
    category: Category | None = None,
    model_category: Category | None = None,
    catalogue: DispatchCatalogue | None = None,
    exclude_units: Collection[int | Unit] = (),
) -> Placement:
    """Place a matter (`text`: title and body; `title` alone decides keyword entries across the
    tree): `category` is a person's choice (kept, entries looked up on its path and,
    by keywords, below it); without one, `model_category` (the model's first level) is refined
    by the words and keyword entries anywhere in the catalogue may place it elsewhere.
    `exclude_units`: units never to suggest (a unit that returned the case, 退单)."""
    excluded = {u.pk if isinstance(u, Unit) else int(u) for u in exclude_units}
    catalogue = catalogue if catalogue is not None else catalogue_in_force(at)
    moment = timezone.localtime(at).time()
    township_id = township.pk if township is not None else None
    notes: list[str] = []
    rules = active_rules(catalogue) if catalogue is not None else []
    matching = [r for r in rules if _matches(r, text=text, township_id=township_id, moment=moment)]
    skipped = [r for r in matching if r.lead_unit_id in excluded or not r.lead_unit.is_active]
    for gone in {r.lead_unit_id: r.lead_unit for r in skipped if r.lead_unit_id in excluded}.values():
        notes.append(f"已退单的{unit_label(gone)}不再建议")
    usable = [r for r in matching if r not in skipped]

    # The path first: a person's category, or the model's first level refined by the words.
    chosen, evidence = category or model_category, []
    if category is None and model_category is not None:
        keywords: dict[int, list[str]] = {}
        for r in rules:
            if r.keywords.strip():
                keywords.setdefault(r.category_id, []).append(r.keywords)
        refined = refine(_branch(_root(model_category)), text, keywords)
        chosen, evidence = refined.category, refined.evidence
    # An entry described in words decides when its words are in the title (what the matter is),
    # wherever it sits in the tree (unless a person chose the category); words found only in the
    # body may be incidental, so there the entry must agree with the path.
    keyword_rules = [
        r
        for r in usable
        if r.keywords.strip()
        and (_compatible(r.category, chosen) or (category is None and keywords_match(r.keywords, title)))
    ]
    rule, tied = _pick(keyword_rules)
    if rule is None and not tied:
        on_path = set(_path_ids(chosen)) if chosen is not None else set()
        rule, tied = _pick([r for r in usable if not r.keywords.strip() and r.category_id in on_path])
    if tied:
        names = "；".join(f"{describe(r)} → {unit_label(r.lead_unit)}" for r in tied[:3])
        notes.insert(0, f"派单目录有同样具体的多个事项（{names}），请人工派单")
        return Placement(
            None, category=chosen, catalogue=catalogue, reason="；".join(notes), evidence=evidence
        )
    if rule is not None and catalogue is not None:
        co = [
            u
            for u in rule.co_units.all()
            if u.is_active and u.pk not in excluded and u.pk != rule.lead_unit_id
        ]
        path = category if category is not None and rule.category_id in _path_ids(category) else None
        if path is None:
            # The entry's category, unless the words went deeper under it.
            path = chosen if chosen is not None and rule.category_id in _path_ids(chosen) else rule.category
        head = f"派单目录第{catalogue.number}版：{describe(rule)} → {_route_text(rule.lead_unit, co)}"
        if rule.basis.strip():
            head += f"（依据：{rule.basis.strip()}）"
        notes.insert(0, head)
        notes.extend(_not_taken(rule, usable, model_category, chosen, category, excluded))
        return Placement(
            rule.lead_unit, co, path, rule, catalogue, SOURCE_CATALOGUE, "；".join(notes), evidence
        )
    return _unplaced(chosen, catalogue, excluded, notes, evidence)


def _not_taken(
    rule: DispatchRule,
    usable: list[DispatchRule],
    model_category: Category | None,
    chosen: Category | None,
    category: Category | None,
    excluded: set[int],
) -> list[str]:
    """What the model's advice alone would have given, when an entry in words overrules it: its
    first level, and the unit of its path (refined by the words) without keyword entries."""
    notes: list[str] = []
    if category is None and model_category is not None and rule.keywords.strip():
        model_root = _root(model_category)
        if _root(rule.category).pk != model_root.pk:
            notes.append(f"模型建议的一级分类“{model_root.name}”未采用")
        path = chosen if chosen is not None and _root(chosen).pk == model_root.pk else model_root
        plain, _ = _pick([r for r in usable if not r.keywords.strip() and r.category_id in _path_ids(path)])
        fallback = plain.lead_unit if plain is not None else _default_unit(path, excluded)
        if fallback is not None and fallback.pk != rule.lead_unit_id:
            notes.append(f"模型建议的{unit_label(fallback)}未采用")
    return notes


def _default_unit(category: Category | None, excluded: set[int]) -> Unit | None:
    node = category
    while node is not None:
        unit = node.default_unit
        if unit is not None and unit.is_active and unit.pk not in excluded:
            return unit
        node = node.parent
    return None


def _unplaced(
    chosen: Category | None,
    catalogue: DispatchCatalogue | None,
    excluded: set[int],
    notes: list[str],
    evidence: list[str],
) -> Placement:
    """No entry places it: a person decides; the category's default unit is advice at most."""
    default = _default_unit(chosen, excluded)
    subject = f"“{chosen.path}”" if chosen is not None else "该诉求"
    head = f"派单目录第{catalogue.number}版未覆盖{subject}" if catalogue else "尚无生效的派单目录"
    if default is not None:
        head += f"；分类默认单位{unit_label(default)}仅供参考，请人工派单"
        return Placement(
            default, [], chosen, None, catalogue, SOURCE_DEFAULT, "；".join([head, *notes]), evidence
        )
    return Placement(
        None, [], chosen, None, catalogue, "", "；".join([head + "，请人工派单", *notes]), evidence
    )

"""What changed between two versions of the dispatch catalogue, for the centre's history page.

Entries are matched by what they describe (category, township, keywords, time of day); an entry
of the newer version with no match is 新增, one of the older with none is 删除, and a match whose
units, duty or switch differ is 修改. Who and when are the versions' own fields (and the audit
log holds each edit of a draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from triage.catalogue import describe, unit_label
from triage.models import DispatchCatalogue, DispatchRule

Key = tuple[int, int | None, str, time | None, time | None]


@dataclass(frozen=True)
class Change:
    kind: str  # 新增 / 删除 / 修改
    matter: str
    detail: str


def _key(rule: DispatchRule) -> Key:
    return (rule.category_id, rule.township_id, rule.keywords.strip(), rule.hours_from, rule.hours_to)


def _route(rule: DispatchRule) -> str:
    co = "、".join(unit_label(u) for u in rule.co_units.all())
    text = unit_label(rule.lead_unit) + (f"（协办：{co}）" if co else "")
    return text if rule.is_active else f"{text}（停用）"


def _entries(version: DispatchCatalogue) -> dict[Key, DispatchRule]:
    rows = version.rules.select_related("category", "township", "lead_unit").prefetch_related("co_units")
    return {_key(r): r for r in rows}


def previous(version: DispatchCatalogue) -> DispatchCatalogue | None:
    return DispatchCatalogue.objects.filter(number__lt=version.number).order_by("-number").first()


def changes(version: DispatchCatalogue, base: DispatchCatalogue | None = None) -> list[Change]:
    """The entries `version` adds, removes or changes against `base` (default: the version before)."""
    base = base if base is not None else previous(version)
    new = _entries(version)
    old = _entries(base) if base is not None else {}
    out: list[Change] = []
    for key, rule in new.items():
        was = old.get(key)
        if was is None:
            out.append(Change("新增", f"{rule.category.path} · {describe(rule)}", _route(rule)))
        elif (_route(was), was.basis) != (_route(rule), rule.basis):
            detail = f"{_route(was)} → {_route(rule)}"
            if was.basis != rule.basis:
                detail += f"；依据：{rule.basis or '（无）'}"
            out.append(Change("修改", f"{rule.category.path} · {describe(rule)}", detail))
    for key, rule in old.items():
        if key not in new:
            out.append(Change("删除", f"{rule.category.path} · {describe(rule)}", _route(rule)))
    return sorted(out, key=lambda c: (c.matter, c.kind))

"""Category × township → units, from the administrators' rules (DispatchRule), most specific first."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import Category
from org.models import Unit
from triage.models import DispatchRule


@dataclass(frozen=True)
class UnitChoice:
    lead: Unit
    co: list[Unit] = field(default_factory=list)
    source: str = ""  # which rule gave it, for the dispatcher and the log


def units_for(category: Category | None, township: Unit | None) -> UnitChoice | None:
    """Walk from the category up to its root; at each level a township rule beats a city-wide one.
    With no rule at all, the nearest category's default unit (set in the taxonomy) is the answer."""
    node = category
    while node is not None:
        rules = DispatchRule.objects.filter(category=node, is_active=True).select_related("lead_unit")
        by_township = {r.township_id: r for r in rules.prefetch_related("co_units")}
        rule = by_township.get(township.pk if township else None) or by_township.get(None)
        if rule is not None and rule.lead_unit.is_active:
            return UnitChoice(
                rule.lead_unit, list(rule.co_units.filter(is_active=True)), source=f"派单规则：{rule}"
            )
        node = node.parent
    node = category
    while node is not None:
        if node.default_unit is not None and node.default_unit.is_active:
            return UnitChoice(node.default_unit, [], source=f"分类默认单位：{node.path}")
        node = node.parent
    return None

"""Category × township → units, from the administrators' rules in one version of the dispatch
catalogue (DispatchCatalogue), most specific first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from cases.models import Category
from org.models import Unit
from triage.models import DispatchCatalogue, DispatchRule


@dataclass(frozen=True)
class UnitChoice:
    lead: Unit
    co: list[Unit] = field(default_factory=list)
    source: str = ""  # which rule gave it, for the dispatcher and the log


def catalogue_in_force(at: datetime | None = None) -> DispatchCatalogue | None:
    """The published catalogue whose period holds `at` (default now); None before the first."""
    return DispatchCatalogue.in_force(at or timezone.now())


def units_for(
    category: Category | None,
    township: Unit | None,
    *,
    catalogue: DispatchCatalogue | None = None,
    at: datetime | None = None,
) -> UnitChoice | None:
    """Walk from the category up to its root; at each level a township rule beats a city-wide one.
    With no rule at all (or no catalogue), the nearest category's default unit (set in the
    taxonomy) is the answer.

    The rules are those of `catalogue`, or of the catalogue in force at `at` (default now): a case
    is triaged with the catalogue in force when it came in, so that its suggestion is explained by
    the rules of its day."""
    if catalogue is None:
        catalogue = catalogue_in_force(at)
    node = category
    while catalogue is not None and node is not None:
        rules = DispatchRule.objects.filter(version=catalogue, category=node, is_active=True)
        by_township = {
            r.township_id: r for r in rules.select_related("lead_unit").prefetch_related("co_units")
        }
        rule = by_township.get(township.pk if township else None) or by_township.get(None)
        if rule is not None and rule.lead_unit.is_active:
            co = [u for u in rule.co_units.all() if u.is_active]
            return UnitChoice(rule.lead_unit, co, source=f"派单目录第{catalogue.number}版：{rule}")
        node = node.parent
    node = category
    while node is not None:
        if node.default_unit is not None and node.default_unit.is_active:
            return UnitChoice(node.default_unit, [], source=f"分类默认单位：{node.path}")
        node = node.parent
    return None

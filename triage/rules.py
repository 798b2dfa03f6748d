"""Which units a case goes to: the questions other code asks of the dispatch catalogue.

All of them go through the one resolver (triage.catalogue.resolve); this module only adapts it
to what each caller holds: a category and a township (the `predict` command, old suggestions
explained months later), or a whole case (the re-dispatch after a 退单, leaving out the units
that returned it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from cases.models import Case, Category
from org.models import Unit
from triage.catalogue import Placement, catalogue_in_force, resolve
from triage.models import DispatchCatalogue

__all__ = ["UnitChoice", "catalogue_in_force", "redispatch_advice", "units_for", "units_for_case"]


@dataclass(frozen=True)
class UnitChoice:
    lead: Unit
    co: list[Unit] = field(default_factory=list)
    source: str = ""  # why, for the dispatcher and the log


def units_for(
    category: Category | None,
    township: Unit | None,
    *,
    catalogue: DispatchCatalogue | None = None,
    at: datetime | None = None,
    exclude: Collection[int | Unit] = (),
) -> UnitChoice | None:
    """The units for a category in a township, from `catalogue` (or the one in force at `at`,
    default now): the category's own entries (no text, so no keyword entry), else — as advice —
    the nearest category's default unit. None when nothing names a unit."""
    at = at or timezone.now()
    placement = resolve(
        text="", township=township, at=at, category=category, catalogue=catalogue, exclude_units=exclude
    )
    if placement.lead is None:
        return None
    return UnitChoice(placement.lead, placement.co, source=placement.reason)


def units_for_case(
    case: Case, *, exclude_units: Collection[int | Unit] = (), now: datetime | None = None
) -> Placement:
    """The catalogue's placement of a case now (its category, township and words; the time of
    day of its intake), never naming `exclude_units` — after a 退单, the unit that returned it."""
    suggestion = case.suggestions.exclude(category=None).order_by("-created_at").first()
    model_category = suggestion.category if suggestion is not None else None
    return resolve(
        text=f"{case.title}\n{case.content}",
        title=case.title,
        township=case.township,
        at=case.created_at,
        category=case.category,
        model_category=model_category,
        catalogue=catalogue_in_force(now),
        exclude_units=exclude_units,
    )


@dataclass(frozen=True)
class Advice:
    """The shape of triage's advice (cases.hooks.triage_advice) for the re-dispatch form."""

    lead_unit: Unit | None
    co_units: list[str]
    category: Category | None
    reason: str

    @property
    def lead_unit_id(self) -> int | None:
        return self.lead_unit.pk if self.lead_unit is not None else None


def redispatch_advice(case: Any, exclude: Collection[int] = frozenset()) -> Advice | None:
    """cases.hooks.redispatch_advice: the catalogue re-resolved without the units whose 退单 was
    upheld; None when it places the case nowhere else (a person decides)."""
    placement = units_for_case(case, exclude_units=exclude)
    if placement.lead is None:
        return None
    return Advice(placement.lead, [u.code for u in placement.co], placement.category, placement.reason)

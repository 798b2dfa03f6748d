"""The extraction against the database's plans and unit tree (the pages, API and command)."""

from __future__ import annotations

from supervision.extract import Draft, PlanRef, UnitRef, extract, unit_refs
from supervision.plan_data import PLANS


def db_plans() -> list[PlanRef]:
    from supervision.task_models import Plan

    rows = list(Plan.objects.select_related("lead_unit"))
    if not rows:
        return spec_plans()
    return [
        PlanRef(p.number, p.name, tuple(p.keyword_list()), p.lead_unit.code if p.lead_unit else "")
        for p in rows
    ]


def spec_plans() -> list[PlanRef]:
    return [PlanRef(p.number, p.name, tuple(p.keywords.split("、")), p.lead_unit) for p in PLANS]


def db_units() -> list[UnitRef]:
    from org.models import Unit, UnitKind

    rows = Unit.objects.active().exclude(kind=UnitKind.VILLAGE).values_list("code", "name", "short_name")
    return unit_refs(rows)


def extract_from_db(text: str, *, year: int | None = None) -> list[Draft]:
    return extract(text, plans=db_plans(), units=db_units(), year=year)

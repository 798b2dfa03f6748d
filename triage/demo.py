"""Demo dispatch rules: a few township-specific routes on top of the taxonomy's default units.

In the two urban 街道 the 街道 handles city-construction matters itself, with 市住建局
co-handling; elsewhere the category's default department applies (cases/taxonomy.py). They are
version 1 of the dispatch catalogue, in force "since always" like the first time limits.
"""

from __future__ import annotations

from django.utils import timezone

from cases.models import Category
from loop.versions import first_version
from org.models import Unit
from triage.models import DispatchCatalogue, DispatchRule

# (first-level category, township name, lead unit code, co-handler codes)
DEMO_RULES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("城乡建设", "郢中街道", "420881001", ("D-ZJJ",)),
    ("城乡建设", "皇庄街道", "420881002", ("D-ZJJ",)),
    ("环境保护", "胡集镇", "D-STHJ", ("420881103",)),
    ("交通运输", "湖北钟祥经济开发区", "D-JTJ", ("420881400",)),
)


def seed_rules() -> int:
    """Publish the demo rules as version 1 of the catalogue when there is no catalogue yet; returns
    how many rules the catalogue in force has. A second load changes nothing (later rules come as
    new versions, never by editing a published one). Missing units are skipped."""
    if not DispatchCatalogue.objects.exists():
        _publish_first_catalogue()
    current = DispatchCatalogue.in_force(timezone.now())
    return current.rules.count() if current is not None else 0


def _publish_first_catalogue() -> None:
    """Version 1, in force since always (loop.versions.first_version)."""
    with first_version(DispatchCatalogue, note="演示派单规则") as version:
        if version is None:
            return
        for category_name, township_name, lead_code, co_codes in DEMO_RULES:
            category = Category.objects.filter(level=1, name=category_name).first()
            township = Unit.objects.filter(kind="township", name=township_name).first()
            lead = Unit.objects.filter(code=lead_code).first()
            if not (category and township and lead):
                continue
            rule = DispatchRule.objects.create(
                version=version, category=category, township=township, lead_unit=lead, note="演示规则"
            )
            rule.co_units.set(Unit.objects.filter(code__in=co_codes))

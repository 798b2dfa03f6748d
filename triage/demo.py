"""Demo dispatch rules: a few township-specific routes on top of the taxonomy's default units.

In the two urban 街道 the 街道 handles city-construction matters itself, with 市住建局
co-handling; elsewhere the category's default department applies (cases/taxonomy.py).
"""

from __future__ import annotations

from cases.models import Category
from org.models import Unit
from triage.models import DispatchRule

# (first-level category, township name, lead unit code, co-handler codes)
DEMO_RULES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("城乡建设", "郢中街道", "420881001", ("D-ZJJ",)),
    ("城乡建设", "皇庄街道", "420881002", ("D-ZJJ",)),
    ("环境保护", "胡集镇", "D-STHJ", ("420881103",)),
    ("交通运输", "湖北钟祥经济开发区", "D-JTJ", ("420881400",)),
)


def seed_rules() -> int:
    """Create or update the demo rules; returns how many exist afterwards. Missing units are skipped."""
    for category_name, township_name, lead_code, co_codes in DEMO_RULES:
        category = Category.objects.filter(level=1, name=category_name).first()
        township = Unit.objects.filter(kind="township", name=township_name).first()
        lead = Unit.objects.filter(code=lead_code).first()
        if not (category and township and lead):
            continue
        rule, _ = DispatchRule.objects.update_or_create(
            category=category, township=township, defaults={"lead_unit": lead, "note": "演示规则"}
        )
        rule.co_units.set(Unit.objects.filter(code__in=co_codes))
    return DispatchRule.objects.count()

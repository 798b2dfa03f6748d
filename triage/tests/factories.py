"""Dispatch catalogues for tests, made the way administrators make them: a draft, its rules, publish."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from cases.models import Category
from loop.versions import new_draft, publish
from org.models import Unit
from triage.models import DispatchCatalogue, DispatchRule

# category, township (None: city-wide), lead unit, co-handlers
Rule = tuple[Category, Unit | None, Unit, Iterable[Unit]]


def publish_rules(
    actor: Any,
    rules: Iterable[Rule] = (),
    *,
    valid_from: datetime | None = None,
    copy_from: DispatchCatalogue | None = None,
) -> DispatchCatalogue:
    """A catalogue version with `rules` (after those of `copy_from`), published to start at
    `valid_from` (default now; publishing "as of" that moment, so a frozen clock is not needed)."""
    start = valid_from or timezone.now()
    draft = new_draft(DispatchCatalogue, actor=actor, valid_from=start, copy_from=copy_from)
    for category, township, lead, co in rules:
        rule = DispatchRule.objects.create(
            version=draft, category=category, township=township, lead_unit=lead
        )
        rule.co_units.set(list(co))
    return publish(draft, actor=actor, now=min(start, timezone.now()))

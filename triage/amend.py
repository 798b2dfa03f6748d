"""The centre's edits of the dispatch catalogue: entries in a draft, amendments from dispute
rulings, and the categories a county city does not use.

A ruling on a 派单异议 (cases.hooks.dispute_ruled) that asks to amend the catalogue never changes
the catalogue in force: it writes (or extends) an entry in the open draft, whose note names the
case, for the centre to review and publish with an effective date (loop.versions.publish).
Every write here is in the audit log, in the transaction of the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit.services import record, snapshot
from cases.models import Category
from loop.versions import VersionStatus, new_draft
from org.models import Unit
from triage.catalogue import catalogue_in_force
from triage.models import PLAIN_RULE, DispatchCatalogue, DispatchRule

log = logging.getLogger(__name__)

DISPUTE_DRAFT_NOTE = "派单异议裁定待审的修订"


def open_draft(actor: Any = None) -> DispatchCatalogue:
    """The newest draft, or a new one copied from the catalogue in force (starting tomorrow)."""
    draft = DispatchCatalogue.objects.filter(status=VersionStatus.DRAFT).order_by("-number").first()
    if draft is not None:
        return draft
    start = timezone.localtime() + timedelta(days=1)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return new_draft(
        DispatchCatalogue,
        actor=actor,
        valid_from=start,
        copy_from=catalogue_in_force(),
        note=DISPUTE_DRAFT_NOTE,
    )


def amend_from_ruling(
    *,
    case_id: int,
    category_id: int | None,
    township_id: int | None,
    unit_id: int | None,
    actor: Any = None,
    reason: str = "",
) -> DispatchRule | None:
    """The ruling's unit becomes the lead of the plain entry for the case's category (in its
    township, when it has one) in the open draft; the entry's note names the case. None when
    the ruling names no unit or category."""
    if unit_id is None or category_id is None:
        return None
    category = Category.objects.filter(pk=category_id).first()
    unit = Unit.objects.filter(pk=unit_id).first()
    if category is None or unit is None:
        return None
    with transaction.atomic():
        draft = open_draft(actor)
        rule = (
            DispatchRule.objects.filter(PLAIN_RULE, version=draft, category=category, township_id=township_id)
            .select_related("lead_unit")
            .first()
        )
        before = snapshot(rule) if rule is not None else None
        basis = f"派单异议裁定（工单{case_id}）"
        if rule is None:
            rule = DispatchRule.objects.create(
                version=draft,
                category=category,
                township_id=township_id,
                lead_unit=unit,
                basis=basis,
                note=f"待审：异议裁定改派{unit.display_name}",
            )
        elif rule.lead_unit_id != unit.pk or basis not in rule.basis:
            rule.lead_unit = unit
            rule.basis = (f"{rule.basis}；{basis}" if rule.basis else basis)[:200]
            rule.note = f"待审：异议裁定改派{unit.display_name}"
            rule.save()
        record(
            actor=actor,
            action="setting.change",
            target=draft,
            old={f"dispatchrule#{rule.pk}": before} if before else {},
            new={f"dispatchrule#{rule.pk}": snapshot(rule)},
            reason=reason or basis,
        )
    return rule


def on_dispute_ruled(
    *,
    case_id: int,
    amend_catalogue: bool = False,
    category_id: int | None = None,
    township_id: int | None = None,
    decided_unit_id: int | None = None,
    actor_id: int | None = None,
    **_: object,
) -> None:
    """cases.hooks.dispute_ruled: a ruling that asks to amend the catalogue drafts the amendment."""
    if not amend_catalogue:
        return
    from accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    amend_from_ruling(
        case_id=case_id,
        category_id=category_id,
        township_id=township_id,
        unit_id=decided_unit_id,
        actor=actor,
    )


def deactivate_categories(paths: Iterable[str], *, actor: Any = None, reason: str) -> int:
    """Switch off categories (and everything below them) the city does not use, e.g. 地铁城铁 in a
    county city: they leave the dispatch form and the catalogue's matching. Returns how many
    changed; each change is audited."""
    changed = 0
    with transaction.atomic():
        for path in paths:
            rows = Category.objects.filter(is_active=True).filter(path=path) | Category.objects.filter(
                is_active=True, path__startswith=f"{path}/"
            )
            for category in rows:
                before = snapshot(category)
                Category.objects.filter(pk=category.pk).update(is_active=False)
                category.is_active = False
                record(actor=actor, action="category.deactivate", target=category, old=before,
                       new=snapshot(category), reason=reason)  # fmt: skip
                changed += 1
    return changed


# ---------------------------------------------------------------- the centre's pages edit through these

ENTRY_FIELDS = (
    "category",
    "township",
    "keywords",
    "hours_from",
    "hours_to",
    "lead_unit",
    "basis",
    "is_active",
    "note",
)


def _entry_snapshot(rule: DispatchRule) -> dict[str, Any]:
    values = snapshot(rule)
    values["co_units"] = sorted(rule.co_units.values_list("pk", flat=True))
    return values


def start_draft(*, actor: Any, valid_from: Any, note: str = "") -> DispatchCatalogue:
    """A new draft copied from the catalogue in force (audited by loop.versions.new_draft)."""
    return new_draft(
        DispatchCatalogue, actor=actor, valid_from=valid_from, copy_from=catalogue_in_force(), note=note
    )


def save_entry(
    draft: DispatchCatalogue,
    *,
    actor: Any,
    values: dict[str, Any],
    co_units: Iterable[Unit],
    entry: DispatchRule | None = None,
    reason: str = "",
) -> DispatchRule:
    """Create or change one entry of a draft, with its co-handlers; the change is audited
    (action setting.change on the version, the entry's old and new values)."""
    with transaction.atomic():
        before = _entry_snapshot(entry) if entry is not None and entry.pk else None
        rule = entry or DispatchRule(version=draft)
        for name in ENTRY_FIELDS:
            if name in values:
                setattr(rule, name, values[name])
        rule.version = draft
        rule.save()
        rule.co_units.set([u for u in co_units if u.pk != rule.lead_unit_id])
        key = f"dispatchrule#{rule.pk}"
        record(actor=actor, action="setting.change", target=draft, old={key: before} if before else {},
               new={key: _entry_snapshot(rule)}, reason=reason)  # fmt: skip
    return rule


def delete_entry(entry: DispatchRule, *, actor: Any, reason: str = "") -> None:
    with transaction.atomic():
        draft, key, before = entry.version, f"dispatchrule#{entry.pk}", _entry_snapshot(entry)
        entry.delete()
        record(actor=actor, action="setting.change", target=draft, old={key: before}, new={}, reason=reason)

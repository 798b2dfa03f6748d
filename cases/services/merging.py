"""Cases that are not this city's or not new: 合并 into a parent, 转办 to another platform."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from cases.models import Case
from cases.services.common import CASES, now_or, tell_citizen, text
from cases.workflow import Action, State
from mochou.errors import InvalidInput


def merge(case: Case, *, actor: User, parent: Case, note: str = "", now: datetime | None = None) -> Case:
    """合并: a duplicate joins its parent; its citizen will get the parent's answer."""
    if parent.pk == case.pk:
        CASES.guards.check_actor(actor, Action.MERGE)
        raise InvalidInput(
            "不能把工单合并到它自己。", code="invalid_input.parent", details={"field": "parent"}
        )
    # Both rows locked, in id order: two dispatchers merging A into B and B into A at once would
    # otherwise each see the other still open and leave both merged, handled by nobody.
    with CASES.verb(case, Action.MERGE, actor, now=now_or(now), also_lock=[parent.pk]) as step:
        case, parent = step.item, step.others[parent.pk]
        if parent.state in (State.MERGED, State.TRANSFERRED):
            raise InvalidInput(
                f"主工单 {parent.number} 的状态为“{parent.state_label}”，不能作为合并目标。",
                code="invalid_input.parent",
                details={"field": "parent"},
            )
        case.parent = parent
        # Duplicates merged into this case follow it, so their citizens still hear the one answer.
        carried = list(case.duplicates.values_list("number", flat=True))
        case.duplicates.update(parent=parent)
        step.record(
            note=text(note, "合并说明", required=False, max_len=500),
            payload={"parent": parent.number, "carried": carried},
            fields=["parent"],
        )
        if parent.replied_at:
            tell_citizen(case, "case_merged")
    return case


def transfer(case: Case, *, actor: User, target: str, note: str = "", now: datetime | None = None) -> Case:
    """转办: to another jurisdiction's platform; the case stays here for tracking."""
    with CASES.verb(case, Action.TRANSFER, actor, now=now_or(now)) as step:
        case = step.item
        case.transferred_to = text(target, "转办去向", min_len=2, max_len=100)
        step.record(
            note=text(note, "转办说明", required=False, max_len=500),
            payload={"target": case.transferred_to},
            fields=["transferred_to"],
        )
    return case

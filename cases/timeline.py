"""What of a case's record each reader sees: drafts and the triage's advice are not for everyone.

The event log itself is never changed; these functions only decide what is shown (pages, API).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role
from cases.models import CaseEvent
from cases.workflow import Action

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case

# Events whose note is a draft answer or the leader's review of it: the lead unit's own business.
DRAFT_ACTIONS = frozenset({Action.REPLY, Action.REJECT_REPLY})


def sees_drafts(user: User, case: Case) -> bool:
    """Submitted and rejected drafts belong to the lead unit's review; others see approved answers."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.is_unit_staff and user.unit_id is not None and user.unit_id == case.lead_unit_id


def visible_events(user: User, case: Case) -> list[CaseEvent]:
    """The case's events in order, with draft texts and (for units) the triage's advice left out."""
    drafts = sees_drafts(user, case)
    events = list(CaseEvent.objects.filter(case=case).select_related("actor", "actor_unit").order_by("seq"))
    for event in events:
        if event.action in DRAFT_ACTIONS and not drafts:
            event.note = "（答复草稿仅主办单位可见）"
            event.payload = {}
        elif event.action == Action.TRIAGE and user.is_unit_staff:
            # Advice for the centre; it names other cases (possible duplicates) and other units.
            event.note, event.payload = "", {}
    return events

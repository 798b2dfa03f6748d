"""提级办理: a case re-done or passed between units too often becomes a 问题工单 for the supervisors.

The count is read from the event log (cases.history.moves), so it is recomputable at any time:
the verbs that move a case between units (退单) or send it back for another round (重办) ask
`escalate_if_due` once they have committed, and the periodic sweep asks it again for every case
over the threshold that is not flagged yet (a crash between the two loses nothing).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q

from accounts.models import Role
from cases import hooks
from cases.history import MOVE_ACTIONS, moves
from cases.models import Case, CaseEvent
from cases.services.common import CASES, now_or
from cases.workflow import OPEN_STATES, Action
from mochou.errors import TransitionNotAllowed
from notifications.services import notify_role


def escalation_moves() -> int:
    """How many returns and re-dos make a 问题工单 (MOCHOU_ESCALATION_MOVES, default 3)."""
    return max(1, int(settings.MOCHOU_ESCALATION_MOVES))


class _AlreadyEscalated(Exception):
    """Raised inside the verb to roll it back: someone flagged the case meanwhile."""


def escalate_if_due(case_id: int, now: datetime | None = None) -> bool:
    """Flag the case as a 问题工单 if its moves reached the threshold; True when this call did.

    The system's own action (no person takes it): one ESCALATE event with the count and the
    moves' summary, `escalated_at` set, the supervisors told. Done once per case.
    """
    case = Case.objects.filter(pk=case_id, escalated_at__isnull=True, state__in=OPEN_STATES).first()
    if case is None:
        return False
    counted = moves(case)
    if len(counted) < escalation_moves():
        return False
    try:
        with CASES.verb(case, Action.ESCALATE, None, now=now_or(now), guard=False) as step:
            case = step.item
            if case.escalated_at is not None:
                raise _AlreadyEscalated
            case.escalated_at = step.now
            kinds = {a: sum(1 for e in counted if e.action == a) for a in MOVE_ACTIONS}
            summary = "、".join(f"{Action(a).label}{n}次" for a, n in kinds.items() if n)
            step.record(
                note=f"{summary}，转为问题工单提级办理",
                payload={"moves": len(counted), **{str(a): n for a, n in kinds.items()}},
                fields=["escalated_at"],
            )
            hooks.case_escalated.send_after_commit(case_id=case.pk, moves=len(counted))
            step.after_commit(
                notify_role,
                [Role.SUPERVISOR],
                kind="escalated",
                message=f"问题工单 {case.number}：{summary}，请提级办理",
                case=case,
            )
    except (_AlreadyEscalated, TransitionNotAllowed):  # flagged meanwhile, or no longer open
        return False
    return True


def sweep_escalations(now: datetime | None = None, *, limit: int = 500) -> int:
    """Flag every open case over the threshold that is not flagged yet; returns how many."""
    moved = Count("events", filter=Q(events__action__in=MOVE_ACTIONS))
    due = (
        Case.objects.filter(escalated_at__isnull=True, state__in=OPEN_STATES)
        .filter(pk__in=CaseEvent.objects.filter(action__in=MOVE_ACTIONS).values("case_id"))
        .annotate(moved=moved)
        .filter(moved__gte=escalation_moves())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for case_id in list(due) if escalate_if_due(case_id, now))

"""督办 of a case, as the case loop keeps it: the 督办 event on the case.

The 督办单 itself (its colour, its signing for, its answer and its escalation) is an item of the
supervision app (supervision.Notice), which cases does not import: `supervise` asks whoever
issues notices (cases.hooks.supervise: supervision.services.issue_notice), and that verb calls
`record_supervision` inside its own transaction, so the notice and the case's event commit
together. Without the supervision app, `supervise` records the event alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import Role, User
from cases import hooks
from cases.models import Case, CaseEvent
from cases.services.common import CASES, now_or, text
from cases.workflow import MACHINE, Action
from mochou.errors import InvalidInput
from notifications.services import notify_unit, queue_sms
from notifications.texts import sms_text
from org.models import Unit
from worktime.calendar import add_working_days


def supervise(
    case: Case, *, actor: User, body: str, respond_days: int = 2, now: datetime | None = None
) -> Any:
    """督办单 to the lead unit (or, before dispatch, to the centre): the notice issued (see above)."""
    return hooks.supervise(case, actor=actor, body=body, respond_days=respond_days, now=now)


def may_record_supervision(case: Case) -> bool:
    """Whether the case's state takes a 督办 event (every open state; not a closed case)."""
    return Action.SUPERVISE in MACHINE.allowed_actions(case.state)


def record_supervision(
    case: Case,
    *,
    actor: User | None,
    body: str,
    respond_days: int = 2,
    now: datetime | None = None,
    payload: dict[str, Any] | None = None,
    unit: Unit | None = None,
    notify: bool = True,
) -> CaseEvent:
    """The case's 督办 event, under the case's guard (role, a unit to supervise, an open case).

    `actor=None` is the system (an escalation by the supervision sweep): the table still decides,
    the guard's roles do not. `payload` is the notice's (its number, colour, unit, 反馈期限);
    `unit` the notice's (by default the lead unit, else the supervisor's own); `notify=False` when
    the caller tells the unit itself (the supervision app does).
    """
    with CASES.verb(case, Action.SUPERVISE, actor, now=now_or(now), guard=actor is not None) as step:
        case, now = step.item, step.now
        demand = text(body, "督办要求", min_len=4, max_len=2000)
        if not 1 <= respond_days <= 30:
            raise InvalidInput("反馈期限应为1至30个工作日。", code="invalid_input.days")
        unit = unit or case.lead_unit or (actor.unit if actor is not None else None)
        if unit is None:  # the guard asks for a lead unit or the supervisor's own
            raise RuntimeError(f"case {case.number} has nobody to supervise")
        respond_by = add_working_days(now, respond_days)
        event = step.record(
            note=demand,
            payload=payload or {"unit": unit.code, "respond_by": respond_by.isoformat()},
        )
        if notify:
            step.after_commit(
                notify_unit,
                unit,
                kind="supervised",
                message=f"督办：工单 {case.number}——{demand[:60]}",
                case=case,
            )
            leaders = unit.staff.filter(role=Role.UNIT_LEADER, is_active=True).exclude(mobile="")
            for phone in leaders.values_list("mobile", flat=True):
                queue_sms(phone, sms_text("case_supervised", number=case.number, body=demand), case=case)
    if not isinstance(event, CaseEvent):  # the loop's event model is the case's
        raise TypeError(event)
    return event

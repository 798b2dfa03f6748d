"""挂起（中止计时）: a case waiting on something outside the unit stops its handling clock.

The lead unit asks, with a reason from the closed list and the document it rests on; the
centre's dispatchers decide, as with an extension. While suspended the case is neither near due
nor overdue; its own limit runs instead (cases.deadlines.SUSPEND). On resumption the handling
deadline moves by exactly the working time spent suspended, on the working calendar.
"""

from __future__ import annotations

from datetime import datetime

from accounts.models import Role, User
from cases.guards import open_suspension
from cases.models import Case, Suspension, SuspensionReason
from cases.services.common import CASES, now_or, text
from cases.workflow import Action
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_role, notify_unit
from worktime.calendar import add_working_days, add_working_hours, working_hours_between

MAX_SUSPENSION_DAYS = 60


def request_suspension(
    case: Case,
    *,
    actor: User,
    reason: str,
    explanation: str,
    document: str,
    days: int,
    now: datetime | None = None,
) -> Suspension:
    with CASES.verb(case, Action.REQUEST_SUSPENSION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        if reason not in SuspensionReason.values:
            raise InvalidInput("请选择挂起事由。", code="invalid_input.reason", details={"field": "reason"})
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SUSPENSION_DAYS:
            raise InvalidInput(
                f"挂起天数应为1至{MAX_SUSPENSION_DAYS}个工作日。",
                code="invalid_input.days",
                details={"field": "days"},
            )
        if case.lead_unit is None:  # the guard lets only the lead unit ask, so there is one
            raise RuntimeError(f"case {case.number} has no lead unit to suspend for")
        suspension = Suspension.objects.create(
            case=case,
            unit=case.lead_unit,
            reason=reason,
            explanation=text(explanation, "情况说明", min_len=4, max_len=1000),
            document=text(document, "依据文书", min_len=4, max_len=200),
            days=days,
            requested_by=actor,
            requested_at=now,
        )
        step.record(
            note=suspension.explanation,
            payload={
                "suspension": suspension.pk,
                "reason": reason,
                "days": days,
                "document": suspension.document,
            },
        )
        unit_name = case.lead_unit.name if case.lead_unit else ""
        message = f"{unit_name}申请工单 {case.number} 挂起{days}个工作日：{SuspensionReason(reason).label}"
        step.after_commit(
            notify_role, [Role.DISPATCHER], kind="suspension_requested", message=message, case=case
        )
    return suspension


def decide_suspension(
    case: Case, *, actor: User, approve: bool, note: str = "", now: datetime | None = None
) -> Suspension:
    """Approved, the case is suspended from now for at most the days asked; refused, it runs on."""
    with CASES.verb(case, Action.DECIDE_SUSPENSION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        suspension = open_suspension(case, Suspension.Status.PENDING)
        if suspension is None:  # the guard makes this unreachable; kept for a request raced away
            raise Conflict("该工单没有待审批的挂起申请。", code="case.no_pending_suspension")
        comment = text(note, "审批意见", required=not approve, max_len=500)
        suspension.decided_by, suspension.decided_at, suspension.decision_note = actor, now, comment
        if approve:
            suspension.status = Suspension.Status.RUNNING
            suspension.started_at = now
            suspension.limit_at = add_working_days(now, suspension.days)
            case.suspended_until = suspension.limit_at
        else:
            suspension.status = Suspension.Status.REFUSED
        suspension.save()
        step.record(
            action=Action.SUSPEND if approve else Action.DECIDE_SUSPENSION,
            note=comment,
            payload={
                "suspension": suspension.pk,
                "approved": approve,
                "limit_at": suspension.limit_at.isoformat() if suspension.limit_at else None,
            },
            fields=["suspended_until"],
        )
        verdict = "已同意，办理时限中止计时" if approve else "未同意"
        if case.lead_unit is not None:
            step.after_commit(
                notify_unit, case.lead_unit, kind="suspension_decided",
                message=f"工单 {case.number} 的挂起申请{verdict}", case=case,
            )  # fmt: skip
    return suspension


def resume(case: Case, *, actor: User, note: str = "", now: datetime | None = None) -> Suspension:
    """恢复计时: the handling deadline moves by the working time the case spent suspended."""
    with CASES.verb(case, Action.RESUME, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        suspension = open_suspension(case, Suspension.Status.RUNNING)
        if suspension is None or suspension.started_at is None:
            raise Conflict("该工单没有进行中的挂起。", code="case.not_suspended")
        hours = max(0.0, working_hours_between(suspension.started_at, now))
        old_due = case.due_at
        # Only working time moves it: a suspension that spanned no working hour (a Friday night to
        # Saturday) leaves the deadline where it was (add_working_hours of 0 would roll it forward).
        if old_due is not None and hours > 0:
            case.due_at = add_working_hours(old_due, hours)
        case.suspended_until = None
        suspension.status, suspension.ended_at, suspension.ended_by = Suspension.Status.ENDED, now, actor
        suspension.suspended_hours = hours
        suspension.save(update_fields=["status", "ended_at", "ended_by", "suspended_hours"])
        step.record(
            note=text(note, "恢复说明", required=False, max_len=500),
            payload={
                "suspension": suspension.pk,
                "suspended_hours": round(hours, 4),
                "overran": suspension.overran,
                "due_at_before": old_due.isoformat() if old_due else None,
                "due_at": case.due_at.isoformat() if case.due_at else None,
            },
            fields=["due_at", "suspended_until"],
        )
        if case.lead_unit is not None and actor.unit_id != case.lead_unit_id:
            step.after_commit(
                notify_unit, case.lead_unit, kind="resumed", message=f"工单 {case.number} 恢复计时", case=case
            )
    return suspension

"""The end of the loop: the callback (回访), closing (结案) and starting over (重办)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from cases import hooks
from cases.guards import close_needs_note
from cases.models import Assignment, Callback, Case, Satisfaction
from cases.services.common import CASES, callback_attempts_allowed, limits, now_or, text
from cases.services.handling import withdraw_pending_extensions, withdraw_pending_suspensions
from cases.workflow import Action
from mochou.errors import InvalidInput
from notifications.services import notify_unit
from worktime.calendar import add_working_days


def callback(
    case: Case,
    *,
    actor: User,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    comment: str = "",
    now: datetime | None = None,
) -> Callback:
    """回访. A reached citizen gives resolved + satisfaction; an unanswered call counts an attempt,
    and the last allowed attempt makes the citizen unreachable (the case may then close)."""
    with CASES.verb(case, Action.CALLBACK, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        remark = text(comment, "回访意见", required=False, max_len=1000)
        attempts = case.callback_attempts + 1
        action = Action.CALLBACK
        if reached:
            if satisfaction not in Satisfaction.values:
                raise InvalidInput(
                    "请选择满意度：满意、基本满意或不满意。", code="invalid_input.satisfaction"
                )
            if resolved is None:
                raise InvalidInput("请选择诉求是否已解决。", code="invalid_input.resolved")
            record = Callback.objects.create(
                case=case, by=actor, at=now, outcome=Callback.Outcome.REACHED, resolved=resolved,
                satisfaction=satisfaction, comment=remark,
            )  # fmt: skip
            case.satisfaction, case.resolved = satisfaction, resolved
        else:
            record = Callback.objects.create(
                case=case, by=actor, at=now, outcome=Callback.Outcome.UNREACHABLE, comment=remark
            )
            if attempts < callback_attempts_allowed():
                action = Action.CALLBACK_MISSED  # try again later: the case waits in 待回访
        case.callback_attempts = attempts
        step.record(
            action=action,
            note=remark,
            payload={
                "reached": reached,
                "resolved": resolved,
                "satisfaction": satisfaction,
                "attempt": attempts,
            },
            fields=["satisfaction", "resolved", "callback_attempts"],
        )
    return record


def close(case: Case, *, actor: User, note: str = "", now: datetime | None = None) -> Case:
    """结案: only with an approved reply and a callback outcome (or unreachable after N attempts)."""
    with CASES.verb(case, Action.CLOSE, actor, now=now_or(now)) as step:
        case = step.item
        why = text(note, "结案说明", required=close_needs_note(case), min_len=4, max_len=500)
        case.closed_at = step.now
        step.record(note=why, fields=["closed_at"])
        hooks.case_closed.send_after_commit(case_id=case.pk)
    return case


REOPEN_FIELDS = (
    "due_at", "reopen_count", "satisfaction", "resolved", "callback_attempts", "closed_at", "replied_at",
    "is_overdue_closed",
)  # fmt: skip


def reopen(case: Case, *, actor: User, reason: str, now: datetime | None = None) -> Case:
    """重办: back to the lead unit with a fresh handling deadline."""
    with CASES.verb(case, Action.REOPEN, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        why = text(reason, "重办理由", min_len=4, max_len=500)
        _, handle_days = limits(case)
        case.due_at = add_working_days(now, handle_days)
        case.reopen_count += 1
        case.satisfaction, case.resolved, case.callback_attempts = "", None, 0
        case.closed_at = None
        # The previous answer was not accepted: the case is unanswered again until a new one is approved.
        case.replied_at, case.is_overdue_closed = None, False
        withdraw_pending_extensions(case, actor, now, "工单重办，原延期申请失效")
        withdraw_pending_suspensions(case, actor, now, "工单重办，原挂起申请失效")
        case.assignments.filter(unit=case.lead_unit, role=Assignment.Role.LEAD).exclude(
            status=Assignment.Status.RETURNED
        ).update(status=Assignment.Status.ACCEPTED)
        step.record(
            note=why,
            payload={"due_at": case.due_at.isoformat(), "reopen_count": case.reopen_count},
            fields=REOPEN_FIELDS,
        )
        hooks.case_reopened.send_after_commit(case_id=case.pk)
        if case.lead_unit is not None:
            step.after_commit(
                notify_unit,
                case.lead_unit,
                kind="reopened",
                message=f"工单 {case.number} 重办：{why}",
                case=case,
            )
    return case

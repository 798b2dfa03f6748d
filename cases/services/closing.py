"""The end of the loop: the callback (回访), closing (结案) and starting over (重办)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from cases import hooks
from cases.guards import close_needs_note, rectification_due
from cases.models import Assignment, Callback, Case, Extension, Satisfaction
from cases.services.callback_pool import CLAIM_FIELDS, clear_claim
from cases.services.common import CASES, callback_attempts_allowed, limits, now_or, text
from cases.services.escalation import escalate_if_due
from cases.services.handling import withdraw_pending_extensions, withdraw_pending_suspensions
from cases.services.rectification import notify_rectification, open_rectification, withdraw_rectification
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
    and the last allowed attempt makes the citizen unreachable (the case may then close).

    A 差评 (不满意/非常不满意) on an answer not yet rectified goes straight to the lead unit's
    rectification (sub-action RECTIFY, cases.services.rectification) instead of 待结案; after a
    verified rectification the callback's result stands. Any callback ends the agent's claim."""
    with CASES.verb(case, Action.CALLBACK, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        remark = text(comment, "回访意见", required=False, max_len=1000)
        attempts = case.callback_attempts + 1
        action = Action.CALLBACK
        if reached:
            if satisfaction not in Satisfaction.values:
                raise InvalidInput(
                    "请选择满意度：非常满意、满意、基本满意、不满意或非常不满意。",
                    code="invalid_input.satisfaction",
                    details={"field": "satisfaction"},
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
        clear_claim(case)
        fields = ["satisfaction", "resolved", "callback_attempts", *CLAIM_FIELDS]
        payload = {
            "reached": reached,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "attempt": attempts,
        }
        rectification = None
        if reached and rectification_due(case):
            action = Action.RECTIFY
            rectification = open_rectification(case, record, actor, now)
            fields.append("rectify_due_at")
            payload |= {"rectification": rectification.pk, "rectify_due_at": rectification.due_at.isoformat()}
        step.record(action=action, note=remark, payload=payload, fields=fields)
        if rectification is not None:
            why = f"（诉求人意见：{remark}）" if remark else ""
            step.after_commit(notify_rectification, case, rectification, why)
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
    "is_overdue_closed", "rectify_due_at", *CLAIM_FIELDS,
)  # fmt: skip


def reopen_deadline(case: Case, now: datetime) -> tuple[datetime, bool]:
    """The handling deadline after 重办, and whether it is an approved extension's.

    A fresh limit from now, unless the centre had granted the case more time (an approved 延期)
    and the deadline so extended still lies beyond the fresh one: the reason for the extension
    (works to schedule, a season to wait for) still holds until then, and redoing the case must
    not take that time away. An extended deadline already passed, or earlier than the fresh one,
    has had its effect, and the fresh limit applies.
    """
    _, handle_days = limits(case)
    fresh = add_working_days(now, handle_days)
    extended = case.extensions.filter(status=Extension.Status.APPROVED).exists()
    if extended and case.due_at is not None and case.due_at > fresh:
        return case.due_at, True
    return fresh, False


def reopen(case: Case, *, actor: User, reason: str, now: datetime | None = None) -> Case:
    """重办: back to the lead unit with a fresh handling deadline (or the extended one, if later),
    from 待结案, 已办结, or instead of a rectification under way."""
    with CASES.verb(case, Action.REOPEN, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        why = text(reason, "重办理由", min_len=4, max_len=500)
        previous_due = case.due_at
        case.due_at, kept_extension = reopen_deadline(case, now)
        case.reopen_count += 1
        case.satisfaction, case.resolved, case.callback_attempts = "", None, 0
        case.closed_at = None
        # The previous answer was not accepted: the case is unanswered again until a new one is approved.
        case.replied_at, case.is_overdue_closed = None, False
        withdraw_pending_extensions(case, actor, now, "工单重办，原延期申请失效")
        withdraw_pending_suspensions(case, actor, now, "工单重办，原挂起申请失效")
        withdraw_rectification(case, actor, now, "工单重办，整改不再进行")
        clear_claim(case)
        case.assignments.filter(unit=case.lead_unit, role=Assignment.Role.LEAD).exclude(
            status=Assignment.Status.RETURNED
        ).update(status=Assignment.Status.ACCEPTED)
        step.record(
            note=why,
            payload={
                "due_at": case.due_at.isoformat(),
                "reopen_count": case.reopen_count,
                "kept_extension": kept_extension,
                "previous_due_at": previous_due.isoformat() if previous_due else None,
            },
            fields=REOPEN_FIELDS,
        )
        hooks.case_reopened.send_after_commit(case_id=case.pk)
        step.after_commit(escalate_if_due, case.pk)  # 提级办理 once re-done too often
        if case.lead_unit is not None:
            step.after_commit(
                notify_unit,
                case.lead_unit,
                kind="reopened",
                message=f"工单 {case.number} 重办：{why}",
                case=case,
            )
    return case

"""The units' work on a case: contacting the citizen (联系诉求人), more time (延期) and the
co-handlers' contributions (协办意见)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import Role, User
from cases.guards import co_assignments
from cases.models import Assignment, Case, ContactWay, Extension, Suspension
from cases.services.common import CASES, now_or, text
from cases.workflow import Action
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_role, notify_unit
from worktime.calendar import add_working_days


def contact(
    case: Case,
    *,
    actor: User,
    way: str,
    reached: bool,
    note: str,
    now: datetime | None = None,
) -> Case:
    """联系诉求人: the lead unit records a contact with the citizen, or an attempt that failed.

    Only a reached contact is the unit's response (响应率 counts the first one of its spell); an
    attempt is kept on the log as the unit's effort and its time. The note says what was agreed
    (or why the citizen could not be reached): it is the evidence a callback agent reads."""
    with CASES.verb(case, Action.CONTACT, actor, now=now_or(now)) as step:
        if way not in ContactWay.values:
            raise InvalidInput("请选择联系方式。", code="invalid_input.way", details={"field": "way"})
        if not isinstance(reached, bool):
            raise InvalidInput(
                "请说明是否联系上诉求人。", code="invalid_input.reached", details={"field": "reached"}
            )
        summary = text(note, "联系情况", min_len=4, max_len=1000)
        step.record(note=summary, payload={"way": way, "reached": reached})
    return case


def request_extension(
    case: Case, *, actor: User, days: int, reason: str, now: datetime | None = None
) -> Extension:
    with CASES.verb(case, Action.REQUEST_EXTENSION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
            raise InvalidInput(
                "延期天数应为1至30个工作日。", code="invalid_input.days", details={"field": "days"}
            )
        why = text(reason, "延期理由", min_len=4, max_len=1000)
        if case.lead_unit is None:  # the guard lets only the lead unit ask, so there is one
            raise RuntimeError(f"case {case.number} has no lead unit to extend for")
        extension = Extension.objects.create(
            case=case, unit=case.lead_unit, requested_by=actor, requested_at=now, days=days, reason=why
        )
        step.record(note=why, payload={"days": days, "extension": extension.pk})
        unit_name = case.lead_unit.name if case.lead_unit else ""
        step.after_commit(
            notify_role, [Role.DISPATCHER], kind="extension_requested",
            message=f"{unit_name}申请工单 {case.number} 延期{days}个工作日", case=case,
        )  # fmt: skip
    return extension


def decide_extension(
    case: Case, *, actor: User, approve: bool, note: str = "", now: datetime | None = None
) -> Extension:
    with CASES.verb(case, Action.DECIDE_EXTENSION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        extension = case.extensions.filter(status=Extension.Status.PENDING).first()
        if extension is None:  # the guard makes this unreachable; kept for a request raced away
            raise Conflict("该工单没有待审批的延期申请。", code="case.no_pending_extension")
        comment = text(note, "审批意见", required=not approve, max_len=500)
        extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, comment
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        fields: list[str] = []
        payload: dict[str, Any] = {"approved": approve, "days": extension.days}
        if approve:
            case.due_at = add_working_days(case.due_at or now, extension.days)
            fields.append("due_at")
            payload["due_at"] = case.due_at.isoformat()
        step.record(note=comment, payload=payload, fields=fields)
        verdict = "已同意" if approve else "未同意"
        if case.lead_unit is not None:
            step.after_commit(
                notify_unit, case.lead_unit, kind="extension_decided",
                message=f"工单 {case.number} 的延期申请{verdict}", case=case,
            )  # fmt: skip
    return extension


def contribute(case: Case, *, actor: User, body: str, now: datetime | None = None) -> Case:
    """协办意见: a co-handling unit's contribution, which the lead unit folds into the one answer."""
    with CASES.verb(case, Action.CONTRIBUTE, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        contribution = text(body, "协办意见", min_len=4)
        co_assignments(actor, case).update(status=Assignment.Status.DONE, accepted_at=now)
        step.record(note=contribution)
        if case.lead_unit is not None:
            unit_name = actor.unit.name if actor.unit else ""
            step.after_commit(
                notify_unit, case.lead_unit, kind="contributed",
                message=f"{unit_name}对工单 {case.number} 提交了协办意见", case=case,
            )  # fmt: skip
    return case


def withdraw_pending_extensions(case: Case, actor: User, now: datetime, why: str) -> None:
    """A request for more time lapses once the answer is approved or the case starts over: left
    pending it would block the next request and could later stretch a fresh deadline."""
    case.extensions.filter(status=Extension.Status.PENDING).update(
        status=Extension.Status.REFUSED, decided_by=actor, decided_at=now, decision_note=why
    )


def withdraw_pending_suspensions(case: Case, actor: User, now: datetime, why: str) -> None:
    """Likewise a request to stop the clock: once answered or started over, it waits for nothing."""
    case.suspensions.filter(status=Suspension.Status.PENDING).update(
        status=Suspension.Status.REFUSED, decided_by=actor, decided_at=now, decision_note=why
    )

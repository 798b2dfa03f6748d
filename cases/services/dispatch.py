"""Dispatch and the lead unit's answer to it: 派单, 签收, 退单."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from accounts.models import Role, User
from cases import hooks
from cases.models import Assignment, Case, Category, Dispute, ReturnReason, Urgency
from cases.services.common import CASES, limits, now_or, text
from cases.services.escalation import escalate_if_due
from cases.workflow import Action
from mochou.errors import InvalidInput
from notifications.services import notify_role, notify_unit
from org.models import HANDLER_KINDS, Unit
from worktime.calendar import add_working_days, add_working_hours

DISPATCHABLE_KINDS = HANDLER_KINDS  # org's one list (Unit.objects.handlers offers the same)


def check_units(units: Iterable[Unit]) -> None:
    for unit in units:
        if not unit.is_active or unit.kind not in DISPATCHABLE_KINDS:
            raise InvalidInput(f"“{unit.name}”不是可派单的承办单位。", code="invalid_input.unit")


def _check_not_excluded(case: Case, lead_unit: Unit) -> None:
    """A unit whose return the centre upheld is not the case's lead unit again (派单异议审核)."""
    if lead_unit.pk in Dispute.excluded_unit_ids(case):
        raise InvalidInput(
            f"“{lead_unit.name}”的退单异议已审核成立，不能再作为本件的主办单位。",
            code="invalid_input.unit_excluded",
            details={"field": "lead_unit"},
        )


def assign(
    case: Case, lead_unit: Unit, co_units: list[Unit], actor: User, now: datetime
) -> tuple[datetime, datetime]:
    """Hand the case to its units with fresh deadlines (a dispatch, or a return sent back);
    returns the (acceptance, handling) deadlines."""
    accept_hours, handle_days = limits(case)
    case.lead_unit = lead_unit
    case.dispatched_at = now
    case.accept_due_at = accept_due = add_working_hours(now, accept_hours)
    case.due_at = due = add_working_days(now, handle_days)
    roles = [(lead_unit, Assignment.Role.LEAD)] + [(u, Assignment.Role.CO) for u in co_units]
    Assignment.objects.bulk_create(
        Assignment(case=case, unit=unit, role=role, dispatched_by=actor, dispatched_at=now)
        for unit, role in roles
    )
    return accept_due, due


ASSIGN_FIELDS = ["lead_unit", "dispatched_at", "accept_due_at", "due_at"]


def dispatch(
    case: Case,
    *,
    actor: User,
    lead_unit: Unit,
    co_units: Iterable[Unit] = (),
    category: Category | None = None,
    urgency: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    co_list = list({u.pk: u for u in co_units if u.pk != lead_unit.pk}.values())  # each unit once
    with CASES.verb(case, Action.DISPATCH, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        check_units([lead_unit, *co_list])
        _check_not_excluded(case, lead_unit)
        if urgency is not None:
            if urgency not in Urgency.values:
                raise InvalidInput(f"未知的紧急程度：{urgency}", code="invalid_input.urgency")
            case.urgency = urgency
        if category is not None:
            case.category = category
        accept_due, due = assign(case, lead_unit, co_list, actor, now)
        step.record(
            note=text(note, "派单意见", required=False),
            payload={
                "lead_unit": lead_unit.code,
                "co_units": [u.code for u in co_list],
                "category": case.category.path if case.category is not None else None,
                "accept_due_at": accept_due.isoformat(),
                "due_at": due.isoformat(),
                "limit_version": case.limit_version.number if case.limit_version else None,
            },
            fields=["category", "urgency", *ASSIGN_FIELDS],
        )
        hooks.case_dispatched.send_after_commit(case_id=case.pk, actor_id=actor.pk)
        message = f"新工单 {case.number}：{case.title}"
        step.after_commit(notify_unit, lead_unit, kind="dispatched", message=message, case=case)
        for unit in co_list:
            step.after_commit(notify_unit, unit, kind="co_dispatched", message=f"协办{message}", case=case)
    return case


def accept(case: Case, *, actor: User, now: datetime | None = None) -> Case:
    with CASES.verb(case, Action.ACCEPT, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        case.assignments.filter(unit=case.lead_unit, status=Assignment.Status.PENDING).update(
            status=Assignment.Status.ACCEPTED, accepted_at=now
        )
        late = case.accept_due_at is not None and now > case.accept_due_at
        step.record(payload={"late": late})
    return case


def return_case(
    case: Case,
    *,
    actor: User,
    reason: str,
    reason_kind: str = ReturnReason.NOT_OUR_DUTY,
    suggested_unit: Unit | None = None,
    now: datetime | None = None,
) -> Case:
    """退单: the lead unit says the case is not theirs, on a ground from the closed list with its
    explanation and, optionally, the unit it believes responsible. The case goes back to the centre
    with a 派单异议 (Dispute) for it to rule on (cases.services.disputes.rule_dispute)."""
    with CASES.verb(case, Action.RETURN, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        if reason_kind not in ReturnReason.values:
            raise InvalidInput(
                "请选择退单理由。", code="invalid_input.reason_kind", details={"field": "reason_kind"}
            )
        why = text(reason, "退单理由", min_len=4, max_len=500)
        unit = case.lead_unit
        if unit is None:  # the guard lets only the lead unit return, so there is one
            raise RuntimeError(f"case {case.number} has no lead unit to return from")
        if suggested_unit is not None:
            check_units([suggested_unit])
            if suggested_unit.pk == unit.pk:
                raise InvalidInput(
                    "建议承办单位不能是本单位。",
                    code="invalid_input.suggested_unit",
                    details={"field": "suggested_unit"},
                )
        pending = case.assignments.filter(status=Assignment.Status.PENDING)
        co_codes = sorted(
            pending.filter(role=Assignment.Role.CO).values_list("unit__code", flat=True).distinct()
        )
        pending.update(status=Assignment.Status.RETURNED, return_reason=why)
        dispute = Dispute.objects.create(
            case=case, unit=unit, co_units=co_codes, reason=reason_kind, explanation=why,
            suggested_unit=suggested_unit, returned_by=actor, returned_at=now,
            dispatched_at=case.dispatched_at,
        )  # fmt: skip
        case.lead_unit = None
        case.accept_due_at = None
        case.due_at = None
        step.record(
            note=f"{ReturnReason(reason_kind).label}：{why}",
            payload={
                "unit": unit.code,
                "dispute": dispute.pk,
                "reason": reason_kind,
                "co_units": co_codes,
                "suggested_unit": suggested_unit.code if suggested_unit else None,
            },
            fields=["lead_unit", "accept_due_at", "due_at"],
        )
        message = f"{unit.name}退回工单 {case.number}，请审核派单异议：{why}"
        step.after_commit(notify_role, [Role.DISPATCHER], kind="returned", message=message, case=case)
        step.after_commit(escalate_if_due, case.pk)
    return case

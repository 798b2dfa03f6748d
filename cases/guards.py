"""Who may do what to a case: one guard per action, the only place it is decided.

The verbs (`cases.services`) ask `GUARDS.check` under the row lock; the case page's buttons,
the API's `allowed_actions`, the console and the citizens' portal ask `refusal` / `available_actions`
/ `may` — the same rules, so an action is offered exactly when the verb would accept it (input
aside). cases/tests/test_permissions.py tries every action against the verbs to prove it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role
from cases.models import (
    POOR_RATINGS,
    Assignment,
    Dispute,
    Extension,
    Kind,
    LimitVersion,
    Rectification,
    Reply,
    Suspension,
)
from cases.workflow import MACHINE, Action, State
from loop.guards import Guards
from mochou.errors import Conflict, DomainError, InvalidInput, NotPermitted

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case

INTAKE_ROLES = (Role.AGENT, Role.DISPATCHER, Role.ADMIN)
REGISTER_ROLES = (*INTAKE_ROLES, Role.SUPERVISOR)
DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)
CALLBACK_ROLES = (Role.AGENT, Role.DISPATCHER, Role.ADMIN)
UNIT_HANDLER_ROLES = (Role.CLERK, Role.UNIT_LEADER)
SUPERVISE_ROLES = (Role.SUPERVISOR, Role.ADMIN)
ANSWER_AT_INTAKE_ROLES = (Role.AGENT, Role.ADMIN)


def _is_lead_unit(actor: User, case: Case) -> bool:
    return case.lead_unit_id is not None and actor.unit_id == case.lead_unit_id


GUARDS: Guards[State, Action] = Guards(
    MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_is_lead_unit,
    own_unit_message="只有该{item}的主办单位可以{what}。",
)


# ---------------------------------------------------------------- the case's data


def has_callback_outcome(case: Case) -> bool:
    """The citizen was reached, or counts as unreachable after the configured attempts."""
    return bool(case.satisfaction) or case.callback_attempts >= settings.MOCHOU_CALLBACK_ATTEMPTS


def close_needs_note(case: Case) -> bool:
    """Closing over a 差评 (不满意/非常不满意) needs a stated reason (e.g. 诉求不合理、政策不支持)."""
    return case.satisfaction in POOR_RATINGS


# ---------------------------------------------------------------- 差评整改 and the callback pool


def is_self_service(actor: User) -> bool:
    """The citizen's own door (the portal's rating is the callback): no agent's claim stands in
    its way. Those actors are made by cases.services.common.channel_user."""
    return actor.username.startswith(CHANNEL_USER_PREFIX)


CHANNEL_USER_PREFIX = "channel-"


def live_rectification(case: Case) -> Rectification | None:
    """The rectification under way (整改中 or 待核实), if any."""
    live = (Rectification.Status.OPEN, Rectification.Status.REPORTED)
    return case.rectifications.filter(status__in=live).select_related("unit").first()


def rectified_this_answer(case: Case) -> bool:
    """A rectification was already verified for the answer now in force: the callback after it
    stands, whatever it says (one rectification per answer)."""
    reply = case.approved_reply
    return case.rectifications.filter(reply=reply, status=Rectification.Status.ACCEPTED).exists()


def rectification_due(case: Case) -> bool:
    """A 差评 that should go to the lead unit's rectification: poorly rated, a unit to rectify
    (an answer at intake has none), and no rectification verified yet for this answer."""
    return case.poorly_rated and case.lead_unit_id is not None and not rectified_this_answer(case)


def _claim_of_another(actor: User, case: Case) -> User | None:
    holder = case.callback_claim_holder(timezone.now())
    return holder if holder is not None and holder.pk != actor.pk else None


def _not_claimed_by_another(actor: User, case: Case) -> None:
    """A callback in the pool claimed by another agent is theirs until it expires or is released."""
    if is_self_service(actor):
        return
    holder = _claim_of_another(actor, case)
    if holder is not None and case.callback_claimed_until is not None:
        until = timezone.localtime(case.callback_claimed_until).strftime("%H:%M")
        raise Conflict(
            f"该回访已由{holder.name}认领（至 {until}），请选择回访池中的其他工单。",
            code="case.callback_claimed",
        )


def _a_claim_to_release(actor: User, case: Case) -> None:
    holder = case.callback_claim_holder(timezone.now())
    if holder is None:
        raise Conflict("该回访没有人认领。", code="case.callback_not_claimed")
    if holder.pk != actor.pk and actor.role not in DISPATCH_ROLES:
        raise NotPermitted("只有认领人或派单员可以放弃认领。", code="permission_denied.claim")


def _consult_only(actor: User, case: Case) -> None:
    if case.kind != Kind.CONSULT:
        raise InvalidInput(
            "只有咨询类诉求可以直接办结。", code="invalid_input.kind", details={"field": "kind"}
        )


def _pending_extension(case: Case) -> bool:
    return case.extensions.filter(status=Extension.Status.PENDING).exists()


def _no_pending_extension(actor: User, case: Case) -> None:
    if _pending_extension(case):
        raise Conflict("该工单已有待审批的延期申请。", code="case.extension_pending")


def _a_pending_extension(actor: User, case: Case) -> None:
    if not _pending_extension(case):
        raise Conflict("该工单没有待审批的延期申请。", code="case.no_pending_extension")


def open_suspension(case: Case, status: str) -> Suspension | None:
    return case.suspensions.filter(status=status).order_by("-requested_at").first()


def _no_open_suspension(actor: User, case: Case) -> None:
    if case.suspensions.filter(status=Suspension.Status.PENDING).exists():
        raise Conflict("该工单已有待审批的挂起申请。", code="case.suspension_pending")


def _a_pending_suspension(actor: User, case: Case) -> None:
    if open_suspension(case, Suspension.Status.PENDING) is None:
        raise Conflict("该工单没有待审批的挂起申请。", code="case.no_pending_suspension")


def _lead_unit_or_centre(actor: User, case: Case) -> None:
    """Resuming: the lead unit (the awaited thing arrived) or the centre's dispatchers."""
    if actor.role in UNIT_HANDLER_ROLES and not _is_lead_unit(actor, case):
        raise NotPermitted("只有该工单的主办单位可以恢复计时。", code="permission_denied.unit")


def _newer_limits_in_force(actor: User, case: Case) -> None:
    current = LimitVersion.in_force(timezone.now())
    if current is None or current.pk == case.limit_version_id:
        raise Conflict("该工单已按现行时限版本计算期限，无需重算。", code="case.limits_current")


OVERRIDE_PERMISSION = "cases.override_closed_case"


def _may_override(actor: User, case: Case) -> None:
    if not actor.has_perm(OVERRIDE_PERMISSION):
        raise NotPermitted(
            "更正已办结工单需要专门授权（可更正已办结工单）。", code="permission_denied.override"
        )


def co_assignments(actor: User, case: Case) -> QuerySet[Assignment]:
    """The actor's unit's live co-handling assignments of the case."""
    if actor.unit_id is None:  # assignments always have a unit
        return case.assignments.none()
    return case.assignments.filter(unit_id=actor.unit_id, role=Assignment.Role.CO).exclude(
        status=Assignment.Status.RETURNED
    )


def _co_unit(actor: User, case: Case) -> None:
    if actor.unit_id is None or not co_assignments(actor, case).exists():
        raise NotPermitted("只有该工单的协办单位可以提交协办意见。", code="permission_denied.unit")


def _approved_reply_and_outcome(actor: User, case: Case) -> None:
    if case.replied_at is None or not case.replies.filter(status=Reply.Status.APPROVED).exists():
        raise Conflict("没有经审核的答复，不能结案。", code="case.close_without_reply")
    if not has_callback_outcome(case):
        raise Conflict("没有回访结果，不能结案。", code="case.close_without_callback")


def _dispatched_once(actor: User, case: Case) -> None:
    if case.lead_unit_id is None:
        raise Conflict(
            "该工单未派给承办单位（直接办结件），请重新登记派单。", code="case.reopen_without_unit"
        )


def open_dispute(case: Case) -> Dispute | None:
    """The unit's 退单 awaiting the centre's ruling (派单异议审核), if any."""
    pending = case.disputes.filter(status=Dispute.Status.PENDING)
    return pending.select_related("unit", "suggested_unit").first()


def _no_open_dispute(actor: User, case: Case) -> None:
    """A returned case waits for the ruling on its return before anything else is done with it."""
    if case.disputes.filter(status=Dispute.Status.PENDING).exists():
        raise Conflict("该工单的退单异议尚待审核，请先审核派单异议。", code="case.dispute_pending")


def _an_open_dispute(actor: User, case: Case) -> None:
    if not case.disputes.filter(status=Dispute.Status.PENDING).exists():
        raise Conflict("该工单没有待审核的退单异议。", code="case.no_pending_dispute")


def _someone_to_supervise(actor: User, case: Case) -> None:
    if case.lead_unit_id is None and actor.unit_id is None:
        raise InvalidInput("该工单尚无承办单位，无法督办。", code="invalid_input.unit")


# ---------------------------------------------------------------- one rule per action

A = Action
GUARDS.rule(A.REGISTER, REGISTER_ROLES, what="登记工单")
GUARDS.rule(
    A.ANSWER_AT_INTAKE, ANSWER_AT_INTAKE_ROLES, what="直接办结", checks=[_consult_only, _no_open_dispute]
)
GUARDS.rule(A.DISPATCH, DISPATCH_ROLES, what="派单", checks=[_no_open_dispute])
GUARDS.rule(A.ACCEPT, UNIT_HANDLER_ROLES, what="签收", own_unit=True)
GUARDS.rule(A.RETURN, UNIT_HANDLER_ROLES, what="退单", own_unit=True)
GUARDS.rule(A.CONTACT, UNIT_HANDLER_ROLES, what="联系诉求人", own_unit=True)
GUARDS.rule(
    A.REQUEST_EXTENSION, UNIT_HANDLER_ROLES, what="申请延期", own_unit=True, checks=[_no_pending_extension]
)
GUARDS.rule(A.DECIDE_EXTENSION, DISPATCH_ROLES, what="审批延期申请", checks=[_a_pending_extension])
GUARDS.rule(
    A.REQUEST_SUSPENSION, UNIT_HANDLER_ROLES, what="申请挂起", own_unit=True, checks=[_no_open_suspension]
)
GUARDS.rule(A.DECIDE_SUSPENSION, DISPATCH_ROLES, what="审批挂起申请", checks=[_a_pending_suspension])
GUARDS.rule(A.SUSPEND, DISPATCH_ROLES, what="审批挂起申请", checks=[_a_pending_suspension])
GUARDS.rule(A.RESUME, (*UNIT_HANDLER_ROLES, *DISPATCH_ROLES), what="恢复计时", checks=[_lead_unit_or_centre])
GUARDS.rule(A.CONTRIBUTE, UNIT_HANDLER_ROLES, what="提交协办意见", checks=[_co_unit])
GUARDS.rule(A.REPLY, UNIT_HANDLER_ROLES, what="提交答复", own_unit=True)
GUARDS.rule(A.APPROVE_REPLY, [Role.UNIT_LEADER], what="审核答复", own_unit=True)
GUARDS.rule(A.REJECT_REPLY, [Role.UNIT_LEADER], what="退回答复", own_unit=True)
GUARDS.rule(A.CALLBACK, CALLBACK_ROLES, what="回访", checks=[_not_claimed_by_another])
GUARDS.rule(A.CALLBACK_MISSED, CALLBACK_ROLES, what="回访", checks=[_not_claimed_by_another])
GUARDS.rule(A.CLAIM_CALLBACK, CALLBACK_ROLES, what="认领回访", checks=[_not_claimed_by_another])
GUARDS.rule(A.RELEASE_CALLBACK, CALLBACK_ROLES, what="放弃认领回访", checks=[_a_claim_to_release])
GUARDS.rule(A.RECTIFY, CALLBACK_ROLES, what="回访")  # the callback's sub-action on a 差评
GUARDS.rule(A.REPORT_RECTIFICATION, UNIT_HANDLER_ROLES, what="报告整改情况", own_unit=True)
GUARDS.rule(A.VERIFY_RECTIFICATION, DISPATCH_ROLES, what="核实整改情况")
GUARDS.rule(A.RETURN_RECTIFICATION, DISPATCH_ROLES, what="核实整改情况")
GUARDS.rule(A.CLOSE, CALLBACK_ROLES, what="结案", checks=[_approved_reply_and_outcome])
GUARDS.rule(A.REOPEN, CALLBACK_ROLES, what="重办", checks=[_dispatched_once])
GUARDS.rule(A.MERGE, DISPATCH_ROLES, what="合并工单", checks=[_no_open_dispute])
GUARDS.rule(A.TRANSFER, DISPATCH_ROLES, what="转办", checks=[_no_open_dispute])
GUARDS.rule(A.RULE_DISPUTE, DISPATCH_ROLES, what="审核派单异议", checks=[_an_open_dispute])
GUARDS.rule(A.REJECT_DISPUTE, DISPATCH_ROLES, what="审核派单异议", checks=[_an_open_dispute])
GUARDS.rule(A.OVERRIDE, (Role.ADMIN, Role.SUPERVISOR), what="更正已办结工单", checks=[_may_override])
GUARDS.rule(A.REPIN, DISPATCH_ROLES, what="按现行时限重算期限", checks=[_newer_limits_in_force])
GUARDS.rule(A.SUPERVISE, SUPERVISE_ROLES, what="督办", checks=[_someone_to_supervise])  # fmt: skip

# Actions only the system takes (no person is offered them).
SYSTEM_ACTIONS = frozenset({A.TRIAGE, A.ESCALATE})
# Sub-actions a verb chooses from its input, never offered as a button of their own.
# OVERRIDE is an administrator's correction with its own form (the admin), not a case-page button.
NOT_OFFERED = frozenset({
    A.REGISTER, A.CALLBACK_MISSED, A.RECTIFY, A.SUSPEND, A.REJECT_DISPUTE, A.RETURN_RECTIFICATION,
    A.OVERRIDE,
})  # fmt: skip
OFFERED = tuple(a for a in A if a not in SYSTEM_ACTIONS | NOT_OFFERED)


# ---------------------------------------------------------------- what pages ask


def may(user: User, action: Action) -> bool:
    """Whether the user's role may take the action at all (menus, the console, forms)."""
    return bool(user.is_authenticated) and GUARDS.may(user, action)


def can_register(user: User) -> bool:
    return may(user, Action.REGISTER)


def refusal(user: User, case: Case, action: Action | str) -> DomainError | None:
    """Why `user` may not take `action` on `case` now (the error the verb would raise), or None."""
    if not user.is_authenticated:
        return NotPermitted("请先登录。", code="permission_denied.role")
    return GUARDS.refusal(user, case, action)


def available_actions(user: User, case: Case) -> list[Action]:
    """Exactly the actions this user may take on this case now, in the workflow's order."""
    return GUARDS.available(user, case, offered=OFFERED)

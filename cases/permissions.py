"""Which actions a user may take on a case right now — for showing buttons, not for enforcing.

`cases.services` is the authority: every verb checks its own guards. This module mirrors those
guards so that a page offers exactly the actions that would succeed (input aside), and so that a
refused POST can say why before touching the service. tests/test_permissions.py tries every
action against the services to keep the two in agreement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from accounts.models import Role
from cases import services
from cases.models import Assignment, Extension, Kind, Reply, Satisfaction
from cases.workflow import Action, allowed_actions
from mochou.errors import Conflict, DomainError, InvalidInput, NotPermitted, TransitionNotAllowed

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case

# Roles per action: the services' own tuples, so the buttons cannot drift from the rules.
INTAKE_ROLES = frozenset(services.REGISTER_ROLES)
DISPATCH_ROLES = frozenset(services.DISPATCH_ROLES)
CALLBACK_ROLES = frozenset(services.CALLBACK_ROLES)
UNIT_HANDLER_ROLES = frozenset(services.UNIT_HANDLER_ROLES)
SUPERVISE_ROLES = frozenset(services.SUPERVISE_ROLES)

# Actions that only the lead unit's own staff take (services._require_lead_unit).
LEAD_UNIT_ACTIONS = frozenset(
    {
        Action.ACCEPT,
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.REPLY,
        Action.APPROVE_REPLY,
        Action.REJECT_REPLY,
    }
)
ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.ANSWER_AT_INTAKE: frozenset(services.ANSWER_AT_INTAKE_ROLES),
    Action.DISPATCH: DISPATCH_ROLES,
    Action.MERGE: DISPATCH_ROLES,
    Action.TRANSFER: DISPATCH_ROLES,
    Action.DECIDE_EXTENSION: DISPATCH_ROLES,
    Action.CALLBACK: CALLBACK_ROLES,
    Action.CLOSE: CALLBACK_ROLES,
    Action.REOPEN: CALLBACK_ROLES,
    Action.SUPERVISE: SUPERVISE_ROLES,
    Action.CONTRIBUTE: UNIT_HANDLER_ROLES,
    Action.ACCEPT: UNIT_HANDLER_ROLES,
    Action.RETURN: UNIT_HANDLER_ROLES,
    Action.REQUEST_EXTENSION: UNIT_HANDLER_ROLES,
    Action.REPLY: UNIT_HANDLER_ROLES,
    Action.APPROVE_REPLY: frozenset({Role.UNIT_LEADER}),
    Action.REJECT_REPLY: frozenset({Role.UNIT_LEADER}),
}


def can_register(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in INTAKE_ROLES)


def refusal(user: User, case: Case, action: Action | str) -> DomainError | None:
    """Why `user` may not take `action` on `case` now (the error the service would raise), or None."""
    act = Action(action)
    if act not in allowed_actions(case.state):
        return TransitionNotAllowed(f"工单当前状态为“{case.state_label}”，不能执行“{act.label}”。")
    roles = ACTION_ROLES.get(act)
    if roles is None or not user.is_active or user.role not in roles:
        return NotPermitted(f"您的角色不能对该工单执行“{act.label}”。", code="permission_denied.role")
    not_lead = case.lead_unit_id is None or user.unit_id != case.lead_unit_id
    if act in LEAD_UNIT_ACTIONS and not_lead:
        return NotPermitted(f"只有该工单的主办单位可以执行“{act.label}”。", code="permission_denied.unit")
    return _data_guard(user, case, act)


def _data_guard(user: User, case: Case, act: Action) -> DomainError | None:
    """The guards of the services that look at the case's data rather than the actor's role."""
    if act == Action.ANSWER_AT_INTAKE and case.kind != Kind.CONSULT:
        return InvalidInput("只有咨询类诉求可以直接办结。", code="invalid_input.kind")
    if act == Action.REQUEST_EXTENSION and _pending_extension_exists(case):
        return Conflict("该工单已有待审批的延期申请。", code="case.extension_pending")
    if act == Action.DECIDE_EXTENSION and not _pending_extension_exists(case):
        return Conflict("该工单没有待审批的延期申请。", code="case.no_pending_extension")
    if act == Action.CONTRIBUTE:
        co = case.assignments.filter(unit_id=user.unit_id, role=Assignment.Role.CO).exclude(
            status=Assignment.Status.RETURNED
        )
        if user.unit_id is None or not co.exists():
            return NotPermitted("只有该工单的协办单位可以提交协办意见。", code="permission_denied.unit")
    if act == Action.CLOSE:
        if case.replied_at is None or not case.replies.filter(status=Reply.Status.APPROVED).exists():
            return Conflict("没有经审核的答复，不能结案。", code="case.close_without_reply")
        reached = bool(case.satisfaction)
        if not reached and case.callback_attempts < settings.MOCHOU_CALLBACK_ATTEMPTS:
            return Conflict("没有回访结果，不能结案。", code="case.close_without_callback")
    if act == Action.REOPEN and case.lead_unit_id is None:
        return Conflict(
            "该工单未派给承办单位（直接办结件），请重新登记派单。", code="case.reopen_without_unit"
        )
    if act == Action.SUPERVISE and case.lead_unit_id is None and user.unit_id is None:
        return InvalidInput("该工单尚无承办单位，无法督办。", code="invalid_input.unit")
    return None


def _pending_extension_exists(case: Case) -> bool:
    return case.extensions.filter(status=Extension.Status.PENDING).exists()


def available_actions(user: User, case: Case) -> list[Action]:
    """Exactly the actions this user may take on this case now, in the workflow's order."""
    if not user.is_authenticated:
        return []
    return [act for act in allowed_actions(case.state) if refusal(user, case, act) is None]


def close_needs_note(case: Case) -> bool:
    """Closing over an unsatisfied citizen needs a stated reason (mirrors services.close)."""
    return case.satisfaction == Satisfaction.UNSATISFIED

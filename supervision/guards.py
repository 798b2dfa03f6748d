"""Who may do what to a 督办单: one rule per action, asked by the verbs, pages and API alike."""

from __future__ import annotations

from accounts.models import Role, User
from loop.guards import Guards
from supervision.models import Notice
from supervision.workflow import MACHINE, Action, State

# Those who supervise: the centre's 督办员 (and the administrator), as for a case's 督办.
ISSUE_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# The supervised unit signs for and answers its notice: its clerks and leader; for a notice on
# a case not yet dispatched (addressed to the centre) the centre's dispatchers.
UNIT_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.DISPATCHER)
# The unit's leader approves the answer (the centre's administrator for the centre's own).
APPROVE_ROLES = (Role.UNIT_LEADER, Role.ADMIN)


def _own_unit(actor: User, notice: Notice) -> bool:
    return actor.unit_id is not None and actor.unit_id == notice.unit_id


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_own_unit,
    own_unit_message="只有被督办单位可以{what}。",
)

A = Action
GUARDS.rule(A.ISSUE, ISSUE_ROLES, what="下发督办单")
GUARDS.rule(A.SIGN, UNIT_ROLES, what="签收督办单", own_unit=True)
GUARDS.rule(A.ANSWER, UNIT_ROLES, what="反馈督办单", own_unit=True)
GUARDS.rule(A.APPROVE, APPROVE_ROLES, what="审核督办反馈", own_unit=True)
GUARDS.rule(A.RETURN, APPROVE_ROLES, what="退回督办反馈", own_unit=True)
# ESCALATE is the system's (the sweep at the 反馈期限): no rule, so no user may take it.

# The actions a person takes on an existing notice (pages and API offer these).
OFFERED = (A.SIGN, A.ANSWER, A.APPROVE, A.RETURN)


def available_actions(user: User, notice: Notice) -> list[Action]:
    return GUARDS.available(user, notice, offered=OFFERED)

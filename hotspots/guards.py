"""Who may do what with hotspots: read them, take one up, report a task's result."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from hotspots.models import ProactiveTask
from hotspots.workflow import MACHINE, Action, State
from loop.guards import Guards

# 高频事 is for those who supervise and lead (and the administrator).
READ_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
ASSIGN_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
REPORT_ROLES = (Role.CLERK, Role.UNIT_LEADER)


def _own_unit(actor: Any, task: ProactiveTask) -> bool:
    return actor.unit_id is not None and actor.unit_id == task.unit_id


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_own_unit,
    own_unit_message="只有承办单位可以{what}。",
)
GUARDS.rule(Action.ASSIGN, ASSIGN_ROLES, what="交办未诉先办任务")
GUARDS.rule(Action.REPORT, REPORT_ROLES, what="报告办理结果", own_unit=True)


def may_read(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in READ_ROLES))


def may_assign(user: Any) -> bool:
    return bool(user.is_authenticated and GUARDS.may(user, Action.ASSIGN))

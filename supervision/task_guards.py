"""Who may do what to a decision task: one rule per action, asked by verbs, pages and API."""

from __future__ import annotations

from typing import Any

from accounts.models import Role, User
from loop.guards import Guards
from mochou.errors import Conflict, NotPermitted
from supervision.task_models import Task
from supervision.task_workflow import TASK_MACHINE, ExtensionStep, TaskAction, TaskState

OFFICE = (Role.SUPERVISOR, Role.ADMIN)  # 督查室
UNIT = (Role.CLERK, Role.UNIT_LEADER)  # the lead unit's staff
LEADERS = (Role.LEADER, Role.ADMIN)
# Who issues a 批示 (an instruction that becomes a task): the city's leaders (市领导 and the
# centre's leadership hold Role.LEADER). The 督查室 records a 批示 given on paper as a new task.
INSTRUCTING = (Role.LEADER,)


def _own_unit(actor: User, task: Task) -> bool:
    return actor.unit_id is not None and actor.unit_id == task.lead_unit_id


def _the_leader(actor: Any, task: Task) -> None:
    if actor.role == Role.LEADER and actor.pk != task.leader_id:
        raise NotPermitted("只有交办该事项的责任领导可以审结。", code="permission_denied.leader")


def _no_extension_pending(actor: Any, task: Task) -> None:
    if task.extension_step:
        raise Conflict("已有延期申请在审批中。", code="supervision.extension_pending")


def _extension_turn(actor: Any, task: Task) -> None:
    """The 督查室 rules first, then the task's leader: each on their own step only."""
    if task.extension_step == ExtensionStep.REQUESTED and actor.role in OFFICE:
        return
    if task.extension_step == ExtensionStep.SUPERVISOR_OK and actor.role in LEADERS:
        _the_leader(actor, task)
        return
    if not task.extension_step:
        raise Conflict("该事项没有待审批的延期申请。", code="supervision.no_extension")
    raise NotPermitted("延期申请先由督查室审核，再由责任领导审批。", code="permission_denied.extension_step")


TASK_GUARDS: Guards[TaskState, TaskAction] = Guards(
    machine=TASK_MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_own_unit,
    own_unit_message="只有{item}的牵头单位可以{what}。",
)

A = TaskAction
TASK_GUARDS.rule(A.DRAFT, OFFICE, what="草拟督办事项")
TASK_GUARDS.rule(A.APPROVE, OFFICE, what="立项")
TASK_GUARDS.rule(A.INSTRUCT, INSTRUCTING, what="作出批示")
TASK_GUARDS.rule(A.ASSIGN, OFFICE, what="交办")
TASK_GUARDS.rule(A.SIGN, UNIT, what="签收督办事项", own_unit=True)
TASK_GUARDS.rule(A.REQUEST_ADJUST, UNIT, what="申请调整", own_unit=True)
TASK_GUARDS.rule(A.GRANT_ADJUST, OFFICE, what="同意调整")
TASK_GUARDS.rule(A.REFUSE_ADJUST, OFFICE, what="驳回调整申请")
TASK_GUARDS.rule(A.REPORT, UNIT, what="报送进展", own_unit=True)
TASK_GUARDS.rule(A.REQUEST_EXTENSION, UNIT, what="申请延期", own_unit=True, checks=[_no_extension_pending])
TASK_GUARDS.rule(A.APPROVE_EXTENSION, (*OFFICE, Role.LEADER), what="审批延期", checks=[_extension_turn])
TASK_GUARDS.rule(A.REFUSE_EXTENSION, (*OFFICE, Role.LEADER), what="驳回延期", checks=[_extension_turn])
TASK_GUARDS.rule(A.REQUEST_CLOSE, UNIT, what="申请办结", own_unit=True, checks=[_no_extension_pending])
TASK_GUARDS.rule(A.FIRST_REVIEW, OFFICE, what="初审")
TASK_GUARDS.rule(A.RETURN, OFFICE, what="退回重办")
TASK_GUARDS.rule(A.FINAL_REVIEW, LEADERS, what="审结销号", checks=[_the_leader])
TASK_GUARDS.rule(A.LEADER_RETURN, LEADERS, what="退回重办", checks=[_the_leader])

# The actions a person takes on an existing task (pages and API offer these).
TASK_OFFERED = tuple(a for a in TaskAction if a not in (A.DRAFT, A.INSTRUCT))


def task_actions(user: User, task: Task) -> list[TaskAction]:
    return TASK_GUARDS.available(user, task, offered=TASK_OFFERED)

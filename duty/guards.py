"""Who may do what to an incident or a duty task: one rule per action, asked by verbs and pages."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from duty.access import in_duty_chain, is_office_staff
from duty.models import Drill, DutyTask, Incident, KeyPerson
from duty.workflow import (
    DRILL_MACHINE,
    KEY_MACHINE,
    MACHINE,
    TASK_MACHINE,
    Action,
    DrillAction,
    DrillState,
    KeyAction,
    KeyState,
    State,
    TaskAction,
    TaskState,
)
from loop.guards import Guards
from mochou.errors import Conflict, NotPermitted

UNIT_ROLES = (Role.CLERK, Role.UNIT_LEADER)
OFFICE_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.ADMIN)


def _reporting_unit(actor: Any, incident: Incident) -> bool:
    # The office reports on any incident too (it often hears first and files for the township).
    return actor.unit_id == incident.unit_id or in_duty_chain(actor)


def is_office(actor: Any) -> bool:
    return actor.role == Role.ADMIN or is_office_staff(actor)


def require_office(actor: Any, _item: Any = None, *, what: str = "执行此操作") -> None:
    """Registering incidents, giving and signing off tasks is the duty office's (a clerk of
    another unit has the same role, so the role alone does not decide)."""
    if not is_office(actor):
        raise NotPermitted(f"只有应急值班室可以{what}。", code="permission_denied.unit")


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_reporting_unit,
    own_unit_message="只有报送单位或应急值班室可以{what}。",
)
GUARDS.rule(Action.REGISTER, OFFICE_ROLES, what="登记突发事件")
GUARDS.rule(Action.FIRST, OFFICE_ROLES, what="报送初报", own_unit=True)
GUARDS.rule(Action.FOLLOW, OFFICE_ROLES, what="报送续报", own_unit=True)


def _tasks_cleared(_actor: Any, incident: Incident) -> None:
    """清零销号: no 终报 while a task the incident gave is still open."""
    from duty.workflow import TASK_OPEN_STATES

    if incident.tasks.filter(state__in=TASK_OPEN_STATES).exists():
        raise Conflict("该事件还有未销号的处置任务，全部销号后方可终报。", code="duty.tasks_open")


GUARDS.rule(Action.FINAL, OFFICE_ROLES, what="报送终报", own_unit=True, checks=[_tasks_cleared])
GUARDS.rule(Action.LINK, OFFICE_ROLES, what="关联12345工单", own_unit=True)
OFFERED = (Action.FIRST, Action.FOLLOW, Action.FINAL, Action.LINK)


def available_actions(user: Any, incident: Incident) -> list[Action]:
    return GUARDS.available(user, incident, offered=OFFERED)


def _own_task(actor: Any, task: DutyTask) -> bool:
    return actor.unit_id is not None and actor.unit_id == task.unit_id


TASK_GUARDS: Guards[TaskState, TaskAction] = Guards(
    machine=TASK_MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_own_task,
    own_unit_message="只有承办单位可以{what}。",
)
TASK_GUARDS.rule(TaskAction.ASSIGN, OFFICE_ROLES, what="下达处置任务")
TASK_GUARDS.rule(TaskAction.ACCEPT, UNIT_ROLES, what="签收处置任务", own_unit=True)
TASK_GUARDS.rule(TaskAction.REPORT, UNIT_ROLES, what="反馈处置结果", own_unit=True)
TASK_GUARDS.rule(TaskAction.VERIFY, OFFICE_ROLES, what="销号", checks=[require_office])
TASK_GUARDS.rule(TaskAction.REJECT, OFFICE_ROLES, what="退回处置任务", checks=[require_office])
TASK_OFFERED = (TaskAction.ACCEPT, TaskAction.REPORT, TaskAction.VERIFY, TaskAction.REJECT)


def available_task_actions(user: Any, task: DutyTask) -> list[TaskAction]:
    return TASK_GUARDS.available(user, task, offered=TASK_OFFERED)


# ---------------------------------------------------------------- key persons


def responsible_chain(actor: Any, person: KeyPerson) -> bool:
    """The responsible unit's staff and the duty office: they follow the person up (and alone
    see their personal data plainly, duty.privacy)."""
    return (actor.unit_id is not None and actor.unit_id == person.unit_id) or is_office_staff(actor)


KEY_GUARDS: Guards[KeyState, KeyAction] = Guards(
    machine=KEY_MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=responsible_chain,
    own_unit_message="只有责任单位或应急值班室可以{what}。",
)
# 登记: the unit for itself, or the office for any unit — checked by the verb, which knows the unit.
KEY_GUARDS.rule(KeyAction.REGISTER, UNIT_ROLES, what="登记重点人员")
KEY_GUARDS.rule(KeyAction.CHECK, UNIT_ROLES, what="记录核查", own_unit=True)
KEY_GUARDS.rule(KeyAction.CLOSE, UNIT_ROLES, what="解除管控", own_unit=True)
KEY_OFFERED = (KeyAction.CHECK, KeyAction.CLOSE)


def available_key_actions(user: Any, person: KeyPerson) -> list[KeyAction]:
    return KEY_GUARDS.available(user, person, offered=KEY_OFFERED)


# ---------------------------------------------------------------- drills


def _organiser(actor: Any, drill: Drill) -> bool:
    return (actor.unit_id is not None and actor.unit_id == drill.unit_id) or is_office(actor)


DRILL_GUARDS: Guards[DrillState, DrillAction] = Guards(
    machine=DRILL_MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_organiser,
    own_unit_message="只有组织单位或应急值班室可以{what}。",
)
DRILL_GUARDS.rule(DrillAction.PLAN, OFFICE_ROLES, what="制定演练计划")
DRILL_GUARDS.rule(DrillAction.HOLD, OFFICE_ROLES, what="记录演练实施", own_unit=True)
DRILL_GUARDS.rule(DrillAction.ASSESS, OFFICE_ROLES, what="评估演练", own_unit=True)
DRILL_GUARDS.rule(DrillAction.CANCEL, OFFICE_ROLES, what="取消演练", own_unit=True)
DRILL_OFFERED = (DrillAction.HOLD, DrillAction.ASSESS, DrillAction.CANCEL)


def available_drill_actions(user: Any, drill: Drill) -> list[DrillAction]:
    return DRILL_GUARDS.available(user, drill, offered=DRILL_OFFERED)

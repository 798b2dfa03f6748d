"""Who may do what to an application: one rule per action, asked by the verbs, pages and API.

前台综合受理、后台分类审批、统一窗口出件: the office's window clerks (综窗) receive, check, accept
or refuse, and deliver for every department; the matter's department approves, each step by the
role its configuration names; a 即办件 is decided at the window while the applicant waits. The
applicant's own 补正 and 撤回 are taken with the application's tracking code (services), or by a
window clerk at the window.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from affairs.models import Application
from affairs.office import is_department_staff, is_window_clerk
from affairs.workflow import MACHINE, REMOTE_ACTIONS, Action, State
from loop.guards import Guards
from mochou.errors import Conflict, NotPermitted

WINDOW_ROLES = (Role.CLERK, Role.ADMIN)
DEPARTMENT_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.ADMIN)


def _deciding_unit(actor: Any, app: Application) -> bool:
    """The department approves its matters; a 即办件 is decided at the window."""
    if actor.role == Role.ADMIN:
        return True
    return is_department_staff(actor, app.department_id) or (app.is_immediate and is_window_clerk(actor))


def _department_only(actor: Any, app: Application) -> None:
    if actor.role != Role.ADMIN and not is_department_staff(actor, app.department_id):
        raise NotPermitted("差评整改由事项的实施部门反馈。", code="affairs.not_department")


def _at_window(actor: Any, app: Application) -> None:
    if not is_window_clerk(actor):
        raise NotPermitted("只有政务大厅综合窗口可以办理此项。", code="affairs.not_window")


def _notice_once(actor: Any, app: Application) -> None:
    if app.notified_at is not None:
        raise Conflict(
            "已一次性告知过补正材料，不能再次要求补正：请受理或不予受理。", code="affairs.notice_once"
        )


def _materials_complete(actor: Any, app: Application) -> None:
    if app.missing:
        raise Conflict(
            f"材料不全（缺：{'、'.join(app.missing)}），请一次性告知补正或不予受理。",
            code="affairs.materials_missing",
        )


def _earlier_stages_done(actor: Any, app: Application) -> None:
    if app.joint_id is None or app.stage <= 1:
        return
    # Granted, whatever followed (出件, 好差评, 整改): the state alone would hold the later stage
    # once the first part is rated, and let it through after a 不予许可 was delivered.
    waiting = Application.objects.filter(joint_id=app.joint_id, stage__lt=app.stage).exclude(
        events__action=Action.GRANT
    )
    if waiting.exists():
        raise Conflict("本件需在“一件事”的前序事项准予后受理。", code="affairs.joint_order")


def _handled_here(actor: Any, app: Application) -> None:
    if app.partner_id is not None:
        raise Conflict("本件由异地办理（跨域通办），预审后请转办理地。", code="affairs.handled_elsewhere")


def _for_a_partner(actor: Any, app: Application) -> None:
    if app.partner_id is None:
        raise Conflict("本件属本地办理，无需转办理地。", code="affairs.not_forwarded")


def _delivered_here(actor: Any, app: Application) -> None:
    if app.origin_id is not None:
        raise Conflict("异地代收的办件由收件地窗口出件。", code="affairs.delivered_at_origin")


def _exchange_only(actor: Any, app: Application) -> None:
    raise NotPermitted("办理地进展由跨域通办接口记录。", code="affairs.exchange_only")


def _step_role(actor: Any, app: Application) -> None:
    step = app.current_step
    if step is None:
        raise Conflict("没有待办的审批环节。", code="affairs.no_step")
    if actor.role != Role.ADMIN and actor.role != step["role"]:
        label = "承办人" if step["role"] == Role.CLERK else "单位负责人"
        raise NotPermitted(f"“{step['name']}”环节由{label}办理。", code="affairs.step_role")


def _not_last_step(actor: Any, app: Application) -> None:
    if app.is_last_step:
        raise Conflict("这是最后一个审批环节，请作出准予或不予许可的决定。", code="affairs.last_step")


def _last_step(actor: Any, app: Application) -> None:
    if not app.is_last_step:
        step = app.current_step
        name = step["name"] if step else ""
        raise Conflict(f"还有审批环节未完成（当前：{name}）。", code="affairs.steps_remaining")


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_deciding_unit,
    own_unit_message="只有事项的实施部门可以{what}。",
)

A = Action
GUARDS.rule(A.SUBMIT, WINDOW_ROLES, what="窗口申报")  # the window's check is in the verb (no item yet)
GUARDS.rule(A.NOTIFY, WINDOW_ROLES, what="一次性告知", checks=[_at_window, _notice_once])
GUARDS.rule(A.CORRECT, WINDOW_ROLES, what="窗口补正", checks=[_at_window])
GUARDS.rule(
    A.ACCEPT,
    WINDOW_ROLES,
    what="受理",
    checks=[_at_window, _handled_here, _materials_complete, _earlier_stages_done],
)
GUARDS.rule(
    A.FORWARD, WINDOW_ROLES, what="转办理地", checks=[_at_window, _for_a_partner, _materials_complete]
)
GUARDS.rule(A.REFUSE, WINDOW_ROLES, what="不予受理", checks=[_at_window])
GUARDS.rule(A.APPROVE_STEP, DEPARTMENT_ROLES, what="审批", own_unit=True, checks=[_step_role, _not_last_step])
GUARDS.rule(A.GRANT, DEPARTMENT_ROLES, what="作出准予决定", own_unit=True, checks=[_step_role, _last_step])
GUARDS.rule(A.DENY, DEPARTMENT_ROLES, what="作出不予许可决定", own_unit=True, checks=[_step_role, _last_step])
GUARDS.rule(A.DELIVER, WINDOW_ROLES, what="出件", checks=[_at_window, _delivered_here])
GUARDS.rule(A.WITHDRAW, WINDOW_ROLES, what="代为撤回", checks=[_at_window])
# At the hall the applicant rates on the window's 评价器: the clerk records it (online: the token).
GUARDS.rule(A.RATE, WINDOW_ROLES, what="登记评价", checks=[_at_window])
GUARDS.rule(A.RATE_POOR, WINDOW_ROLES, what="登记评价", checks=[_at_window])
GUARDS.rule(A.RECTIFY, DEPARTMENT_ROLES, what="整改反馈", own_unit=True, checks=[_department_only])
# The partner's progress arrives signed over the exchange (affairs.exchange), never from a page.
for _remote in REMOTE_ACTIONS:
    GUARDS.rule(_remote, (Role.ADMIN,), what="记录办理地进展", checks=[_exchange_only])

# RATE_POOR is a sub-action of rating (chosen by the level), not a button of its own.
OFFERED = tuple(a for a in Action if a not in {A.SUBMIT, A.RATE_POOR, *REMOTE_ACTIONS})


def available_actions(user: Any, app: Application) -> list[Action]:
    return GUARDS.available(user, app, offered=OFFERED)

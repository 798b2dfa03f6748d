"""Who may do what to a ticket: one rule per action, asked by the verbs, the desk and the API.

A ticket at a window (called, being served) is that window's: only who may work the window
recalls it, starts, finishes or marks it 过号. Calling is the window's too (the verb checks the
window it calls for); 取消 and 重新排队 are any hall staff's (the guide at the entrance).
Taking a ticket at the kiosk needs no account (the verb runs unguarded, the table still decides).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from hall.access import CLERK_ROLES, is_hall_staff, may_work
from hall.models import Ticket
from hall.workflow import MACHINE, Action, State
from loop.guards import Guards
from mochou.errors import Conflict, NotPermitted

DEFAULT_NO_SHOW_CALLS = 3


def no_show_calls() -> int:
    """Calls without an answer before a ticket may be marked 过号 (HALL_NO_SHOW_CALLS)."""
    return int(getattr(settings, "HALL_NO_SHOW_CALLS", DEFAULT_NO_SHOW_CALLS))


def _at_its_window(actor: Any, ticket: Ticket) -> bool:
    """A ticket at no window (waiting, 过号, 取消) is nobody's: the state refuses it (409)."""
    return ticket.window is None or may_work(actor, ticket.window)


def _hall_staff(actor: Any, ticket: Ticket) -> None:
    if not is_hall_staff(actor):
        raise NotPermitted("只有政务大厅工作人员可以办理此项。", code="hall.not_staff")


def _enough_calls(actor: Any, ticket: Ticket) -> None:
    wanted = no_show_calls()
    if ticket.calls < wanted:
        raise Conflict(
            f"已呼叫 {ticket.calls} 次：呼叫 {wanted} 次仍未到才能记为过号，请先重呼。",
            code="hall.calls_before_no_show",
        )


def _today(actor: Any, ticket: Ticket) -> None:
    if ticket.day != timezone.localdate():
        raise Conflict("只能重新排队当天的号。", code="hall.not_today")


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_at_its_window,
    own_unit_message="只有叫号窗口的工作人员可以{what}。",
)

A = Action
GUARDS.rule(A.TAKE, CLERK_ROLES, what="代取号", checks=[_hall_staff])  # the kiosk's own: unguarded
GUARDS.rule(A.CALL, CLERK_ROLES, what="叫号", checks=[_hall_staff])  # the window: checked by the verb
GUARDS.rule(A.RECALL, CLERK_ROLES, what="重呼", own_unit=True)
GUARDS.rule(A.START, CLERK_ROLES, what="开始办理", own_unit=True)
GUARDS.rule(A.FINISH, CLERK_ROLES, what="办理完成", own_unit=True)
GUARDS.rule(A.NO_SHOW, CLERK_ROLES, what="记为过号", own_unit=True, checks=[_enough_calls])
GUARDS.rule(A.RESTORE, CLERK_ROLES, what="重新排队", checks=[_hall_staff, _today])
GUARDS.rule(A.CANCEL, CLERK_ROLES, what="取消排队号", checks=[_hall_staff])

# The desk's buttons for the ticket at the window (calling is the window's own button).
DESK_ACTIONS = (A.RECALL, A.START, A.NO_SHOW, A.FINISH)


def available_actions(user: Any, ticket: Ticket, offered: tuple[Action, ...] = DESK_ACTIONS) -> list[Action]:
    return GUARDS.available(user, ticket, offered=offered)

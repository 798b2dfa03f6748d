"""Who works at the hall: decided here, asked by the guards, the pages and the top bar.

The 政务服务 office (affairs.office) runs the hall: its clerks work any window and issue 帮办
tickets, its leader manages the hall (today's board, the windows' times). A department's clerk
works the windows they are named at (`Window.clerks`), e.g. the 不动产 window staffed by the
registry's own people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.models import Role
from affairs.office import is_office_staff, is_window_clerk

if TYPE_CHECKING:
    from hall.models import Window

CLERK_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.ADMIN)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_work(user: Any, window: Window) -> bool:
    """Call and serve at this window: an office clerk at any window, a named clerk at theirs."""
    if not _active(user):
        return False
    return is_window_clerk(user) or window.clerks.filter(pk=user.pk).exists()


def is_hall_staff(user: Any) -> bool:
    if not _active(user):
        return False
    return is_office_staff(user) or user.hall_windows.exists()


def is_hall_manager(user: Any) -> bool:
    """The office's staff (its leader and clerks) and the administrator read the board."""
    return is_office_staff(user)

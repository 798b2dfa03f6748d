"""Who belongs to the duty chain: the office's staff, the city's leaders, the administrator.

The duty chain sees every unit's rosters with their phone numbers, every 平安报 and incident;
a unit's own staff see their unit's. Nobody else sees a duty phone number unmasked.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from duty import config

UNIT_ROLES = frozenset({Role.CLERK, Role.UNIT_LEADER})
CHAIN_ROLES = frozenset({Role.LEADER, Role.ADMIN})


def is_office_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in UNIT_ROLES
        and user.unit_id is not None
        # The user's unit, loaded once per request (the top bar asks every app): no query per check.
        and user.unit.code == config.office_code()
    )


def in_duty_chain(user: Any) -> bool:
    """The office, the city's leaders and the administrator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CHAIN_ROLES or is_office_staff(user)


def is_unit_staff(user: Any, unit_id: int | None) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in UNIT_ROLES
        and unit_id is not None
        and user.unit_id == unit_id
    )


def sees_phones(user: Any, unit_id: int) -> bool:
    """A shift's phones: the duty chain, and the unit's own staff."""
    return in_duty_chain(user) or is_unit_staff(user, unit_id)


def may_use_duty(user: Any) -> bool:
    """The duty pages: the chain and the staff of every reporting unit."""
    return in_duty_chain(user) or bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in UNIT_ROLES
        and user.unit_id
    )

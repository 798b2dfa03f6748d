"""Which unit is the 政务服务 office (it runs the hall's 综窗 and reviews the 事项清单): decided here.

The setting AFFAIRS_OFFICE_CODE names the unit (市政数局 D-ZSJ by default). Its clerks are the
hall's window clerks (综窗: 预审, 受理 for every department, 出件); its clerks and leader review
the departments' edits of the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.models import Role
from org.models import Unit

DEFAULT_OFFICE_CODE = "D-ZSJ"
OFFICE_ROLES = frozenset({Role.CLERK, Role.UNIT_LEADER})


def office_code() -> str:
    return str(getattr(settings, "AFFAIRS_OFFICE_CODE", DEFAULT_OFFICE_CODE))


def office_unit() -> Unit | None:
    return Unit.objects.filter(code=office_code()).first()


def is_office_staff(user: Any) -> bool:
    """A clerk or the leader of the 政务服务 office (or an administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    unit = getattr(user, "unit", None)
    return user.role in OFFICE_ROLES and unit is not None and unit.code == office_code()


def is_window_clerk(user: Any) -> bool:
    """A 综窗 clerk: a clerk of the office (the administrator stands in for one in tests)."""
    return is_office_staff(user) and user.role in {Role.CLERK, Role.ADMIN}


def is_department_staff(user: Any, unit_id: int | None) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in OFFICE_ROLES
        and unit_id is not None
        and user.unit_id == unit_id
    )

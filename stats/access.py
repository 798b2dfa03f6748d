"""Who sees the statistics: centre staff and city leaders see everything; a unit's leader sees the
rates and rankings of all units (they are published to every unit) and the ledger of its own
cases (Case.objects.visible_to); clerks and auditors do not."""

from __future__ import annotations

from typing import Any

from accounts.models import Role


def may_view_stats(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_centre_staff or user.role == Role.UNIT_LEADER)

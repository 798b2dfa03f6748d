"""Who may read and who may change the dispatch catalogue: decided here, once, for its pages."""

from __future__ import annotations

from typing import Any

from accounts.models import Role

# The centre's management keeps the catalogue; dispatchers and agents read it.
EDITORS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def may_view_catalogue(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_centre_staff))


def may_edit_catalogue(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in EDITORS))

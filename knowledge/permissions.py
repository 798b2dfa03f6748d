"""Who may write, review and read guides.

- Reviewers (审核人) are the centre's knowledge-base keepers: role admin, supervisor (督办员) or
  dispatcher (派单员) — the people who know which answers the hotline needs — and superusers.
  They may also write and edit any unit's guide, but may not publish a version they last edited
  themselves (four eyes), except an admin.
- Unit staff (承办人, 单位负责人) write and edit the guides of their own unit and submit them.
- Every signed-in user reads published guides, internal ones included; citizens read only
  published public guides in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User
    from knowledge.models import Guide

REVIEWER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})


def is_reviewer(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in REVIEWER_ROLES


def can_write(user: User | None) -> bool:
    """May create guides at all (for their own unit, or any unit for a reviewer)."""
    if user is None or not user.is_authenticated:
        return False
    return is_reviewer(user) or (user.is_unit_staff and user.unit_id is not None)


def can_edit(user: User | None, guide: Guide) -> bool:
    if not can_write(user):
        return False
    return is_reviewer(user) or guide.unit_id == user.unit_id  # type: ignore[union-attr]


def can_publish(user: User | None, guide: Guide) -> bool:
    if not is_reviewer(user):
        return False
    return user.role == Role.ADMIN or user.is_superuser or guide.editor_id != user.pk  # type: ignore[union-attr]

"""Who may write, review and read guides: the guards of the guides' review (loop/review.py).

- Reviewers (审核人) are the centre's knowledge-base keepers: role admin, supervisor (督办员) or
  dispatcher (派单员) — the people who know which answers the hotline needs — and superusers.
  They may also write and edit any unit's guide, but may not publish a version they last edited
  themselves (four eyes), except an admin.
- Unit staff (承办人, 单位负责人) write and edit the guides of their own unit and submit them.
- Every signed-in user reads published guides, internal ones included; citizens read only
  published public guides in force.

`GUARDS` decides for the verbs (knowledge/services.py) and for the pages' buttons alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import UNIT_ROLES, Role
from knowledge.models import MACHINE, GuideStatus
from loop.review import ReviewGuards, RevisionAction, review_guards

if TYPE_CHECKING:
    from accounts.models import User
    from knowledge.models import Guide

REVIEWER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
WRITER_ROLES = REVIEWER_ROLES | UNIT_ROLES


def is_reviewer(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in REVIEWER_ROLES


def is_own_unit(user: User, unit_id: int | None) -> bool:
    """A reviewer writes for every unit, unit staff for their own."""
    return is_reviewer(user) or (unit_id is not None and unit_id == user.unit_id)


GUARDS: ReviewGuards[GuideStatus] = review_guards(
    MACHINE,
    noun="办事指南",
    writers=WRITER_ROLES,
    reviewers=REVIEWER_ROLES,
    four_eyes_exempt=[Role.ADMIN],
    own_unit=lambda user, guide: is_own_unit(user, guide.unit_id),
)


def can_write(user: User | None) -> bool:
    """May create guides at all (for their own unit, or any unit for a reviewer)."""
    if user is None or not user.is_authenticated:
        return False
    return GUARDS.may(user, RevisionAction.CREATED) and (is_reviewer(user) or user.unit_id is not None)


def can_edit(user: User | None, guide: Guide) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return GUARDS.refusal(user, guide, RevisionAction.EDITED) is None

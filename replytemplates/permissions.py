"""Who maintains the templates: the 12345 centre, with review, as for the guides of 莫愁指南.

- Writers (create, edit, submit): 管理员 and 派单员 — the dispatchers read every answer the units
  send and know which ones recur — and superusers.
- Reviewers (publish, return with a note, retire): 管理员 and 督办员, who answer for the quality
  of what the hotline tells citizens. Four eyes: a reviewer cannot publish a version they last
  edited themselves, except an admin.
- The pages are for writers and reviewers; clerks meet published templates in the reply form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User
    from replytemplates.models import ReplyTemplate

WRITER_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
REVIEWER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_write(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in WRITER_ROLES


def is_reviewer(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in REVIEWER_ROLES


def can_maintain(user: User | None) -> bool:
    """May open the templates' pages at all."""
    return can_write(user) or is_reviewer(user)


def can_publish(user: User | None, template: ReplyTemplate) -> bool:
    if not is_reviewer(user):
        return False
    return user.role == Role.ADMIN or user.is_superuser or template.editor_id != user.pk  # type: ignore[union-attr]

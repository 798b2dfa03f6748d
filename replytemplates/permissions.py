"""Who maintains the templates: the 12345 centre, with review, as for the guides of 莫愁指南 —
the guards of the templates' review (loop/review.py).

- Writers (create, edit, submit): 管理员 and 派单员 — the dispatchers read every answer the units
  send and know which ones recur — and superusers.
- Reviewers (publish, return with a note, retire): 管理员 and 督办员, who answer for the quality
  of what the hotline tells citizens. Four eyes: a reviewer cannot publish a version they last
  edited themselves, except an admin.
- The pages are for writers and reviewers; clerks meet published templates in the reply form.

`GUARDS` decides for the verbs (replytemplates/services.py) and for the pages' buttons alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role
from loop.review import ReviewGuards, RevisionAction, review_guards
from replytemplates.models import MACHINE, TemplateStatus

if TYPE_CHECKING:
    from accounts.models import User

WRITER_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
REVIEWER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})

GUARDS: ReviewGuards[TemplateStatus] = review_guards(
    MACHINE,
    noun="答复模板",
    writers=WRITER_ROLES,
    reviewers=REVIEWER_ROLES,
    four_eyes_exempt=[Role.ADMIN],
)


def can_write(user: User | None) -> bool:
    return user is not None and user.is_authenticated and GUARDS.may(user, RevisionAction.CREATED)


def is_reviewer(user: User | None) -> bool:
    return user is not None and user.is_authenticated and GUARDS.may(user, RevisionAction.PUBLISHED)


def can_maintain(user: User | None) -> bool:
    """May open the templates' pages at all."""
    return can_write(user) or is_reviewer(user)

"""The owner of a violation (当事人) is personal data: masked as everywhere (accounts.privacy), shown
in full only to the staff who handle the violation and on purpose, each view audited."""

from __future__ import annotations

from typing import Any

from accounts.audit.services import record
from accounts.models import Role, User
from accounts.privacy import mask_name, mask_phone
from enforcement.guards import _own_unit
from enforcement.models import Violation

AUDIT_ACTION = "enforcement.owner_view"


def may_see_owner(user: User, violation: Violation) -> bool:
    """Those who serve the documents on the owner: the township's and the office's clerks and leader."""
    return user.is_active and user.role in (Role.CLERK, Role.UNIT_LEADER) and _own_unit(user, violation)


def owner_masked(violation: Violation) -> tuple[str, str]:
    return mask_name(violation.owner_name), mask_phone(violation.owner_phone)


def owner_for(user: User, violation: Violation, *, purpose: str, request: Any = None) -> tuple[str, str]:
    """The owner in full (audited) for who may see it, else masked."""
    if not may_see_owner(user, violation) or not (violation.owner_name or violation.owner_phone):
        return owner_masked(violation)
    record(
        actor=user,
        action=AUDIT_ACTION,
        target=violation,
        reason=purpose,
        request=request,
        new={"fields": "owner_name,owner_phone"},
    )
    return violation.owner_name, violation.owner_phone

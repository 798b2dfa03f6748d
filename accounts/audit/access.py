"""Who may read the audit log: auditors, administrators and superusers, nobody else."""

from __future__ import annotations

from typing import Any

from accounts.models import Role

READER_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})


def may_read_audit(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in READER_ROLES))

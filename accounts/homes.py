"""Where each role lands after logging in, for the roles whose work is not the case queues.

The case loop's home page sends every role to its queue; an app whose users work elsewhere (the
auditors, in the audit log) registers its page here in its AppConfig.ready, so the loop needs to
know nothing of it.
"""

from __future__ import annotations

_HOMES: dict[str, str] = {}


def register_home(role: str, url_name: str) -> None:
    _HOMES[role] = url_name


def home_of(role: str) -> str | None:
    """The URL name of the role's own home page, or None for the case queues."""
    return _HOMES.get(role)

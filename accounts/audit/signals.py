"""Logins, failed logins and logouts, from Django's auth signals; lockouts from accounts.lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest
from django.utils.timezone import localtime

from accounts.audit.services import record

USER_TARGET = "accounts.user"
# A username longer than this is not one of ours; the rest is kept for the record.
TRIED_LENGTH = 150


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(actor=user, action="login", target=user, request=request)


def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:
        return  # logging out without a session: nobody to name
    record(actor=user, action="logout", target=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password (and any other sensitive value) with asterisks;
    # only the username tried is kept, never what was typed as the password.
    tried = str(credentials.get("username") or "")[:TRIED_LENGTH]
    record(
        actor=None,
        action="login.failed",
        target_type=USER_TARGET,
        target_repr=tried,
        new={"username": tried},
        request=request,
    )


def on_login_locked(
    sender: Any, lock: Any, failures: int, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The locked name (as tried, casefolded) or address, with when the lock ends.
    record(
        actor=None,
        action="login.locked",
        target_type=USER_TARGET if lock.scope == "account" else "",
        target_repr=lock.key,
        new={
            "scope": lock.scope,
            "key": lock.key,
            "until": localtime(lock.until).isoformat(timespec="seconds"),
            "failures": failures,
        },
        request=request,
    )


def connect() -> None:
    # dispatch_uid: ready() may run more than once (tests, autoreload); one record per event.
    auth_signals.user_logged_in.connect(on_login, dispatch_uid="audit.login")
    auth_signals.user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    from accounts.lockout import login_locked  # accounts' models are loaded by now (ready())

    login_locked.connect(on_login_locked, dispatch_uid="audit.login_locked")

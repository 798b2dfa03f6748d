"""Password authentication with the lockout of accounts.lockout in front of it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import lockout

# Where the backend leaves the lock for the login form's message (the form only sees None).
LOCKED_ATTRIBUTE = "mochou_login_locked"


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend, refusing locked names and addresses and counting failures.

    A locked attempt raises PermissionDenied, which stops authenticate() at once (no other backend
    may let it in) and still sends user_login_failed, so the audit log keeps the attempt. Logins
    without a request (the shell, tests' client.login) are neither refused nor counted: the lock
    guards the doors a guesser can reach, and those always have one."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        current = lockout.locked(username, lockout.client_ip(request))
        if current is not None:
            setattr(request, LOCKED_ATTRIBUTE, current)
            raise PermissionDenied(current.message)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            started = lockout.register_failure(username, request)
            if started is not None:
                setattr(request, LOCKED_ATTRIBUTE, started)
        else:
            lockout.clear_account(username)
        return user

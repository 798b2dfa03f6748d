"""The login form (with the lockout's message) and the change-password form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest

from accounts import lockout
from accounts.backends import LOCKED_ATTRIBUTE
from accounts.lockout import Locked


class LoginForm(auth_forms.AuthenticationForm):
    """Django's form; a locked name or address gets the lockout's message instead of the usual one.

    The message is the same whether the name exists or not (the lock counts names, not users)."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            current: Locked | None = getattr(self.request, LOCKED_ATTRIBUTE, None)
            if current is not None:
                raise forms.ValidationError(current.message, code="locked") from None
            raise


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (old password, new one twice, AUTH_PASSWORD_VALIDATORS), with two additions:
    the new password may not be the old one (a forced change must change something), and a wrong
    old password counts as a failed login, so this form is no way round the lockout."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        username = self.user.get_username()
        current = lockout.locked(username, lockout.client_ip(self.request))
        if current is not None:
            raise forms.ValidationError(current.message, code="locked")
        try:
            return str(super().clean_old_password())
        except forms.ValidationError:
            started = lockout.register_failure(username, self.request)
            if started is not None:
                raise forms.ValidationError(started.message, code="locked") from None
            raise

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = cleaned.get("new_password1")
        if new and not self.has_error("new_password2") and self.user.check_password(new):
            self.add_error(
                "new_password2", forms.ValidationError("新密码不能与当前密码相同。", code="unchanged")
            )
        return cleaned

"""Login, logout and change of one's own password (Django's views, with our Chinese templates)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.audit.services import record
from accounts.demo import DEMO_PASSWORD
from accounts.forms import LoginForm, PasswordChangeForm
from accounts.models import User

# Set at login when the password typed was the published demo password, whatever the mode: a
# session opened in demo mode must still be stopped once the server runs without it.
DEMO_PASSWORD_SESSION_KEY = "mochou_demo_password"  # noqa: S105 (a session key, not a password)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    # A logged-in user who opens the login page goes straight to their work.
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if form.cleaned_data.get("password") == DEMO_PASSWORD:
            self.request.session[DEMO_PASSWORD_SESSION_KEY] = True
            user = form.get_user()
            if not settings.MOCHOU_DEMO and isinstance(user, User) and not user.must_change_password:
                user.must_change_password = True
                user.save(update_fields=["must_change_password"])
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch cannot log anyone out."""

    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_success_url(self) -> str:
        # Back to the page the forced change interrupted, if it is one of ours.
        target = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return str(super().get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        forced = getattr(self.request.user, "must_change_password", False) or bool(
            self.request.session.get(DEMO_PASSWORD_SESSION_KEY)
        )
        return {**super().get_context_data(**kwargs), "forced": forced and not settings.MOCHOU_DEMO}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)  # saves the password, keeps the session
            user = form.user
            if isinstance(user, User) and user.must_change_password:
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
            self.request.session.pop(DEMO_PASSWORD_SESSION_KEY, None)
            record(actor=user, action="password.change", target=user, request=self.request)
        messages.success(self.request, "密码已修改。")
        return response

"""Login and logout pages (Django's own views, with our Chinese templates)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    # A logged-in user who opens the login page goes straight to their work.
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch cannot log anyone out."""

    http_method_names = ["post", "options"]

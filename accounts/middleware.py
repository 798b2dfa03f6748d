"""Sessions that end when idle; a user who must change their password may do nothing else first.

SessionIdleMiddleware: a session's expiry (SESSION_COOKIE_AGE, stored with the session) is renewed
by activity, but at most once per RENEW_SECONDS, so that the idle timeout costs one write a minute
rather than one per request. The session then ends between SESSION_COOKIE_AGE - RENEW_SECONDS and
SESSION_COOKIE_AGE after the last request (GB/T 22239-2019 level 3: "登录连接超时自动退出").

PasswordChangeRequiredMiddleware: outside demo mode, a user flagged `must_change_password` (an
administrator set the password, or they logged in with the published demo password) is sent to the
change-password page from every page; the API answers 403 with a code. Logging out stays possible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from accounts.views import DEMO_PASSWORD_SESSION_KEY

MESSAGE = "请先修改初始密码后再继续使用。"
# Seconds since the epoch of the session's last renewal.
SEEN_SESSION_KEY = "mochou_seen"
RENEW_SECONDS = 60


def mark_session_seen(session: SessionBase) -> None:
    session[SEEN_SESSION_KEY] = int(time.time())


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Stamped at login, so that the login's own save counts as the first renewal.
    if request is not None and hasattr(request, "session"):
        mark_session_seen(request.session)


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            seen = session.get(SEEN_SESSION_KEY)
            if not isinstance(seen, int) or time.time() - seen >= RENEW_SECONDS:
                # Modified → SessionMiddleware saves it, with a new expiry, on the way out.
                mark_session_seen(session)
        return response


def must_change_password(request: HttpRequest) -> bool:
    if settings.MOCHOU_DEMO:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(
        getattr(user, "must_change_password", False) or request.session.get(DEMO_PASSWORD_SESSION_KEY)
    )


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not must_change_password(request):
            return self.get_response(request)
        change, logout = reverse("password_change"), reverse("logout")
        if request.path in {change, logout} or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "account.password_change_required", "message": MESSAGE}, status=403)
        target = f"{change}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap a redirect's page into a fragment: ask it to load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

"""What every duty page shares: access, the clock, parsing posted values, showing domain errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, cast
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import privacy
from accounts.audit import services as audit
from accounts.models import User
from duty.access import may_use_duty, sees_phones
from duty.models import Shift
from duty.privacy import ids_field
from mochou.errors import DomainError, InvalidInput

View = Callable[..., Any]


def duty_page(view: View) -> View:
    """Logged in, and in the duty chain or on the staff of a unit."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_use_duty(request.user):
            raise PermissionDenied("只有应急值班室和各单位值班人员可以使用值班系统。")
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapped


def _back(request: HttpRequest) -> str:
    """Where a posted form returns: its `next`, else the page it was sent from (same host only)."""
    for candidate in (request.POST.get("next", ""), request.META.get("HTTP_REFERER", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(candidate)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/duty/"


def posted(view: View) -> View:
    """A POST that calls a service: its DomainError becomes the page's message, then back."""

    @duty_page
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        back = _back(request)
        try:
            done = view(request, *args, **kwargs)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        if isinstance(done, str):
            messages.success(request, done)
            return redirect(back)
        response: HttpResponse = done
        return response

    return wrapped


def me(request: HttpRequest) -> User:
    """The acting user of a duty page (duty_page has made sure it is a logged-in one)."""
    return cast("User", request.user)


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def parse_day(value: str | None, default: date) -> date:
    try:
        return (parse_date(value) if value else None) or default
    except ValueError:  # well formed but no such day (2026-02-30)
        return default


def parse_optional_day(value: str | None, field: str, label: str) -> date | None:
    """A date input that may be left empty; a date typed wrong is an error, not silently none."""
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(f"{label}无效。", code="invalid_input.date", details={"field": field})
    return day


def parse_moment(value: str | None, field: str, label: str) -> datetime:
    """A datetime-local input (local time, no zone)."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:  # well formed but no such moment (2026-02-30T10:00)
        moment = None
    if moment is None:
        raise InvalidInput(f"请填写{label}。", code="invalid_input.time", details={"field": field})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def phones_of(
    request: HttpRequest, shifts: list[Shift], *, purpose: str, user: Any = None
) -> dict[int, tuple[str, str]]:
    """Each shift's (leader, officer) phones as this user may see them: plain for the duty chain
    and the unit's own staff, masked for anyone else; a plain view of another unit's is audited.
    `user` is the API's bearer (request.user is anonymous there); pages leave it out."""
    user = user if user is not None else request.user
    shown: dict[int, tuple[str, str]] = {}
    others = []
    for shift in shifts:
        if sees_phones(user, shift.unit_id):
            shown[shift.pk] = (shift.leader_phone, shift.officer_phone)
            if shift.unit_id != getattr(user, "unit_id", None):
                others.append(shift)
        else:
            shown[shift.pk] = (
                privacy.mask_phone(shift.leader_phone),
                privacy.mask_phone(shift.officer_phone),
            )
    if others:
        audit.record(
            actor=user,
            action="duty.phones_viewed",
            target_type="duty.shift",
            # target_id holds 64 characters (PostgreSQL enforces it): every id goes in `new`.
            target_id=ids_field([s.pk for s in others]),
            target_repr=f"值班电话（{len(others)} 个班次）",
            reason=purpose,
            request=request,
            new={"shifts": [s.pk for s in others]},
        )
    return shown

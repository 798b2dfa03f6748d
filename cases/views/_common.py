"""Helpers shared by the case pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from cases.deadlines import DeadlineStatus, deadline_status
from cases.models import Case
from worktime.calendar import CalendarMissing


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap wants a fragment; a history restore (back button, cache miss) wants the full page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def deadline_of(case: Case, now: datetime) -> DeadlineStatus | None:
    """The countdown, or none when the deadline lies in a year whose calendar is not configured yet:
    a page must not fail over a label (the system check mochou.W001 tells the admin)."""
    try:
        return deadline_status(case, now)
    except CalendarMissing:
        return None

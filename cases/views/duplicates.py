"""The duplicate warning while a request is registered (the registration page and the console)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.privacy import may_search_by_phone
from cases.guards import can_register, may
from cases.intake_duplicates import possible_duplicates
from cases.workflow import Action
from mochou.http import AuthenticatedHttpRequest
from org.models import Unit


def _township_name(value: str) -> str:
    """The registration page sends the township's id, the console the name the agent typed."""
    value = value.strip()
    if value.isdigit():
        unit = Unit.objects.townships().filter(pk=int(value)).first()
        return unit.name if unit is not None else ""
    return value[:60]


@login_required
@require_POST  # a read, but the request's text is too long for a URL
def duplicates_warning(request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST /cases/possible-duplicates/ — the warning fragment for the fields typed so far."""
    user = request.user
    if not can_register(user):
        raise PermissionDenied("只有话务员、派单员、督办员和管理员可以登记工单。")
    data = request.POST
    found = possible_duplicates(
        user,
        content=(data.get("content") or "")[:5000],
        title=(data.get("title") or "")[:120],
        phone=(data.get("citizen_phone") or "")[:20],
        township=_township_name(data.get("township") or ""),
        address=(data.get("address") or "")[:200],
        request=request,
    )
    context = {
        "found": found,
        "may_merge": may(user, Action.MERGE),
        "phone_typed": bool((data.get("citizen_phone") or "").strip()),
        "may_search_by_phone": may_search_by_phone(user),
    }
    return render(request, "cases/_duplicates_warning.html", context)

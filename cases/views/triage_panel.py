"""The triage's advice on a case as a fragment: the case page and the console ask for it again
while it is still to come (triage runs in the worker after the registration commits)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from cases import hooks
from cases.models import Case, Dispute
from mochou.http import AuthenticatedHttpRequest

# A suggestion normally follows its registration within a second: ask every second at first,
# then every ten (the worker is stopped or far behind; the sweep will get to it).
FAST_POLL_FOR = timedelta(minutes=2)


def sees_triage(user: User) -> bool:
    """The triage's advice is for the centre, which dispatches; units get the dispatch itself."""
    return bool(user.is_centre_staff or user.is_superuser)


def triage_context(user: User, case: Case) -> dict[str, Any]:
    """What _triage_suggestion.html needs: the advice, or whether to poll for it and how often."""
    if not sees_triage(user):
        return {"suggestion": None, "triage_pending": False}
    suggestion = hooks.triage_advice(case)
    pending = suggestion is None and hooks.triage_pending(case)
    fast = timezone.now() - case.created_at < FAST_POLL_FOR
    return {
        "suggestion": suggestion,
        "triage_pending": pending,
        "triage_poll": "every 1s" if fast else "every 10s",
    }


@login_required
@require_GET
def triage_panel(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    user = request.user
    if not sees_triage(user):
        raise Http404("没有这个工单")
    case = get_object_or_404(Case.objects.visible_to(user), number=number)
    context = {
        "case": case,
        "user": user,
        **triage_context(user, case),
        # Asked for by the page: the advice is new to it (its forms were filled without it).
        "arrived": True,
        "excluded_unit_ids": Dispute.excluded_unit_ids(case),
    }
    return render(request, "cases/_triage_suggestion.html", context)

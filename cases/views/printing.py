"""The printable 工单 (one A4 page, cases/print.html): what a unit files or a meeting reads.

The citizen's data as this user may see it on screen: the phone masked unless the role works
the case (then the view is audited, purpose "case_print"); on paper the name is always masked,
as on the printed 督办单 (a sheet leaves the screen's audit behind).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.privacy import case_text_for, citizen_phone_for, mask_name
from cases.deadlines import deadline_of
from cases.models import CaseEvent
from cases.timeline import visible_events
from cases.views.case import _visible_case
from cases.workflow import Action
from mochou.http import AuthenticatedHttpRequest

# Steps the sheet lists besides every change of state: what happened without moving the case.
KEY_ACTIONS = frozenset({Action.SUPERVISE, Action.CONTRIBUTE})
MAX_STEPS = 14  # one page: the first steps and the latest ones, the middle summarised


def key_steps(events: list[CaseEvent]) -> tuple[list[CaseEvent], int]:
    """The timeline's key steps for paper, and how many were left out to keep it to one page."""
    steps = [e for e in events if e.from_state != e.to_state or e.action in KEY_ACTIONS]
    if len(steps) <= MAX_STEPS:
        return steps, 0
    head, tail = steps[:4], steps[-(MAX_STEPS - 4) :]
    return head + tail, len(steps) - len(head) - len(tail)


@login_required
@require_GET
def print_case(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    user = request.user
    case = _visible_case(user, number)
    phone, unmasked = citizen_phone_for(user, case, purpose="case_print", request=request)
    steps, left_out = key_steps(visible_events(user, case))
    context = {
        "case": case,
        "citizen_name": mask_name(case.citizen_name),
        "phone": phone,
        "phone_unmasked": unmasked,
        "content": case_text_for(user, case, purpose="case_print", request=request),
        "deadline": deadline_of(case, timezone.now()),
        "assignments": list(case.assignments.select_related("unit").order_by("dispatched_at", "role")),
        "reply": case.approved_reply,
        "steps": steps,
        "left_out": left_out,
        "printed_at": timezone.now(),
    }
    return render(request, "cases/print.html", context)

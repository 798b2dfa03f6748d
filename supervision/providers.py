"""What this app answers of the case loop (cases.hooks), connected in SupervisionConfig.ready."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import Role, User
from cases import hooks
from cases.guards import refusal as case_refusal
from cases.models import Case
from cases.workflow import Action as CaseAction
from hotspots import hooks as hotspot_hooks
from supervision.ledger import task_row
from supervision.models import Notice
from supervision.services import issue_notice
from supervision.services.instructions import instructions_on_case, instructions_on_hotspot
from supervision.views.common import notice_rows
from supervision.views.instructions import may_instruct


def supervise(
    case: Case, *, actor: User, body: str, respond_days: int = 2, now: datetime | None = None
) -> Notice:
    """The case loop's 督办 (its page's old form, its API route, the demo): a 蓝色督办单."""
    return issue_notice(case, actor=actor, body=body, respond_days=respond_days, now=now)


def supervised_cases(user: User) -> QuerySet[Notice, Any]:
    """督办件: a supervisor's own notices' cases, a unit's notices' cases, all for the others."""
    notices = Notice.objects.all()
    if user.role == Role.SUPERVISOR:
        notices = notices.filter(supervisor=user)
    elif user.is_unit_staff:
        # A unit's staff without a unit supervise nothing (filtering on a null unit matched no row).
        notices = notices.filter(unit_id=user.unit_id) if user.unit_id is not None else notices.none()
    return notices.values("case_id")


def case_panel(case: Case, user: User, request: Any = None) -> SafeString:
    """The case page's 督办 section: the notices on the case and, for a supervisor, the button."""
    now = timezone.now()
    notices = Notice.objects.filter(case=case).select_related(
        "unit", "supervisor", "addressed_to", "answered_by", "approved_by", "previous"
    )
    may_issue = user.is_authenticated and case_refusal(user, case, CaseAction.SUPERVISE) is None
    # 领导批示 on the case and on the hotspots it is behind (the same kind of item as a 督办单).
    instructions = [task_row(t, now) for t in instructions_on_case(case)]
    may_give = may_instruct(user)
    if not notices and not may_issue and not instructions and not may_give:
        return SafeString("")
    context = {
        "case": case,
        "rows": notice_rows(list(notices), user, now),
        "may_issue": may_issue,
        "instructions": instructions,
        "may_instruct": may_give,
    }
    return SafeString(render_to_string("supervision/_case_panel.html", context, request=request))


def hotspot_panel(hotspot: Any, user: Any, request: Any = None) -> SafeString:
    """The hotspot page's 领导批示 section: the 批示 given on it, and the button for a leader."""
    now = timezone.now()
    rows = [task_row(t, now) for t in instructions_on_hotspot(hotspot)]
    may_give = may_instruct(user)
    if not rows and not may_give:
        return SafeString("")
    context = {"hotspot": hotspot, "instructions": rows, "may_instruct": may_give}
    return SafeString(render_to_string("supervision/_hotspot_panel.html", context, request=request))


def form_url(case: Case) -> str:
    return reverse("supervision:issue", args=[case.number])


def connect() -> None:
    hooks.supervise.provide(supervise)
    hooks.supervise_form_url.provide(form_url)
    hooks.supervision_panel.provide(case_panel)
    hooks.supervised_cases.provide(supervised_cases)
    hotspot_hooks.instruction_panel.provide(hotspot_panel)

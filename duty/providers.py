"""What this app answers of the case loop (cases.hooks), connected in DutyConfig.ready."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases import hooks
from duty import guards
from duty.models import Incident


def case_panel(case: Any, user: Any, request: Any = None) -> SafeString:
    """The case page's 突发事件 section: the incidents the case was reported in (number, title,
    level, state — a link only for whoever may see the incident), and for the duty office the
    way to register the case as an incident. Nothing for anyone else when there is none."""
    incidents = list(Incident.objects.filter(cases=case).order_by("learned_at", "pk"))
    may_register = guards.is_office(user)
    if not incidents and not may_register:
        return SafeString("")
    visible: set[int] = set()
    if incidents:
        visible = set(
            Incident.objects.visible_to(user)
            .filter(pk__in=[i.pk for i in incidents])
            .values_list("pk", flat=True)
        )
    context = {
        "case": case,
        "rows": [(i, i.pk in visible) for i in incidents],
        "may_register": may_register,
    }
    return SafeString(render_to_string("duty/_case_panel.html", context, request=request))


def connect() -> None:
    hooks.incident_panel.provide(case_panel)

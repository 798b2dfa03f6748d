"""What this app answers of the case loop (cases.hooks), connected in HotspotsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases import hooks
from hotspots.guards import may_read
from hotspots.models import HotspotMember
from hotspots.services import tasks_of_case


def case_panel(case: Any, user: Any, request: Any = None) -> SafeString:
    """The case page's 高频事 section: the hotspots the case is behind and the proactive tasks'
    results (未诉先办), for everyone who sees the case."""
    tasks = tasks_of_case(case.pk)
    hotspots = [m.hotspot for m in HotspotMember.objects.filter(case_id=case.pk).select_related("hotspot")]
    if not tasks and not hotspots:
        return SafeString("")
    context = {"tasks": tasks, "hotspots": hotspots, "links": may_read(user)}
    return SafeString(render_to_string("hotspots/_case_panel.html", context, request=request))


def connect() -> None:
    hooks.hotspot_panel.provide(case_panel)

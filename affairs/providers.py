"""What affairs answers for the core: the case page's section on a linked 办件 or matter."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from affairs.models import Application, CaseLink


def application_panel(case: Any, user: Any, request: Any = None) -> str:
    link = CaseLink.objects.filter(case_id=case.pk).select_related("application", "matter").first()
    if link is None:
        return ""
    app = link.application
    visible = app is not None and Application.objects.visible_to(user).filter(pk=app.pk).exists()
    return render_to_string(
        "affairs/_case_panel.html", {"link": link, "app": app, "visible": visible}, request=request
    )


def connect() -> None:
    from cases import hooks

    hooks.application_panel.provide(application_panel)

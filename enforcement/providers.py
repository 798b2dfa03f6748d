"""What this app answers of the case loop (cases.hooks), connected in EnforcementConfig.ready."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases import hooks
from enforcement.guards import may_report
from enforcement.models import Violation
from enforcement.services.hotline import construction_cases, is_construction_case


def case_panel(case: Any, user: Any, request: Any = None) -> SafeString:
    """The case page's 违建 section, for a case in the illegal-construction categories only: the
    linked violation and its state, or the 转为违建 button for the township that may convert it
    (the same query the conversion page answers from, and the report guard)."""
    if not is_construction_case(case):
        return SafeString("")
    violation = Violation.objects.filter(case_id=case.pk).select_related("township").first()
    may_open = violation is not None and Violation.objects.visible_to(user).filter(pk=violation.pk).exists()
    may_convert = (
        violation is None and may_report(user) and construction_cases(user).filter(pk=case.pk).exists()
    )
    if violation is None and not may_convert:
        return SafeString("")
    context = {"case": case, "v": violation, "may_open": may_open, "may_convert": may_convert}
    return SafeString(render_to_string("enforcement/_case_panel.html", context, request=request))


def connect() -> None:
    hooks.violation_panel.provide(case_panel)

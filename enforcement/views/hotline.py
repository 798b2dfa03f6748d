"""12345 违建 cases a township holds, and the one action that turns one into a violation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.privacy import case_text_for
from enforcement.forms import ReportForm
from enforcement.guards import may_report
from enforcement.models import Channel
from enforcement.services.hotline import construction_cases, violation_from_case
from enforcement.views.violations import report_from_form
from loop.pages import field_error
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest


def _check_converter(request: AuthenticatedHttpRequest) -> None:
    """转为违建 is a report (the township's or the office's): whoever may not report is refused
    both pages, not shown an empty list."""
    if not may_report(request.user):
        raise PermissionDenied("您的角色不能将工单转为违建。")


@login_required
def cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check_converter(request)
    rows = list(construction_cases(request.user).order_by("-created_at")[:100])
    return render(request, "enforcement/cases.html", {"rows": rows})


@login_required
def convert(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """转为违建: the case's place and text prefill the report; the township adds what it found."""
    _check_converter(request)
    user = request.user
    case = get_object_or_404(construction_cases(user), number=number)
    # The citizen's text as this user may read it (masked for the township, one masker): the
    # violation's description is read by the office, the leaders, 督查室 and auditors.
    content = case_text_for(user, case, purpose="转为违建")
    initial = {"address": case.address, "description": content[:2000], "township": case.lead_unit_id}
    form = ReportForm(request.POST or None, request.FILES or None, user=user, hotline=True, initial=initial)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                violation = violation_from_case(
                    case, report_from_form(request, form, Channel.HOTLINE), actor=user
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
                field_error(form, exc)
            else:
                messages.success(request, f"工单 {case.number} 已转为违建 {violation.number}。")
                return redirect("enforcement:detail", number=violation.number)
        else:
            error, status = "请按提示修改后再提交。", 422
    context = {"form": form, "error": error, "case": case}
    return render(request, "enforcement/new.html", context, status=status)

"""领导批示 pages: the form a leader gives a 批示 with, on a case or on a hotspot. The write is
one verb (supervision.services.instructions.instruct); the guard decides who may."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cases.models import Case
from hotspots.guards import may_read as may_read_hotspots
from hotspots.models import Hotspot
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from supervision.services.instructions import instruct
from supervision.task_config import default_days
from supervision.task_forms import InstructionForm
from supervision.task_guards import TASK_GUARDS
from supervision.task_workflow import Source, TaskAction


def may_instruct(user: Any) -> bool:
    return bool(user.is_authenticated and TASK_GUARDS.may(user, TaskAction.INSTRUCT))


def _instructor(request: AuthenticatedHttpRequest) -> None:
    if not may_instruct(request.user):
        raise PermissionDenied("只有市领导可以作出批示。")


def _page(
    request: AuthenticatedHttpRequest, *, subject: str, back: str, case: Any = None, hotspot: Any = None
) -> HttpResponse:
    need_unit = hotspot is not None or case.lead_unit_id is None
    form = InstructionForm(request.POST or None, need_unit=need_unit)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = instruct(
                    actor=request.user,
                    body=data["body"],
                    urgent=data["urgent"],
                    days=data["days"],
                    lead_unit=data["lead_unit"],
                    case=case,
                    hotspot=hotspot,
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(
                    request,
                    f"批示已交办{task.lead_unit.display_name if task.lead_unit else ''}（{task.number}）。",
                )
                return redirect(back)
        else:
            error, status = "请按提示修改后再提交。", 422
    context = {
        "form": form,
        "error": error,
        "subject": subject,
        "back": back,
        "case": case,
        "hotspot": hotspot,
        "days": {
            "urgent": default_days(Source.INSTRUCTION_URGENT),
            "normal": default_days(Source.INSTRUCTION),
        },
    }
    return render(request, "supervision/tasks/instruct.html", context, status=status)


@login_required
def on_case(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    _instructor(request)
    case = get_object_or_404(Case.objects.select_related("lead_unit"), number=number)
    return _page(
        request,
        subject=f"工单 {case.number} {case.title}",
        back=reverse("cases:detail", args=[case.number]),
        case=case,
    )


@login_required
def on_hotspot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _instructor(request)
    if not may_read_hotspots(request.user):
        raise PermissionDenied("您的角色不查看高频事。")
    hotspot = get_object_or_404(Hotspot, pk=pk)
    back = reverse("hotspots:detail", args=[hotspot.pk])
    return _page(request, subject=f"高频事“{hotspot.title}”", back=back, hotspot=hotspot)

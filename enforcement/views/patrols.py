"""巡查日志 (a 网格员's patrols, "无异常" in one tap) and the office's 卫片 import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from enforcement.forms import PatchImportForm, PatrolForm
from enforcement.guards import is_office, may_report
from enforcement.models import Channel, PatrolLog, Violation
from enforcement.services.patches import MAX_PATCHES, import_patches
from enforcement.services.patrols import last_area, log_patrol
from enforcement.workflow import CONFIRMED_STATES
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest


@login_required
def patrols(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patroller's page: log a patrol, then "无异常" or "发现违建" (the report form, linked)."""
    user = request.user
    if not may_report(user):
        raise PermissionDenied("您的角色不记录巡查。")
    form = PatrolForm(request.POST or None, initial={"area": last_area(user)})
    if request.method == "POST" and form.is_valid():
        found = request.POST.get("found") == "1"
        try:
            log = log_patrol(
                actor=user,
                area=form.cleaned_data["area"],
                note=form.cleaned_data["note"],
                nothing_found=not found,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if found:
                return redirect(reverse("enforcement:new") + f"?patrol={log.pk}")
            messages.success(request, "已记录巡查：无异常。")
            return redirect("enforcement:patrols")
    logs = PatrolLog.objects.filter(patroller=user).annotate(
        found=Count("findings"), confirmed=Count("findings", filter=Q(findings__state__in=CONFIRMED_STATES))
    )
    if is_office(user):
        logs = PatrolLog.objects.annotate(
            found=Count("findings"),
            confirmed=Count("findings", filter=Q(findings__state__in=CONFIRMED_STATES)),
        )
    rows = list(logs.select_related("patroller", "township").order_by("-patrolled_at")[:100])
    return render(request, "enforcement/patrols.html", {"form": form, "rows": rows})


@login_required
def patches(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_office(user):
        raise PermissionDenied("卫片图斑由市控违办导入。")
    form = PatchImportForm(request.POST or None, request.FILES or None)
    error, status, result = "", 200, None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_patches(upload.read(10 * 1024 * 1024), upload.name or "", actor=user)
            except DomainError as exc:
                error, status = exc.message, exc.status
        else:
            error, status = "请选择文件。", 422
    imported = (
        Violation.objects.filter(channel=Channel.SATELLITE)
        .exclude(patch_ref="")
        .select_related("township")
        .order_by("-reported_at", "-pk")[:50]
    )
    context = {"form": form, "error": error, "result": result, "max": MAX_PATCHES, "imported": imported}
    return render(request, "enforcement/patches.html", context, status=status)

"""The 高频事 pages: the list by heat, one hotspot with its cases and the 交办 form, and the
units' 未诉先办 tasks with the report form. Every write is a verb of hotspots.services."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case, Category
from hotspots import hooks, services
from hotspots.guards import GUARDS, may_assign, may_read
from hotspots.models import Hotspot, ProactiveTask
from hotspots.queries import hotspots_in
from hotspots.workflow import Action
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from org.models import Unit


class HotspotFilter(forms.Form):
    start = forms.DateField(label="自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.townships(), required=False)
    category = forms.ModelChoiceField(
        label="事项分类", queryset=Category.objects.filter(level=1), required=False
    )


class TakeUpForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.handlers())
    days = forms.IntegerField(label="办理期限（天）", min_value=1, max_value=90, initial=15)
    instruction = forms.CharField(label="办理要求", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    result = forms.CharField(label="办理结果", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


def _day(value: object, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    moment = datetime.combine(value, time.max if end else time.min)  # type: ignore[arg-type]
    return timezone.make_aware(moment)


def _reader(request: AuthenticatedHttpRequest) -> None:
    if not may_read(request.user):
        raise PermissionDenied("高频事供督办员和领导查看。")


@login_required
def hotspot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _reader(request)
    form = HotspotFilter(request.GET or None)
    start = end = None
    township = category = None
    if form.is_valid():
        data = form.cleaned_data
        start, end = _day(data["start"]), _day(data["end"], end=True)
        township = data["township"].pk if data["township"] else None
        category = data["category"].pk if data["category"] else None
    rows = hotspots_in(start, end, township=township, category=category)
    if start is None and end is None:
        rows = rows.filter(is_active=True)
    return render(request, "hotspots/list.html", {"form": form, "rows": rows[:200]})


@login_required
def hotspot_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    hotspot = get_object_or_404(Hotspot.objects.select_related("township", "category"), pk=pk)
    cases = Case.objects.filter(pk__in=hotspot.members.values("case_id")).select_related(
        "township", "lead_unit"
    )
    in_window = set(hotspot.members.filter(in_window=True).values_list("case_id", flat=True))
    context = {
        "hotspot": hotspot,
        # Every case that joined the hotspot, those out of the last window marked as such.
        "cases": [(case, case.pk in in_window) for case in cases.order_by("created_at")],
        "tasks": hotspot.tasks.select_related("unit", "assigned_by", "reported_by"),
        "form": TakeUpForm() if may_assign(request.user) else None,
        # 领导批示 on the hotspot: rendered by the supervision app when installed (hotspots.hooks).
        "instruction_panel": hooks.instruction_panel(hotspot, request.user, request),
    }
    return render(request, "hotspots/detail.html", context)


@login_required
@require_POST
def take_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hotspot = get_object_or_404(Hotspot, pk=pk)
    form = TakeUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择承办单位并填写办理要求和期限。")
        return redirect("hotspots:detail", pk=pk)
    try:
        data = form.cleaned_data
        services.take_up(
            hotspot, unit=data["unit"], actor=request.user, instruction=data["instruction"], days=data["days"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已交办{data['unit'].display_name}（未诉先办）。")
    return redirect("hotspots:detail", pk=pk)


@login_required
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_centre_staff or user.is_unit_staff or user.is_superuser):
        raise PermissionDenied("您的角色不查看未诉先办任务。")
    tasks = ProactiveTask.objects.visible_to(user).select_related("hotspot", "unit", "assigned_by")
    rows = [{"task": t, "may_report": GUARDS.refusal(user, t, Action.REPORT) is None} for t in tasks[:200]]
    return render(request, "hotspots/tasks.html", {"rows": rows, "form": ReportForm()})


@login_required
@require_POST
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ProactiveTask.objects.visible_to(request.user), pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写办理结果。")
        return redirect("hotspots:tasks")
    try:
        services.report(task, actor=request.user, result=form.cleaned_data["result"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "办理结果已报告，将显示在该高频事的每件工单上。")
    return redirect("hotspots:tasks")

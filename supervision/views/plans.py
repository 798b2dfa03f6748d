"""The leaders' view: 八大计划 → indicators (value vs target vs 序时) → tasks, for a month; an
indicator's history and entry; the monthly 通报 by unit and its xlsx export."""

from __future__ import annotations

import calendar
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from supervision import indicators as ind
from supervision.ledger import ledger_queryset, monthly_tally, task_row
from supervision.task_forms import MeasurementForm
from supervision.task_models import Indicator, Measurement, Plan, Task
from supervision.views.tasks import filtered_rows, may_view_tasks


def month_of(request: AuthenticatedHttpRequest) -> tuple[date, date, datetime]:
    """The month asked for (?month=YYYY-MM, default this one): its first day, the next month's
    first day, and the instant the page is "as of" (the month's end, or now for this month)."""
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        start = date(year, month, 1)
    except ValueError:
        start = today.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    last = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    as_of = (
        timezone.now() if start <= today < end else timezone.make_aware(datetime.combine(last, time(23, 59)))
    )
    return start, end, as_of


def _viewer(user: Any) -> None:
    if not may_view_tasks(user):
        raise PermissionDenied("您的角色不查看督查督办。")


@login_required
def cockpit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """市领导's monthly view: what is on track and what is not, plan by plan."""
    _viewer(request.user)
    start, end, as_of = month_of(request)
    on = min(as_of.date(), timezone.localdate())
    # A past month shows the tasks that existed then: one assigned (or, not yet assigned, made)
    # after its end is no part of that month's picture.
    visible = (
        Task.objects.visible_to(request.user).exclude(assigned_at__gt=as_of).exclude(created_at__gt=as_of)
    )
    plans = []
    for plan in Plan.objects.prefetch_related("indicators"):
        rows = [task_row(t, as_of) for t in ledger_queryset(visible.filter(plan=plan))]
        statuses = [ind.status(i, on) for i in plan.indicators.all()]
        lights = [r.light for r in rows] + [s.light for s in statuses]
        plans.append(
            {
                "plan": plan,
                "indicators": statuses,
                "tasks": rows,
                "off_track": [r for r in rows if r.light in ("red", "yellow")],
                "counts": {k: lights.count(k) for k in ("red", "yellow", "blue", "green", "done")},
            }
        )
    others = [task_row(t, as_of) for t in ledger_queryset(visible.filter(plan__isnull=True))]
    context = {
        "plans": plans,
        "others": others,
        "month": start,
        "as_of": as_of,
        "prev": (start - timedelta(days=1)).strftime("%Y-%m"),
        "next": end.strftime("%Y-%m") if end <= timezone.localdate() else "",
    }
    return render(request, "supervision/plans/cockpit.html", context)


@login_required
def indicator(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _viewer(request.user)
    item = get_object_or_404(Indicator.objects.select_related("plan", "owner_unit"), code=code)
    may_report = ind.may_report(request.user, item)
    form = MeasurementForm(request.POST or None) if may_report else None
    error, status = "", 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有督查室或该指标的报送单位可以录入指标数据。")
        upload = request.FILES.get("csv")
        try:
            if upload is not None:
                raw = upload.read()
                if (upload.name or "").lower().endswith(".xlsx"):
                    made = ind.import_xlsx(raw, actor=request.user)
                else:
                    made = ind.import_csv(raw.decode("utf-8-sig", errors="replace"), actor=request.user)
                messages.success(request, f"已导入 {len(made)} 条。")
                return redirect("supervision:indicator", code=item.code)
            if form.is_valid():
                data = form.cleaned_data
                ind.record_measurement(
                    item,
                    actor=request.user,
                    period=data["period"],
                    value=data["value"],
                    numerator=data["numerator"],
                    denominator=data["denominator"],
                    source_document=data["source_document"],
                )
                messages.success(request, "已录入。")
                return redirect("supervision:indicator", code=item.code)
            error, status = "请按提示修改后再提交。", 422
        except DomainError as exc:
            error, status = exc.message, exc.status
    today = timezone.localdate()
    user = request.user
    history = [
        {
            "m": m,
            "value": value,
            "planned": ind.planned_value(item, m.period),
            "may_verify": ind.may_verify(user, m),
        }
        for m, value in ind.period_values(item)
    ]
    entries = list(
        item.measurements.select_related("reported_by", "verified_by").order_by("-created_at", "-pk")[:50]
    )
    context = {
        "indicator": item,
        "status": ind.status(item, today),
        "history": history,
        "entries": entries,
        "form": form,
        "error": error,
        "tasks": list(item.tasks.select_related("lead_unit")),
    }
    return render(request, "supervision/plans/indicator.html", context, status=status)


@login_required
@require_POST
def verify(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """核实 one figure (supervision.indicators.verify_measurement decides who may)."""
    _viewer(request.user)
    item = get_object_or_404(Measurement.objects.select_related("indicator"), pk=pk, indicator__code=code)
    try:
        ind.verify_measurement(item, actor=request.user)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已核实 {item.period:%Y-%m-%d} 的数据。")
    return redirect("supervision:indicator", code=code)


@login_required
def bulletin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monthly 通报 by lead unit: counts first; a ranking only when asked for (?rank=1)."""
    _viewer(request.user)
    start, end, as_of = month_of(request)
    tasks = list(Task.objects.visible_to(request.user).select_related("lead_unit"))
    tallies = monthly_tally(tasks, start=start, end=end, now=as_of)
    ranked = request.GET.get("rank") == "1"
    if ranked:
        tallies.sort(key=lambda t: (-(t.on_time_rate or 0), t.overdue, t.unit))
    context = {"tallies": tallies, "month": start, "ranked": ranked}
    return render(request, "supervision/plans/bulletin.html", context)


@login_required
def export_ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The 督办台账 (as filtered) and the month's 通报 as one workbook."""
    from openpyxl import Workbook

    _viewer(request.user)
    _, rows = filtered_rows(request)
    start, end, as_of = month_of(request)
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has its first sheet
        sheet = book.create_sheet()
    sheet.title = "督办台账"
    sheet.append(
        [
            "编号",
            "事项",
            "计划",
            "来源",
            "牵头单位",
            "协办单位",
            "责任领导",
            "办结时限",
            "剩余工作日",
            "进度%",
            "灯",
            "状态",
        ]
    )
    for r in rows:
        t = r.task
        sheet.append(
            [
                t.number,
                t.title,
                t.plan.name if t.plan else "",
                t.get_source_kind_display(),
                t.lead_unit.display_name if t.lead_unit else "",
                "、".join(u.display_name for u in t.co_units.all()),
                t.leader.name if t.leader else "",
                timezone.localtime(t.deadline).strftime("%Y-%m-%d") if t.deadline else "",
                r.days_left,
                t.rolled_progress(),
                r.light_label,
                t.get_state_display(),
            ]
        )
    tally_sheet = book.create_sheet(f"{start:%Y年%m月}通报")
    tally_sheet.append(
        [
            "牵头单位",
            "事项数",
            "已办结",
            "按时办结",
            "在办",
            "超期",
            "退回",
            "延期",
            "蓝色督办单",
            "黄色督办单",
            "红色督办单",
        ]
    )
    tasks = list(Task.objects.visible_to(request.user).select_related("lead_unit"))
    for t in monthly_tally(tasks, start=start, end=end, now=as_of):
        tally_sheet.append(
            [
                t.unit,
                t.total,
                t.closed,
                t.closed_on_time,
                t.open,
                t.overdue,
                t.returns,
                t.extensions,
                t.notices["blue"],
                t.notices["yellow"],
                t.notices["red"],
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="supervision-ledger-{start:%Y-%m}.xlsx"'
    return response

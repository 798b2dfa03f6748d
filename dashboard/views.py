"""The leaders' home and the dashboard (数据大屏). Read-only; who may see them is the statistics'
rule (stats.access). The dashboard's page is a shell: each chart's figures arrive from its own
fragment (htmx) or JSON endpoint, built by dashboard.series from the same query."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cases.models import Category
from dashboard.filters import Filters, bucket_of
from dashboard.homes import home_context, my_queue
from dashboard.series import CHARTS, Chart
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from org.models import Unit
from stats.access import may_view_stats

CHART_ORDER = ("volume", "categories", "townships", "overdue", "supervised")


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not may_view_stats(request.user):
        raise PermissionDenied("领导首页与数据大屏仅对热线中心、领导和单位负责人开放。")


def _error(request: AuthenticatedHttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "dashboard/error.html", {"message": exc.message}, status=exc.status)


def _chart(request: AuthenticatedHttpRequest, key: str) -> Chart:
    if key not in CHARTS:
        raise Http404("没有这个图表")
    filters = Filters.from_query(request.GET, request.user)
    if key == "volume":
        return CHARTS[key](filters, request.user, bucket_of(request.GET))
    return CHARTS[key](filters, request.user)


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _allowed(request)
    try:
        base = Filters.from_query(request.GET, request.user)
        context = home_context(request.user, base)
    except DomainError as exc:
        return _error(request, exc)
    context["filters"] = base
    context["my_queue"] = my_queue(request.user)
    context["dashboard_url"] = f"{reverse('dashboard:charts')}?{base.query()}"
    context["projector"] = request.GET.get("projector") == "1"
    return render(request, "dashboard/home.html", context)


@login_required
@require_GET
def charts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page shell: the filter form and one empty figure per chart, filled as each arrives."""
    _allowed(request)
    try:
        filters = Filters.from_query(request.GET, request.user)
    except DomainError as exc:
        return _error(request, exc)
    user = request.user
    units = Unit.objects.handlers().order_by("kind", "sort_order", "code")
    if user.is_unit_staff:
        units = units.filter(pk=user.unit_id or 0)
    bucket = bucket_of(request.GET)
    query = filters.query(bucket=bucket)
    context = {
        "filters": filters,
        "labels": filters.labels(),
        "bucket": bucket,
        "preset": request.GET.get("period") or "",
        "categories": Category.objects.filter(is_active=True, level=1).order_by("path"),
        "units": units,
        "townships": Unit.objects.townships().order_by("sort_order", "code"),
        "charts": [
            {
                "key": key,
                "fragment": f"{reverse('dashboard:chart_fragment', args=[key])}?{query}",
                "json": f"{reverse('dashboard:chart_json', args=[key])}?{query}",
            }
            for key in CHART_ORDER
        ],
        "projector": request.GET.get("projector") == "1",
        "home_url": f"{reverse('dashboard:home')}?{filters.query()}",
        "ledger_xlsx_url": f"{reverse('stats:ledger_xlsx')}?{_ledger_query(filters)}",
        "report_url": f"{reverse('stats:report')}?period={filters.period.start:%Y-%m}",
        "report_xlsx_url": f"{reverse('stats:report_xlsx')}?period={filters.period.start:%Y-%m}",
        "query": query,
    }
    return render(request, "dashboard/charts.html", context)


def _ledger_query(filters: Filters) -> str:
    """The ledger of what the dashboard shows: its period, unit, category and township."""
    from django.utils.http import urlencode

    params = {"start": filters.period.start.isoformat(), "end": filters.period.end.isoformat()}
    for name in ("unit", "category", "township"):
        value = getattr(filters, name)
        if value is not None:
            params[name] = str(value)
    return urlencode(params)


@login_required
@require_GET
def chart_json(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    _allowed(request)
    try:
        chart = _chart(request, key)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse(chart.as_json(), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def chart_fragment(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    _allowed(request)
    try:
        chart = _chart(request, key)
    except DomainError as exc:
        return render(request, "dashboard/_chart_error.html", {"message": exc.message})
    json_url = f"{reverse('dashboard:chart_json', args=[key])}?{request.GET.urlencode()}"
    return render(
        request, "dashboard/_chart.html", {"chart": chart, "json_url": json_url, "spec_id": f"spec-{key}"}
    )

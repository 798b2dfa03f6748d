"""The map of open violations (offline: ECharts served locally, no tiles; see enforcement.map)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from enforcement import map as violation_map
from enforcement.views.violations import _check_reader, filtered
from mochou.http import AuthenticatedHttpRequest


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Points coloured by state / 超期, the filters of the list (乡镇, 状态, 新增/存量), the text
    summary and the table beside the chart; a point opens its violation."""
    user = request.user
    _check_reader(user)
    form, rows = filtered(user, request.GET)
    data = violation_map.build(rows, timezone.now())
    # The demo's points are laid out per township without real coordinates: the map says so.
    demo = bool(getattr(settings, "MOCHOU_DEMO", False))
    context = {"form": form, "data": data, "groups": violation_map.GROUPS, "demo": demo}
    return render(request, "enforcement/map.html", context)

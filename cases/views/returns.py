"""退单统计: the centre's table of returns and their rulings per unit and period."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from cases.forms import Form
from cases.stats import returns_by_unit
from mochou.http import AuthenticatedHttpRequest

# The centre's staff who rule on returns or assess the units by them.
STATS_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


class PeriodForm(Form):
    start = forms.DateField(label="退单日期自", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data


@login_required
@require_GET
def return_stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in STATS_ROLES and not user.is_superuser:
        raise PermissionDenied("只有热线中心的派单员、督办员、领导和管理员可以查看退单统计。")
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(day=1), "end": today})
    rows = returns_by_unit(form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_valid() else []
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("returns", "upheld", "rejected", "pending")}
    return render(request, "cases/return_stats.html", {"form": form, "rows": rows, "totals": totals})

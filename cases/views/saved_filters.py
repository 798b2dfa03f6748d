"""常用筛选: a member of staff names the queue filter in force and finds it again beside the queues."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import SavedFilter
from accounts.privacy import searched_phone
from cases.queues import queues_for
from cases.views.queues import saveable_query
from mochou.http import AuthenticatedHttpRequest

# Enough for a working day's habits; beyond, the list beside the queues stops being a shortcut.
MAX_SAVED = 20
NAME_MAX = 30  # SavedFilter.name's max_length


def saved_filter_url(saved: SavedFilter) -> str:
    url = reverse("cases:queue", args=[saved.queue])
    return f"{url}?{saved.query}" if saved.query else url


@login_required
@require_POST
def save_filter(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    slug = request.POST.get("queue", "")
    if slug not in {q.slug for q in queues_for(user)}:
        raise Http404("没有这个工作队列")
    back = reverse("cases:queue", args=[slug])
    query = saveable_query(QueryDict(request.POST.get("query", "")))
    if query:
        back += "?" + query
    name = (request.POST.get("name") or "").strip()
    problem = _problem(user.saved_filters.count(), name, query)
    if problem:
        messages.error(request, problem)
        return redirect(back)
    try:
        with transaction.atomic():
            SavedFilter.objects.create(user=user, name=name, queue=slug, query=query)
    except IntegrityError:
        messages.error(request, f"已有名为“{name}”的常用筛选，请换一个名称。")
        return redirect(back)
    messages.success(request, f"已保存常用筛选“{name}”。")
    return redirect(back)


def _problem(count: int, name: str, query: str) -> str:
    if not name:
        return "请填写常用筛选的名称。"
    if len(name) > NAME_MAX:
        return f"常用筛选的名称最多{NAME_MAX}个字。"
    if count >= MAX_SAVED:
        return f"常用筛选最多保存{MAX_SAVED}个，请先删除不用的。"
    # A caller's number is personal data: it is searched for, audited, and never kept in a filter.
    if searched_phone(QueryDict(query).get("q") or ""):
        return "按电话号码查找不能保存为常用筛选。"
    return ""


@login_required
@require_POST
def delete_filter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, f"已删除常用筛选“{saved.name}”。")
    return redirect(reverse("cases:queue", args=[saved.queue]))

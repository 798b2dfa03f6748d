"""The 莫愁指南 pages: staff search and editing, the JSON and fragment the console embeds, and
the public pages for citizens (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from knowledge import services
from knowledge.forms import GuideForm
from knowledge.models import Guide, GuideStatus
from knowledge.permissions import can_edit, can_write, is_reviewer
from knowledge.search import MAX_QUERY_CHARS, Hit, search_guides
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

PAGE_SIZE = 30
TABS = {"published": "已发布", "mine": "编写中", "review": "待审核"}


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _query(request: HttpRequest) -> tuple[str, bool]:
    """The query as typed, and whether it was cut to the searchable length."""
    q = request.GET.get("q", "").strip()
    return q[:MAX_QUERY_CHARS], len(q) > MAX_QUERY_CHARS


# ---------------------------------------------------------------- staff: search and lists


@login_required
@require_GET
@vary_on_headers("HX-Request")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    q, truncated = _query(request)
    tabs = {"published": TABS["published"]}
    if can_write(user):
        tabs["mine"] = TABS["mine"]
    if is_reviewer(user):
        tabs["review"] = TABS["review"]
    tab = request.GET.get("tab", "published")
    if tab not in tabs:
        tab = "published"
    visible = Guide.objects.visible_to(user).select_related("unit")
    if tab == "published":
        guides = visible.published()
    elif tab == "review":
        guides = visible.filter(status=GuideStatus.SUBMITTED)
    else:
        guides = visible.exclude(status=GuideStatus.PUBLISHED)
        if not is_reviewer(user):
            # Every guide has a unit: a user without one has none of their own.
            guides = guides.filter(unit_id=user.unit_id) if user.unit_id is not None else guides.none()
    context = {
        "q": q,
        "truncated": truncated,
        "hits": search_guides(q, user=user, limit=20) if q else [],
        "tab": tab,
        "tabs": tabs,
        "page": Paginator(guides, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_write": can_write(user),
        "review_count": Guide.objects.filter(status=GuideStatus.SUBMITTED).count()
        if is_reviewer(user)
        else 0,
    }
    if _is_htmx(request):
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/index.html", context)


@login_required
@require_GET
def results(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The htmx fragment: hits with title, snippet and link (embedded by the console)."""
    q, truncated = _query(request)
    limit = _limit(request.GET.get("limit"), default=8)
    if limit is None:
        return HttpResponse(
            "参数 limit 须为 1–50 的整数。", status=422, content_type="text/plain; charset=utf-8"
        )
    hits = search_guides(q, user=request.user, limit=limit) if q else []
    return render(request, "knowledge/_results.html", {"q": q, "hits": hits, "truncated": truncated})


def search_json(request: HttpRequest) -> JsonResponse:
    """GET /knowledge/search.json?q=…&limit=… for the console; staff only (401 otherwise)."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "auth.required", "message": "请先登录。"}, status=401)
    if request.method != "GET":
        return JsonResponse({"code": "method_not_allowed", "message": "只支持 GET。"}, status=405)
    limit = _limit(request.GET.get("limit"), default=10)
    if limit is None:
        return JsonResponse(
            {
                "code": "invalid_input",
                "message": "参数 limit 须为 1–50 的整数。",
                "details": {"field": "limit"},
            },
            status=422,
        )
    q, truncated = _query(request)
    hits = search_guides(q, user=request.user, limit=limit) if q else []
    return JsonResponse(
        {"query": q, "truncated": truncated, "results": [hit_json(request, h) for h in hits]},
        json_dumps_params={"ensure_ascii": False},
    )


def hit_json(request: HttpRequest, hit: Hit) -> dict[str, Any]:
    g = hit.guide
    return {
        "id": g.pk,
        "slug": g.slug,
        "title": g.title,
        "snippet": hit.snippet,
        "score": hit.score,
        "unit": g.unit.display_name,
        "audience": g.audience,
        "current": g.is_current,
        "documents": g.document_list,
        "location": g.location,
        "hours": g.hours,
        "phone": g.phone,
        "fee": g.fee,
        "url": reverse("knowledge:detail", args=[g.pk]),
    }


def _limit(raw: str | None, *, default: int) -> int | None:
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= 50 else None


# ---------------------------------------------------------------- staff: one guide and its flow


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    guide = get_object_or_404(Guide.objects.visible_to(user).select_related("unit", "draft_of"), pk=pk)
    pending = services.GUIDES.pending(guide)
    if pending is not None and not Guide.objects.visible_to(user).filter(pk=pending.pk).exists():
        pending = None
    review = services.GUIDES.panel(user, guide, pending=pending, history=30)
    return render(request, "knowledge/detail.html", {"guide": guide, **review})


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise Http404("没有权限编写办事指南")
    form = GuideForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.create_guide(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已保存为草稿，确认无误后请提交审核。")
            return redirect("knowledge:detail", pk=guide.pk)
    return render(request, "knowledge/form.html", {"form": form, "guide": None}, status=_status(form))


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guide = get_object_or_404(Guide.objects.visible_to(request.user), pk=pk)
    if not can_edit(request.user, guide):
        return render(request, "knowledge/denied.html", {"message": "只能修改本单位的办事指南。"}, status=403)
    # Editing a published guide opens its pending revision when there is one.
    source = services.GUIDES.pending(guide)
    form = GuideForm(request.POST or None, instance=source or guide, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.edit_guide(guide, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if saved.pk != guide.pk:
                messages.success(request, "已保存为修订草稿；审核发布前，群众和话务员看到的仍是现行版本。")
            else:
                messages.success(request, "已保存。")
            return redirect("knowledge:detail", pk=saved.pk)
    return render(request, "knowledge/form.html", {"form": form, "guide": guide}, status=_status(form))


def _status(form: GuideForm) -> int:
    return 422 if form.is_bound and form.errors else 200


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    action = services.GUIDES.action_for(verb)
    guide = get_object_or_404(Guide.objects.visible_to(request.user), pk=pk)
    return services.GUIDES.act(request, guide, action, detail="knowledge:detail")


# ---------------------------------------------------------------- citizens (no login)


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    q, truncated = _query(request)
    hits = search_guides(q, public_only=True, limit=20) if q else []
    guides = Guide.objects.public().select_related("unit").order_by("unit__sort_order", "unit__code", "title")
    return render(
        request,
        "knowledge/public_index.html",
        {"q": q, "truncated": truncated, "hits": hits, "guides": guides},
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guide = get_object_or_404(Guide.objects.public().select_related("unit"), pk=pk)
    return render(request, "knowledge/public_detail.html", {"guide": guide})

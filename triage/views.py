"""The centre's pages for the 派单目录: versions and their history, a version's entries by unit
or by category, editing a draft's entries, and publishing it with an effective date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Category
from loop.versions import VersionStatus, publish
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from org.models import Unit
from triage import amend
from triage.catalogue import catalogue_in_force, describe
from triage.forms import DraftForm, EntryForm, PublishForm
from triage.guides import dispatch_guides
from triage.history import changes, previous
from triage.models import DispatchCatalogue, DispatchRule
from triage.permissions import may_edit_catalogue, may_view_catalogue

View = Callable[..., HttpResponse]


def _denied(request: AuthenticatedHttpRequest, message: str) -> HttpResponse:
    return render(request, "triage/catalogue/denied.html", {"message": message}, status=403)


def viewer(view: View) -> View:
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_view_catalogue(request.user):
            return _denied(request, "派单目录由12345热线中心维护，您没有查看权限。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def editor(view: View) -> View:
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_edit_catalogue(request.user):
            return _denied(request, "只有热线中心管理员和督办员可以修改派单目录。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _draft(number: int) -> DispatchCatalogue:
    return get_object_or_404(DispatchCatalogue, number=number, status=VersionStatus.DRAFT)


@viewer
@require_http_methods(["GET"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    versions = DispatchCatalogue.objects.select_related("created_by", "published_by").annotate(
        entries=Count("rules")
    )
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(days=1)
    in_force = catalogue_in_force()
    return render(
        request,
        "triage/catalogue/index.html",
        {
            "versions": versions.order_by("-number"),
            "in_force": in_force,
            "guides": dispatch_guides(in_force),
            "can_edit": may_edit_catalogue(request.user),
            "draft_form": DraftForm(initial={"valid_from": start.replace(hour=0, minute=0)}),
        },
    )


@viewer
@require_http_methods(["GET"])
def version(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """A version's entries, grouped by lead unit (default) or by first-level category; filtered
    by a unit (as lead or co-handler) or a word."""
    catalogue = get_object_or_404(DispatchCatalogue, number=number)
    by = "category" if request.GET.get("by") == "category" else "unit"
    rules = catalogue.rules.select_related("category", "township", "lead_unit").prefetch_related("co_units")
    unit = Unit.objects.filter(code=request.GET.get("unit", "")).first()
    if unit is not None:
        rules = rules.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()
    q = request.GET.get("q", "").strip()[:40]
    if q:
        rules = rules.filter(
            Q(category__path__icontains=q)
            | Q(keywords__icontains=q)
            | Q(note__icontains=q)
            | Q(basis__icontains=q)
        )
    groups: dict[str, list[DispatchRule]] = {}
    for rule in rules.order_by("category__path", "township__sort_order", "pk"):
        key = rule.lead_unit.name if by == "unit" else rule.category.path.split("/")[0]
        groups.setdefault(key, []).append(rule)
    units = Unit.objects.handlers().order_by("kind", "sort_order", "code")
    editable = not catalogue.is_published and may_edit_catalogue(request.user)
    return render(
        request,
        "triage/catalogue/version.html",
        {
            "catalogue": catalogue,
            "groups": sorted(groups.items()),
            "by": by,
            "unit": unit,
            "units": units,
            "q": q,
            "count": sum(len(g) for g in groups.values()),
            "changes": changes(catalogue),
            "base": previous(catalogue),
            "editable": editable,
            "publish_form": PublishForm(
                initial={"valid_from": timezone.localtime(catalogue.valid_from)}
            ) if editable else None,
            "describe": describe,
        },
    )  # fmt: skip


@editor
@require_POST
def new_draft(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的生效时间。")
        return redirect("catalogue:index")
    draft = amend.start_draft(
        actor=request.user, valid_from=form.cleaned_data["valid_from"], note=form.cleaned_data["note"]
    )
    messages.success(request, f"已建立第{draft.number}版草稿（复制自生效中的派单目录）。")
    return redirect("catalogue:version", number=draft.number)


@editor
@require_http_methods(["GET", "POST"])
def entry(request: AuthenticatedHttpRequest, number: int, pk: int | None = None) -> HttpResponse:
    draft = _draft(number)
    rule = get_object_or_404(DispatchRule, pk=pk, version=draft) if pk is not None else None
    form = EntryForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = amend.save_entry(
                draft,
                actor=request.user,
                values=form.values(),
                co_units=form.cleaned_data["co_units"],
                entry=rule,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        except IntegrityError:  # a second plain entry for the same category and township
            form.add_error(
                None, "本版已有该分类、该乡镇的一般事项；请修改那一条，或加上关键词、时段加以区分。"
            )
        else:
            messages.success(request, f"已保存：{describe(saved)}")
            return redirect("catalogue:version", number=draft.number)
    paths = Category.objects.filter(is_active=True).order_by("path").values_list("path", flat=True)
    return render(
        request,
        "triage/catalogue/entry.html",
        {"catalogue": draft, "form": form, "rule": rule, "paths": list(paths)},
    )


@editor
@require_POST
def delete(request: AuthenticatedHttpRequest, number: int, pk: int) -> HttpResponse:
    draft = _draft(number)
    rule = get_object_or_404(DispatchRule, pk=pk, version=draft)
    name = describe(rule)
    amend.delete_entry(rule, actor=request.user, reason=request.POST.get("reason", "")[:200])
    messages.success(request, f"已删除：{name}")
    return redirect("catalogue:version", number=draft.number)


@editor
@require_POST
def publish_draft(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    draft = _draft(number)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写生效时间和发布依据。")
        return redirect("catalogue:version", number=number)
    draft.valid_from = form.cleaned_data["valid_from"]
    draft.save(update_fields=["valid_from"])
    try:
        publish(draft, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        start = timezone.localtime(draft.valid_from)
        messages.success(request, f"第{draft.number}版已发布，{start:%Y-%m-%d %H:%M}起生效。")
    return redirect("catalogue:version", number=number)

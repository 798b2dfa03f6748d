"""The 事项清单's staff pages: the list, one matter with its review, new and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from affairs import catalogue
from affairs.catalogue import GUARDS, REVIEW
from affairs.forms import MatterForm
from affairs.models import Category, Matter, MatterStatus
from affairs.office import is_office_staff
from loop.review import RevisionAction
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest, is_htmx


def _visible(user: Any) -> QuerySet[Matter]:
    rows = Matter.objects.select_related("department", "guide")
    if is_office_staff(user):
        return rows
    shown = Q(status=MatterStatus.PUBLISHED, draft_of__isnull=True)
    if user.unit_id is not None:
        shown |= Q(department_id=user.unit_id)
    return rows.filter(shown)


@login_required
def matters(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = _visible(request.user).order_by("category", "department__code", "code", "pk")
    q, category, status = (
        request.GET.get("q", "").strip(),
        request.GET.get("category", ""),
        request.GET.get("status", ""),
    )
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(code__icontains=q) | Q(department__short_name__contains=q))
    if category:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(status=status)
    context = {
        "matters": rows,
        "categories": Category.choices,
        "statuses": MatterStatus.choices,
        "q": q,
        "category": category,
        "status": status,
        "can_create": GUARDS.may(request.user, RevisionAction.CREATED) and request.user.unit_id is not None,
        "pending": rows.filter(status=MatterStatus.SUBMITTED).count() if is_office_staff(request.user) else 0,
    }
    template = "affairs/_matter_rows.html" if is_htmx(request) else "affairs/matters.html"
    return render(request, template, context)


@login_required
def matter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_visible(request.user), pk=pk)
    pending = REVIEW.pending(item)
    context = {
        "item": item,
        **REVIEW.panel(request.user, item, pending=pending, history=20),
        "form_labels": catalogue.FORM_LABELS,
        "role_labels": catalogue.STEP_ROLE_LABELS,
    }
    return render(request, "affairs/matter.html", context)


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not GUARDS.may(request.user, RevisionAction.CREATED) or request.user.unit_id is None:
        raise PermissionDenied("您没有编写政务服务事项的权限。")
    form = MatterForm(
        request.POST or None,
        user=request.user,
        initial={"online": True, "at_window": True, "steps": catalogue.steps_text(catalogue.DEFAULT_STEPS)},
    )
    code = request.POST.get("code", "").strip()
    if request.method == "POST" and form.is_valid():
        try:
            if not code:
                raise DomainError("请填写事项编码。", code="affairs.matter.code")
            item = catalogue.create_matter(actor=request.user, values=form.values(), code=code[:32])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已保存草稿，提交审核后由政务服务管理部门发布。")
            return redirect("affairs:matter", pk=item.pk)
    return render(request, "affairs/matter_form.html", {"form": form, "item": None, "code": code})


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_visible(request.user), pk=pk)
    refused = GUARDS.refusal(request.user, item, RevisionAction.EDITED)
    if refused is not None:
        raise PermissionDenied(refused.message)
    source = REVIEW.pending(item) or item
    form = MatterForm(request.POST or None, user=request.user, initial=MatterForm.initial_for(source))
    if request.method == "POST" and form.is_valid():
        try:
            target = catalogue.edit_matter(item, actor=request.user, values=form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, "已保存修订草稿，提交审核后生效。" if target.pk != item.pk else "已保存。"
            )
            return redirect("affairs:matter", pk=target.pk)
    return render(request, "affairs/matter_form.html", {"form": form, "item": item})


@login_required
@require_POST
def matter_act(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    item = get_object_or_404(_visible(request.user), pk=pk)
    return REVIEW.act(request, item, REVIEW.action_for(verb), detail="affairs:matter")

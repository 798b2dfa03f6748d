"""The centre's pages for the templates: list and filter, create and edit, review, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.models import category_q
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from replytemplates import services
from replytemplates.forms import FilterForm, TemplateForm
from replytemplates.models import ReplyTemplate, TemplateStatus
from replytemplates.permissions import can_maintain, can_write
from replytemplates.ranking import records

PAGE_SIZE = 30


def _denied(request: AuthenticatedHttpRequest, message: str) -> HttpResponse:
    return render(request, "replytemplates/denied.html", {"message": message}, status=403)


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_maintain(request.user):
        return _denied(request, "常用答复模板由热线中心维护，您没有查看权限。")
    filters = FilterForm(request.GET or None)
    templates = ReplyTemplate.objects.select_related("category", "draft_of").annotate(
        pending=Count("revision_drafts")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            templates = templates.filter(Q(title__icontains=data["q"]) | Q(body__icontains=data["q"]))
        if data["kind"]:
            templates = templates.filter(kind=data["kind"])
        if data["status"]:
            templates = templates.filter(status=data["status"])
        if data["category"]:
            templates = templates.filter(category_q(data["category"].path))
    page = Paginator(templates.order_by("kind", "status", "title", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    known = records([t.draft_of_id or t.pk for t in page.object_list])
    rows = [(t, known.get(t.draft_of_id or t.pk)) for t in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "replytemplates/index.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_write": can_write(request.user),
            "review_count": ReplyTemplate.objects.filter(status=TemplateStatus.SUBMITTED).count(),
        },
    )


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not can_maintain(user):
        return _denied(request, "常用答复模板由热线中心维护，您没有查看权限。")
    template = get_object_or_404(ReplyTemplate.objects.select_related("category", "draft_of"), pk=pk)
    review = services.TEMPLATES.panel(
        user, template, pending=services.TEMPLATES.pending(template), history=50
    )
    return render(
        request,
        "replytemplates/detail.html",
        {"template": template, "record": records([template.root.pk]).get(template.root.pk), **review},
    )


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_write(request.user):
        return _denied(request, "只有管理员和派单员可以编写答复模板。")
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.create_template(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, "已保存为草稿，确认无误后请提交审核。")
            return redirect("replytemplates:detail", pk=template.pk)
    return render(request, "replytemplates/form.html", {"form": form, "template": None}, status=_status(form))


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_write(request.user):
        return _denied(request, "只有管理员和派单员可以修改答复模板。")
    template = get_object_or_404(ReplyTemplate, pk=pk)
    # Editing a published template opens its pending revision when there is one.
    source = services.TEMPLATES.pending(template)
    form = TemplateForm(request.POST or None, instance=source or template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.edit_template(template, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            if saved.pk != template.pk:
                messages.success(request, "已保存为修订草稿；审核发布前，承办人看到的仍是现行版本。")
            else:
                messages.success(request, "已保存。")
            return redirect("replytemplates:detail", pk=saved.pk)
    return render(
        request, "replytemplates/form.html", {"form": form, "template": template}, status=_status(form)
    )


def _add_error(form: TemplateForm, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _status(form: TemplateForm) -> int:
    return 422 if form.is_bound and form.errors else 200


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    action = services.TEMPLATES.action_for(verb)
    if not can_maintain(request.user):
        return _denied(request, "常用答复模板由热线中心维护，您没有操作权限。")
    template = get_object_or_404(ReplyTemplate, pk=pk)
    return services.TEMPLATES.act(request, template, action, detail="replytemplates:detail")

"""The centre's pages for the templates: list and filter, create and edit, review, history."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from replytemplates import services
from replytemplates.forms import FilterForm, NoteForm, TemplateForm
from replytemplates.models import ReplyTemplate, TemplateStatus
from replytemplates.permissions import can_maintain, can_publish, can_write, is_reviewer
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
            path = data["category"].path
            templates = templates.filter(Q(category__path=path) | Q(category__path__startswith=f"{path}/"))
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
    pending = template.revision_drafts.first() if template.status == TemplateStatus.PUBLISHED else None
    writer = can_write(user)
    return render(
        request,
        "replytemplates/detail.html",
        {
            "template": template,
            "pending": pending,
            "record": records([template.root.pk]).get(template.root.pk),
            "can_edit": writer,
            "can_submit": writer and template.status == TemplateStatus.DRAFT,
            "can_review": template.status == TemplateStatus.SUBMITTED and is_reviewer(user),
            "may_publish": can_publish(user, template),
            "can_retire": template.status == TemplateStatus.PUBLISHED and is_reviewer(user),
            "revisions": template.root.revisions.select_related("actor").order_by("-created_at", "-pk")[:50],
        },
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
    source = template.revision_drafts.first() if template.status == TemplateStatus.PUBLISHED else None
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


VERBS: dict[str, Callable[..., ReplyTemplate]] = {
    "submit": services.submit_template,
    "publish": services.publish_template,
    "return": services.return_template,
    "retire": services.retire_template,
}
DONE = {"submit": "已提交审核。", "publish": "已审核发布。", "return": "已退回修改。", "retire": "已停用。"}


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in VERBS:
        raise Http404("没有这个操作")
    if not can_maintain(request.user):
        return _denied(request, "常用答复模板由热线中心维护，您没有操作权限。")
    template = get_object_or_404(ReplyTemplate, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "说明过长，最多 2000 字。")
        return redirect("replytemplates:detail", pk=template.pk)
    try:
        result = VERBS[verb](template, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("replytemplates:detail", pk=template.pk)
    messages.success(request, DONE[verb])
    return redirect("replytemplates:detail", pk=result.pk)

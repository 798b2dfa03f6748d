"""The pages of 招商引资: projects, one project (its stages and their review), the review queue,
the pipeline report, the parks, and the xlsx exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loop.review import NoteForm, RevisionAction
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

from . import access, export, reports, services
from .forms import DocumentForm, FundsForm, OutputForm, ProjectForm, ReportForm
from .models import Chain, Park, Project, ReportStatus, StageDocument, StageReport
from .stalls import warnings_for
from .workflow import State

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied("您没有查看招商项目的权限。")


def _form_error(form: BaseForm, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _project(request: AuthenticatedHttpRequest, number: str) -> Project:
    rows = Project.objects.visible_to(request.user).select_related(
        "chain", "park", "township", "responsible_unit", "liaison", "patron_leader", "investor"
    )
    return get_object_or_404(rows, number=number)


def _year(request: AuthenticatedHttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# ---------------------------------------------------------------- projects


@login_required
@require_GET
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """招商项目: filter by stage, chain, park, township and words; stall and plan lights."""
    user = request.user
    _require(access.may_use_app(user))
    q = request.GET.get("q", "").strip()[:40]
    rows = services.projects_matching(user, q).select_related("chain", "park", "township", "responsible_unit")
    state = request.GET.get("state", "")
    if state in State.values:
        rows = rows.filter(state=state)
    for key in ("chain", "park", "township"):
        value = request.GET.get(key, "")
        if value == "none" and key == "park":
            rows = rows.filter(park__isnull=True)
        elif value.isdigit():
            rows = rows.filter(**{f"{key}_id": int(value)})
    page = Paginator(rows.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    lights = warnings_for(list(page.object_list), timezone.localdate())
    for p in page.object_list:
        p.lights = lights.get(p.pk, [])  # display-only attribute
    context = {
        "page": page,
        "states": State.choices,
        "chains": Chain.objects.filter(is_active=True),
        "parks": Park.objects.filter(is_active=True),
        "townships": _townships(),
        "filters": request.GET,
        "may_register": access.may_register(user),
        "may_review": access.is_office_staff(user) or user.is_superuser,
        "may_see_reports": access.may_see_reports(user),
        "pending": services.pending_reports(user).count(),
    }
    template = (
        "investment/_project_rows.html" if request.headers.get("HX-Request") else "investment/list.html"
    )
    return render(request, template, context)


def _townships() -> Any:
    from org.models import Unit

    return Unit.objects.townships()


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require(access.may_register(user))
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.register_project(
                actor=user, data=data, responsible_unit=data.pop("responsible_unit")
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"已登记项目 {project.number}，请申报“在谈”或“签约”阶段。")
            return redirect("investment:detail", number=project.number)
    return render(request, "investment/form.html", {"form": form})


@login_required
@require_GET
def project_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    user = request.user
    project = _project(request, number)
    confidential = access.may_see_confidential(user)
    if confidential:
        access.audit_confidential_view(user, project, purpose="查看项目详情", request=request)
    return render(request, "investment/detail.html", _detail_context(request, project, confidential))


def _detail_context(
    request: AuthenticatedHttpRequest, project: Project, confidential: bool, **extra: Any
) -> dict[str, Any]:
    user = request.user
    reports_ = list(
        project.reports.filter(draft_of__isnull=True)
        .select_related("author", "editor", "reviewer")
        .prefetch_related("documents", "revisions__actor")
        .order_by("-created_at", "-pk")
    )
    open_report = next(
        (r for r in reports_ if r.status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED)), None
    )
    panel: dict[str, Any] = {}
    if open_report is not None:
        allowed = set(access.REPORT_GUARDS.available(user, open_report))
        panel = {
            "can_edit": RevisionAction.EDITED in allowed and open_report.status == ReportStatus.DRAFT,
            "can_submit": RevisionAction.SUBMITTED in allowed,
            "can_approve": RevisionAction.PUBLISHED in allowed,
            "can_return": RevisionAction.RETURNED in allowed,
            "approve_refusal": access.REPORT_GUARDS.refusal(user, open_report, RevisionAction.PUBLISHED),
        }
    may_declare_unit = access.REPORT_GUARDS.may(
        user, RevisionAction.CREATED
    ) and access.REPORT_GUARDS.own_unit(user, StageReport(project=project))
    may_declare = open_report is None and may_declare_unit
    stages = services.stage_options(project)
    lights = warnings_for([project], timezone.localdate()).get(project.pk, [])
    return {
        "project": project,
        "confidential": confidential,
        "reports": reports_,
        "open_report": open_report,
        "panel": panel,
        "events": project.events.select_related("actor").order_by("seq"),
        "signings": project.signings.order_by("date", "pk"),
        "lights": lights,
        "report_form": extra.get("report_form")
        or ReportForm(stages=stages, initial={"date": timezone.localdate()}),
        "document_form": extra.get("document_form") or DocumentForm(),
        "note_form": NoteForm(),
        "may_declare": may_declare and bool(stages),
        "appeals": _appeals(project),
        "funds": list(project.funds.order_by("-month")),
        "funds_form": FundsForm(),
        "may_enter_funds": may_declare_unit and project.signings.exists(),
    }


def _appeals(project: Project) -> list[Any]:
    """要素保障: the investor's appeals in the 店小二 loop (enterprises), shown on its project."""
    if project.investor is None:
        return []
    return list(project.investor.appeals.select_related("case").order_by("-created_at")[:20])


@login_required
@require_POST
def report_new(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    project = _project(request, number)
    form = ReportForm(request.POST, stages=services.stage_options(project))
    if form.is_valid():
        try:
            services.declare_stage(project, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "已填写申报，请上传证明材料后提交审核。")
            return redirect("investment:detail", number=number)
    confidential = access.may_see_confidential(request.user)
    if confidential:  # the refused form is shown on the project page, confidential fields and all
        access.audit_confidential_view(request.user, project, purpose="查看项目详情", request=request)
    return render(
        request,
        "investment/detail.html",
        _detail_context(request, project, confidential, report_form=form),
        status=422,
    )


@login_required
@require_POST
def funds_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """到位资金 of one month (a second entry for the month corrects it)."""
    project = _project(request, number)
    form = FundsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写月份和到位资金（万元，最多两位小数）。")
    else:
        try:
            services.record_funds(project, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已保存到位资金。")
    return redirect("investment:detail", number=number)


def _report(request: AuthenticatedHttpRequest, pk: int) -> StageReport:
    visible = Project.objects.visible_to(request.user)
    return get_object_or_404(StageReport.objects.select_related("project"), pk=pk, project__in=visible)


@login_required
@require_POST
def document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                report, actor=request.user, title=form.cleaned_data["title"], file=form.cleaned_data["file"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已上传材料。")
    else:
        messages.error(request, "请填写材料名称并选择文件。")
    return redirect("investment:detail", number=report.project.number)


@login_required
@require_GET
def document_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(StageDocument.objects.select_related("report__project"), pk=pk)
    if not Project.objects.visible_to(request.user).filter(pk=document.report.project_id).exists():
        raise Http404("没有这份材料")
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )


VERBS: dict[str, Callable[..., StageReport]] = {
    "submit": services.submit_report,
    "approve": services.approve_report,
    "return": services.return_report,
}
DONE = {
    "submit": "已提交招商局审核。",
    "approve": "已审核通过，项目阶段已更新。",
    "return": "已退回，申报人修改后可再次提交。",
}


@login_required
@require_POST
def report_act(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    report = _report(request, pk)
    if verb not in VERBS:
        raise Http404("没有这个操作")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        VERBS[verb](report, actor=request.user, note=note)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[verb])
    nxt = request.POST.get("next", "")
    if nxt == "review":
        return redirect("investment:review")
    return redirect("investment:detail", number=report.project.number)


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """待审核: the stage reports submitted to the 招商局."""
    user = request.user
    _require(access.is_office_staff(user) or user.is_superuser)
    rows = list(services.pending_reports(user).prefetch_related("documents"))
    return render(request, "investment/review.html", {"rows": rows, "note_form": NoteForm()})


# ---------------------------------------------------------------- reports


@login_required
@require_GET
def pipeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    """项目库: the funnel, the reserve, the 倍增 ratio, and the year by chain, park, township, month."""
    user = request.user
    _require(access.may_see_reports(user))
    year = _year(request)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    count, amount = reports.reserve()
    today = timezone.localdate()
    context = {
        "year": year,
        "years": list(range(today.year - 3, today.year + 1)),
        "funnel": reports.funnel(),
        "reserve_count": count,
        "reserve_amount": amount,
        "doubling": reports.doubling(year),
        "by_chain": reports.tallies(start, end, by="chain"),
        "by_park": reports.tallies(start, end, by="park"),
        "by_township": [
            t
            for t in reports.tallies(start, end, by="township")
            if t.key == "total" or t.signed or t.started or t.producing or t.amount
        ],
        "by_month": reports.tallies(start, end, by="month"),
        "month": today.month if year == today.year else 12,
    }
    return render(request, "investment/pipeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def parks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """梧桐树: each park's projects, output by month, and the parks' share of the city's output."""
    user = request.user
    _require(access.may_see_reports(user))
    year = _year(request)
    form = OutputForm(request.POST or None)
    may_enter = access.is_office_staff(user) or user.is_superuser
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied("只有招商局可以填报园区产值。")
        if form.is_valid():
            try:
                services.record_output(actor=user, request=request, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "已保存产值。")
                return redirect(f"{request.path}?year={form.cleaned_data['month'].year}")
    outputs = reports.outputs_by_month(year)
    park_rows = []
    projects = Project.objects.exclude(state=State.TERMINATED)
    for park in Park.objects.filter(is_active=True):
        mine = projects.filter(park=park)
        park_rows.append({
            "park": park,
            "projects": mine.count(),
            "producing": mine.filter(state__in=[State.PRODUCING, State.FULL]).count(),
            "enterprises": park.name and _enterprises_in(park),
            "months": [outputs.get(park.pk, {}).get(m) for m in range(1, 13)],
        })  # fmt: skip
    context = {
        "year": year,
        "rows": park_rows,
        "city_months": [outputs.get(None, {}).get(m) for m in range(1, 13)],
        "share": reports.park_share(date(year, 1, 1), date(year + 1, 1, 1)),
        "form": form,
        "may_enter": may_enter,
        "months": range(1, 13),
    }
    return render(request, "investment/parks.html", context)


def _enterprises_in(park: Park) -> int:
    """The enterprises the 店小二 app places in this park (its park field holds the park's name)."""
    from enterprises.models import Enterprise

    return Enterprise.objects.filter(is_active=True, park=park.name).count()


@login_required
@require_GET
def export_monthly(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(access.may_see_reports(request.user))
    year = _year(request)
    try:
        month = min(max(int(request.GET.get("month", "")), 1), 12)
    except ValueError:
        month = timezone.localdate().month
    response = HttpResponse(export.monthly_workbook(year, month), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="investment-progress-{year}-{month:02d}.xlsx"'
    return response


@login_required
@require_GET
def export_pipeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(access.may_see_reports(request.user))
    year = _year(request)
    response = HttpResponse(export.pipeline_workbook(year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="investment-pipeline-{year}.xlsx"'
    return response

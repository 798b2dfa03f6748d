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
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loop.review import NoteForm, RevisionAction
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

from . import access, export, reports, services, targets
from .forms import (
    DocumentForm,
    FundsForm,
    OutputForm,
    OutputImportForm,
    ProblemForm,
    ProjectEditForm,
    ProjectForm,
    ReportForm,
    StallReasonForm,
    TargetForm,
)
from .imports import import_outputs
from .models import Chain, Park, Project, ReportStatus, StageDocument, StageReport
from .problems import enterprise_of, problems_of, raise_problem
from .stalls import by_reason, explain_stall, reasons_of, stalled, warnings_for
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
        p.lights = lights.get(p.pk, [])  # display-only attributes
        p.shown_flags = access.shown_flags(user, p)
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
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """修改项目信息 (services.update_project): who may see the confidential facts edits them
    too (and the view is audited); others may fill them in without seeing them."""
    user = request.user
    project = _project(request, number)
    try:
        access.check_edit(user, project)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("investment:detail", number=number)
    confidential = access.may_see_confidential(user)
    if confidential:
        access.audit_confidential_view(user, project, purpose="修改项目信息", request=request)
    form = ProjectEditForm(request.POST or None, project=project, confidential=confidential)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(
                project,
                actor=user,
                data=form.changes(),
                responsible_unit=form.cleaned_data.get("responsible_unit"),
                request=request,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "已保存项目信息。")
            return redirect("investment:detail", number=number)
    status = 422 if form.errors else 200
    return render(request, "investment/form.html", {"form": form, "project": project}, status=status)


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
            "submit_refusal": access.REPORT_GUARDS.refusal(user, open_report, RevisionAction.SUBMITTED),
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
        "may_edit": access.may_edit_project(user, project),
        # The investor's appeals name the investor: only for who may see it (the small role).
        "appeals": _appeals(project) if confidential else [],
        "flags": access.shown_flags(user, project),
        "service_needs": _service_needs(project),
        "need_url": _need_url(project) if access.is_project_side(user, project) else "",
        "problems": problems_of(project, user),
        "problem_form": extra.get("problem_form") or ProblemForm(prefix="problem"),
        "may_raise_problem": access.may_raise_problem(user, project),
        # What raise_problem will find: the link, or the enterprise of the investor's credit code.
        "problem_enterprise": enterprise_of(project),
        "stall_form": StallReasonForm(prefix="stall"),
        "may_explain_stall": bool(lights) and access.may_explain_stall(user, project),
        "stall_reason": reasons_of([project]).get(project.pk),
        "funds": list(project.funds.order_by("-month")),
        "funds_form": FundsForm(),
        "may_enter_funds": may_declare_unit and project.signings.exists(),
    }


def _service_needs(project: Project) -> list[dict[str, Any]]:
    """The project's 莫愁超市 needs (intermediaries.Need, read through its reverse relation: the
    market builds on this app, which does not import it), each with its page where there is one."""
    needs = getattr(project, "service_needs", None)
    if needs is None:  # the market is not installed
        return []
    rows = []
    for need in needs.order_by("-created_at", "-pk")[:20]:
        try:
            url = reverse("intermediaries:need", args=[need.pk])
        except NoReverseMatch:
            url = ""
        rows.append({"need": need, "url": url})
    return rows


def _need_url(project: Project) -> str:
    """发布中介需求: the market's page for posting a need of this project, if the market is there
    (intermediaries.access decides on that page who may post)."""
    try:
        return reverse("intermediaries:need_new", args=[project.number])
    except NoReverseMatch:
        return ""


def _appeals(project: Project) -> list[Any]:
    """The investor's other appeals in the 店小二 loop (those not raised on this project)."""
    if project.investor is None:
        return []
    rows = project.investor.appeals.select_related("case").exclude(investment_problem__project=project)
    return list(rows.order_by("-created_at")[:20])


@login_required
@require_POST
def problem_new(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """要素保障: raise a problem of the project as its enterprise's appeal (problems.py)."""
    project = _project(request, number)
    form = ProblemForm(request.POST, prefix="problem")
    if form.is_valid():
        try:
            problem = raise_problem(project, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            where = problem.unit.display_name if problem.unit else "12345中心派单"
            messages.success(
                request, f"已提出要素保障问题，受理编号 {problem.appeal.case.number}，交{where}办理。"
            )
            return redirect("investment:detail", number=number)
    confidential = access.may_see_confidential(request.user)
    if confidential:
        access.audit_confidential_view(request.user, project, purpose="查看项目详情", request=request)
    return render(
        request,
        "investment/detail.html",
        _detail_context(request, project, confidential, problem_form=form),
        status=422,
    )


@login_required
@require_POST
def stall_reason(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    project = _project(request, number)
    form = StallReasonForm(request.POST, prefix="stall")
    if not form.is_valid():
        messages.error(request, "请选择停滞原因。")
    else:
        try:
            explain_stall(project, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已填报停滞原因。")
    nxt = request.POST.get("next", "")
    return redirect("investment:stalls") if nxt == "stalls" else redirect("investment:detail", number=number)


@login_required
@require_GET
def stall_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """停滞预警: the warned projects one sees, red first, with the reason in force; by reason."""
    user = request.user
    _require(access.may_use_app(user))
    projects = list(
        Project.objects.visible_to(user).select_related("chain", "park", "township", "responsible_unit")
    )
    rows = stalled(projects, timezone.localdate())
    reason = request.GET.get("reason")
    shown = rows if reason is None else [r for r in rows if r.reason == reason]
    for r in shown:
        r.may_explain = access.may_explain_stall(user, r.project)  # type: ignore[attr-defined]  # display-only
    context = {
        "rows": shown,
        "total": len(rows),
        "by_reason": by_reason(rows),
        "reason": reason,
        "stall_form": StallReasonForm(prefix="stall"),
    }
    return render(request, "investment/stalls.html", context)


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
    count, amount = reports.reserve_for(user)
    today = timezone.localdate()

    def rows(by: str) -> list[reports.Tally]:
        return reports.suppress(reports.tallies(start, end, by=by), user)

    context = {
        "year": year,
        "years": list(range(today.year - 3, today.year + 1)),
        "funnel": reports.funnel(user=user),
        "reserve_count": count,
        "reserve_amount": amount,
        "doubling": reports.doubling_for(year, user),
        "by_chain": rows("chain"),
        "by_park": rows("park"),
        "by_township": [
            t
            for t in rows("township")
            if t.key == "total" or t.signed or t.started or t.producing or t.amount or t.funds
        ],
        "by_month": rows("month"),
        "month": today.month if year == today.year else 12,
        "confidential": access.may_see_confidential(user),
        "min_projects": access.MIN_PROJECTS_PER_AMOUNT,
        "stall_reasons": by_reason(stalled(list(Project.objects.all()), today)),
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
    active_parks = list(Park.objects.filter(is_active=True))
    enterprises = _enterprises_in(active_parks, user)
    for park in active_parks:
        mine = projects.filter(park=park)
        park_rows.append({
            "park": park,
            "projects": mine.count(),
            "producing": mine.filter(state__in=[State.PRODUCING, State.FULL]).count(),
            "enterprises": enterprises.get(park.name, []),
            "months": [outputs.get(park.pk, {}).get(m) for m in range(1, 13)],
        })  # fmt: skip
    context = {
        "year": year,
        "rows": park_rows,
        "city_months": [outputs.get(None, {}).get(m) for m in range(1, 13)],
        "share": reports.park_share(date(year, 1, 1), date(year + 1, 1, 1)),
        "form": form,
        "import_form": OutputImportForm(),
        "may_enter": may_enter,
        "months": range(1, 13),
    }
    return render(request, "investment/parks.html", context)


def _enterprises_in(parks: list[Park], user: Any) -> dict[str, list[dict[str, Any]]]:
    """The enterprises the 店小二 app places in each park (its park field holds the park's name,
    one of enterprises.models.PARKS), by name; each links to its page where the user may see it."""
    from enterprises.models import Enterprise

    names = [p.name for p in parks]
    rows = Enterprise.objects.filter(is_active=True, park__in=names).order_by("name", "pk")
    visible = set(Enterprise.objects.visible_to(user).filter(park__in=names).values_list("pk", flat=True))
    by_park: dict[str, list[dict[str, Any]]] = {}
    for e in rows.only("pk", "name", "park", "industry"):
        by_park.setdefault(e.park, []).append(
            {"pk": e.pk, "name": e.name, "industry": e.industry, "visible": e.pk in visible}
        )
    return by_park


@login_required
@require_GET
def export_monthly(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(access.may_see_reports(request.user))
    year = _year(request)
    try:
        month = min(max(int(request.GET.get("month", "")), 1), 12)
    except ValueError:
        month = timezone.localdate().month
    response = HttpResponse(export.monthly_workbook(year, month, user=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="investment-progress-{year}-{month:02d}.xlsx"'
    return response


@login_required
@require_GET
def export_pipeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(access.may_see_reports(request.user))
    year = _year(request)
    warned = stalled(list(Project.objects.visible_to(request.user)), timezone.localdate())
    response = HttpResponse(
        export.pipeline_workbook(year, user=request.user, stalls=warned), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="investment-pipeline-{year}.xlsx"'
    return response


@login_required
@require_POST
def parks_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """导入园区产值 from CSV or xlsx, all or nothing (imports.py)."""
    user = request.user
    if not access.may_import_output(user):
        raise PermissionDenied("只有招商局可以导入园区产值。")
    form = OutputImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择 CSV 或 xlsx 文件。")
        return redirect("investment:parks")
    upload = form.cleaned_data["file"]
    try:
        count = import_outputs(
            actor=user,
            name=upload.name or "",
            data=upload.read(),
            today=timezone.localdate(),
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已导入{count}行产值。")
    return redirect("investment:parks")


def _by(request: AuthenticatedHttpRequest) -> str:
    by = request.GET.get("by", "township")
    return by if by in targets.SCOPES else "township"


@login_required
@require_http_methods(["GET", "POST"])
def targets_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """目标考核表: actual against the year's targets and 序时, by township, park or chain."""
    user = request.user
    _require(access.may_see_reports(user))
    year, by = _year(request), _by(request)
    may_set = access.may_set_targets(user)
    form = TargetForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("只有招商局可以填报考核目标。")
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("scope")
            try:
                targets.set_target(actor=user, request=request, **data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "已保存考核目标。")
                return redirect(f"{request.path}?year={data['year']}&by={by}")
    today = timezone.localdate()
    context = {
        "year": year,
        "by": by,
        "years": list(range(today.year - 3, today.year + 2)),
        "table": targets.assessment(year, by=by, on=today, user=user),
        "history": targets.history(year)[:50],
        "form": form,
        "may_set": may_set,
        "min_projects": access.MIN_PROJECTS_PER_AMOUNT,
        "scopes": [("township", "乡镇"), ("park", "园区"), ("chain", "产业链")],
    }
    return render(request, "investment/targets.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def export_targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(access.may_see_reports(request.user))
    year = _year(request)
    content = export.targets_workbook(year, on=timezone.localdate(), user=request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="investment-targets-{year}.xlsx"'
    return response

"""/api/v1/investment: 招商引资 over JSON — the same services as the pages.

A project the user may not see is a 404; refusals are the guards' DomainErrors (403 role/unit,
409 state, 422 input), mapped once in mochou/api_errors.py. Confidential fields are null unless
the user may see them, and every answer that shows them is audited (investment.access).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from accounts.models import User
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from mochou.errors import InvalidInput, NotFound, NotPermitted
from org.models import Unit

from . import access, reports, services, targets
from .imports import import_outputs
from .indicators import FIGURES, measure
from .models import Chain, Park, Project, StageReport
from .problems import ProblemRow, problems_of, raise_problem
from .schemas import (
    InvestmentAssessmentCellOut,
    InvestmentAssessmentOut,
    InvestmentAssessmentRowOut,
    InvestmentDocumentIn,
    InvestmentFigureOut,
    InvestmentFundsIn,
    InvestmentOutputImportIn,
    InvestmentOutputImportOut,
    InvestmentPipelineOut,
    InvestmentProblemIn,
    InvestmentProblemOut,
    InvestmentProjectIn,
    InvestmentProjectOut,
    InvestmentProjectPatchIn,
    InvestmentReportIn,
    InvestmentReportOut,
    InvestmentReviewNoteIn,
    InvestmentStageCountOut,
    InvestmentStallOut,
    InvestmentStallReasonIn,
    InvestmentTallyOut,
    InvestmentTargetIn,
)
from .stalls import Stalled, explain_stall, stalled, warnings_for

router = Router()
NOT_FOUND = "项目不存在或无权查看"


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _project(request: HttpRequest, number: str) -> Project:
    project = Project.objects.visible_to(_actor(request)).filter(number=number).first()
    if project is None:
        raise NotFound(NOT_FOUND)
    return project


def _report(request: HttpRequest, pk: int) -> StageReport:
    visible = Project.objects.visible_to(_actor(request))
    report = StageReport.objects.filter(pk=pk, project__in=visible, draft_of__isnull=True).first()
    if report is None:
        raise NotFound("申报不存在或无权查看")
    return report


def _out(project: Project, user: User, warnings: list[str]) -> InvestmentProjectOut:
    secret = access.may_see_confidential(user)
    return InvestmentProjectOut(
        number=project.number,
        code_name=project.code_name,
        state=project.state,
        state_label=project.get_state_display(),
        chain=project.chain.name,
        park=project.park.name if project.park else None,
        township=project.township.display_name,
        responsible_unit=project.responsible_unit.display_name,
        flags=access.shown_flags(user, project),
        warnings=warnings,
        confidential=secret,
        name=project.name if secret else None,
        investor_name=project.investor_name if secret else None,
        investor_credit_code=project.investor_credit_code if secret else None,
        total_investment=project.total_investment if secret else None,
        updated_at=project.updated_at,
    )


def _report_out(report: StageReport) -> InvestmentReportOut:
    return InvestmentReportOut(
        id=report.pk,
        project=report.project.number,
        stage=report.stage,
        stage_label=report.get_stage_display(),
        date=report.date,
        status=report.status,
        review_note=report.review_note,
        documents=[d.title for d in report.documents.all()],
    )


class InvestmentProjectFilters(Schema):
    state: str | None = NinjaField(None, description="阶段")
    q: str = NinjaField("", max_length=40, description="编号或代号（可见保密信息者也查名称、投资方）")
    limit: int = NinjaField(50, ge=1, le=200)
    offset: int = NinjaField(0, ge=0)


@router.get("/projects", response={200: list[InvestmentProjectOut], **ERRORS_LIST}, summary="招商项目列表")
def list_projects(
    request: HttpRequest, filters: Query[InvestmentProjectFilters]
) -> list[InvestmentProjectOut]:
    user = _actor(request)
    rows = services.projects_matching(user, filters.q.strip()).select_related(
        "chain", "park", "township", "responsible_unit"
    )
    if filters.state:
        rows = rows.filter(state=filters.state)
    page = list(rows.order_by("-updated_at", "-pk")[filters.offset : filters.offset + filters.limit])
    lights = warnings_for(page, timezone.localdate())
    if page and access.may_see_confidential(user):
        for project in page:
            access.audit_confidential_view(user, project, purpose="API 项目列表", request=request)
    return [_out(p, user, [w.text for w in lights.get(p.pk, [])]) for p in page]


def _by_code(model: Any, code: str | None, field: str, label: str) -> Any:
    if code is None or code == "":
        return None
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise InvalidInput(
            f"{label}编码“{code}”不存在。", code="investment.invalid", details={"field": field}
        )
    return obj


@router.post("/projects", response={201: InvestmentProjectOut, **ERRORS_WRITE}, summary="登记招商项目")
def create_project(request: HttpRequest, payload: InvestmentProjectIn) -> Status[InvestmentProjectOut]:
    user = _actor(request)
    data = payload.dict()
    data["chain"] = _by_code(Chain, payload.chain, "chain", "产业链")
    data["park"] = _by_code(Park, payload.park, "park", "园区")
    data["township"] = _by_code(Unit, payload.township, "township", "乡镇")
    unit = _by_code(Unit, data.pop("responsible_unit"), "responsible_unit", "责任单位")
    project = services.register_project(actor=user, data=data, responsible_unit=unit)
    return Status(201, _out(project, user, []))


@router.get("/projects/{number}", response={200: InvestmentProjectOut, **ERRORS_READ}, summary="招商项目详情")
def get_project(request: HttpRequest, number: str) -> InvestmentProjectOut:
    user = _actor(request)
    project = _project(request, number)
    if access.may_see_confidential(user):
        access.audit_confidential_view(user, project, purpose="API 项目详情", request=request)
    lights = warnings_for([project], timezone.localdate()).get(project.pk, [])
    return _out(project, user, [w.text for w in lights])


# Sent as null, these keep their value (a null name or total would be refused anyway); a null
# park is 园区外, a null credit code, amount or planned month is cleared.
_KEPT_WHEN_NULL = frozenset({
    "code_name", "name", "investor_name", "source", "chain", "township", "responsible_unit",
    "total_investment", "is_leading", "is_little_giant", "is_tech_upgrade",
})  # fmt: skip


@router.patch(
    "/projects/{number}", response={200: InvestmentProjectOut, **ERRORS_WRITE}, summary="修改项目信息"
)
def update_project(
    request: HttpRequest, number: str, payload: InvestmentProjectPatchIn
) -> InvestmentProjectOut:
    user = _actor(request)
    project = _project(request, number)
    data = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k not in _KEPT_WHEN_NULL
    }
    for name, model, label in (
        ("chain", Chain, "产业链"),
        ("park", Park, "园区"),
        ("township", Unit, "乡镇"),
    ):
        if name in data:
            data[name] = _by_code(model, data[name], name, label)
    unit = _by_code(Unit, data.pop("responsible_unit", None), "responsible_unit", "责任单位")
    project = services.update_project(project, actor=user, data=data, responsible_unit=unit, request=request)
    if access.may_see_confidential(user):
        access.audit_confidential_view(user, project, purpose="API 修改项目信息", request=request)
    lights = warnings_for([project], timezone.localdate()).get(project.pk, [])
    return _out(project, user, [w.text for w in lights])


@router.get(
    "/projects/{number}/reports",
    response={200: list[InvestmentReportOut], **ERRORS_READ},
    summary="项目的阶段申报",
)
def list_reports(request: HttpRequest, number: str) -> list[InvestmentReportOut]:
    project = _project(request, number)
    rows = (
        project.reports.filter(draft_of__isnull=True)
        .prefetch_related("documents")
        .order_by("created_at", "pk")
    )
    return [_report_out(r) for r in rows]


@router.post(
    "/projects/{number}/reports",
    response={201: InvestmentReportOut, **ERRORS_WRITE},
    summary="申报阶段（草稿）",
)
def declare(request: HttpRequest, number: str, payload: InvestmentReportIn) -> Status[InvestmentReportOut]:
    project = _project(request, number)
    report = services.declare_stage(project, actor=_actor(request), data=payload.dict())
    return Status(201, _report_out(report))


@router.post(
    "/reports/{pk}/documents", response={201: InvestmentReportOut, **ERRORS_WRITE}, summary="上传证明材料"
)
def upload(request: HttpRequest, pk: int, payload: InvestmentDocumentIn) -> Status[InvestmentReportOut]:
    """The API takes JSON only (mochou.middleware): the file comes base64-encoded."""
    report = _report(request, pk)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "文件内容应为 base64 编码。", code="investment.invalid", details={"field": "content_base64"}
        ) from None
    file = ContentFile(content, name=payload.filename)
    services.add_document(report, actor=_actor(request), title=payload.title, file=file)
    return Status(201, _report_out(report))


@router.post(
    "/reports/{pk}/submit", response={200: InvestmentReportOut, **ERRORS_WRITE}, summary="提交招商局审核"
)
def submit(request: HttpRequest, pk: int, payload: InvestmentReviewNoteIn) -> InvestmentReportOut:
    return _report_out(services.submit_report(_report(request, pk), actor=_actor(request), note=payload.note))


@router.post(
    "/reports/{pk}/approve", response={200: InvestmentReportOut, **ERRORS_WRITE}, summary="招商局审核通过"
)
def approve(request: HttpRequest, pk: int, payload: InvestmentReviewNoteIn) -> InvestmentReportOut:
    return _report_out(
        services.approve_report(_report(request, pk), actor=_actor(request), note=payload.note)
    )


@router.post(
    "/reports/{pk}/return", response={200: InvestmentReportOut, **ERRORS_WRITE}, summary="招商局退回"
)
def return_(request: HttpRequest, pk: int, payload: InvestmentReviewNoteIn) -> InvestmentReportOut:
    return _report_out(services.return_report(_report(request, pk), actor=_actor(request), note=payload.note))


@router.post("/projects/{number}/funds", response={204: None, **ERRORS_WRITE}, summary="填报到位资金")
def funds(request: HttpRequest, number: str, payload: InvestmentFundsIn) -> Status[None]:
    project = _project(request, number)
    services.record_funds(project, actor=_actor(request), month=payload.month, amount=payload.amount)
    return Status(204, None)


def _reports_allowed(request: HttpRequest) -> None:
    if not access.may_see_reports(_actor(request)):
        raise NotPermitted("您没有查看招商统计的权限。", code="investment.not_permitted")


def _tallies(rows: list[reports.Tally], user: User) -> list[InvestmentTallyOut]:
    return [
        InvestmentTallyOut(
            label=t.label,
            signed=t.signed,
            amount=t.shown("amount"),
            major=t.major,
            started=t.started,
            producing=t.producing,
            funds=t.shown("funds"),
            suppressed=sorted(t.hidden),
        )
        for t in reports.suppress(rows, user)
    ]


@router.get(
    "/pipeline",
    response={200: InvestmentPipelineOut, 403: ERRORS_WRITE[403], **ERRORS_LIST},
    summary="项目库统计",
)
def pipeline(request: HttpRequest, year: int) -> InvestmentPipelineOut:
    _reports_allowed(request)
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份不正确。", code="investment.invalid", details={"field": "year"})
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    user = _actor(request)
    count, amount = reports.reserve_for(user)
    return InvestmentPipelineOut(
        year=year,
        funnel=[InvestmentStageCountOut(**row) for row in reports.funnel(user=user)],
        reserve_count=count,
        reserve_amount=amount,
        doubling_ratio=reports.doubling_for(year, user)["ratio"],
        by_chain=_tallies(reports.tallies(start, end, by="chain"), user),
        by_park=_tallies(reports.tallies(start, end, by="park"), user),
        by_township=_tallies(reports.tallies(start, end, by="township"), user),
        by_month=_tallies(reports.tallies(start, end, by="month"), user),
    )


@router.get(
    "/figures", response={200: list[InvestmentFigureOut], **ERRORS_LIST}, summary="可供计划指标取数的数据项"
)
def figures(request: HttpRequest) -> list[InvestmentFigureOut]:
    return [
        InvestmentFigureOut(key=k, label=f.label, unit=f.unit, plan=f.plan, value=None, suppressed=False)
        for k, f in FIGURES.items()
    ]


@router.get(
    "/figures/{key}",
    response={200: InvestmentFigureOut, 403: ERRORS_WRITE[403], 422: ERRORS_LIST[422], **ERRORS_READ},
    summary="数据项在区间内的值",
)
def figure(request: HttpRequest, key: str, start: date, end: date) -> InvestmentFigureOut:
    _reports_allowed(request)
    if key not in FIGURES:
        raise NotFound("没有这个数据项")
    if end <= start:
        raise InvalidInput("结束日期应晚于开始日期。", code="investment.invalid", details={"field": "end"})
    f = FIGURES[key]
    value: Any = measure(key, start=start, end=end)
    # An amount of a short period may be one project's: the same rule as the reports' cells.
    hidden = f.projects is not None and not access.amount_shown(_actor(request), f.projects(start, end))
    return InvestmentFigureOut(
        key=key, label=f.label, unit=f.unit, plan=f.plan, value=None if hidden else value, suppressed=hidden
    )


# ---------------------------------------------------------------- 要素保障, stalls, targets, output


def _problem_out(row: ProblemRow) -> InvestmentProblemOut:
    return InvestmentProblemOut(
        case=row.case.number,
        kind=row.problem.kind,
        kind_label=row.problem.get_kind_display(),
        title=row.case.title,
        unit=row.case.lead_unit.display_name if row.case.lead_unit else None,
        state=row.case.state,
        state_label=row.case.state_label,
        answer=row.answer.body if row.answer is not None else None,
        raised_at=row.problem.raised_at,
    )


@router.get(
    "/projects/{number}/problems", response={200: list[InvestmentProblemOut], **ERRORS_READ},
    summary="项目的要素保障问题",
)  # fmt: skip
def list_problems(request: HttpRequest, number: str) -> list[InvestmentProblemOut]:
    project = _project(request, number)
    return [_problem_out(r) for r in problems_of(project, _actor(request))]


@router.post(
    "/projects/{number}/problems", response={201: InvestmentProblemOut, **ERRORS_WRITE},
    summary="提出要素保障问题（成为企业诉求，派至责任单位）",
)  # fmt: skip
def create_problem(
    request: HttpRequest, number: str, payload: InvestmentProblemIn
) -> Status[InvestmentProblemOut]:
    project = _project(request, number)
    user = _actor(request)
    unit = _by_code(Unit, payload.unit, "unit", "责任单位") if payload.unit else None
    problem = raise_problem(
        project, actor=user, kind=payload.kind, title=payload.title, content=payload.content, unit=unit
    )
    row = next(r for r in problems_of(project, user) if r.problem.pk == problem.pk)
    return Status(201, _problem_out(row))


def _stall_out(row: Stalled) -> InvestmentStallOut:
    return InvestmentStallOut(
        project=row.project.number,
        code_name=row.project.code_name,
        light=row.light,
        warnings=[w.text for w in row.warnings],
        reason=row.reason,
        reason_label=row.reason_label,
    )


@router.get("/stalls", response={200: list[InvestmentStallOut], **ERRORS_LIST}, summary="停滞预警")
def list_stalls(request: HttpRequest) -> list[InvestmentStallOut]:
    projects = list(Project.objects.visible_to(_actor(request)))
    return [_stall_out(r) for r in stalled(projects, timezone.localdate())]


@router.post("/projects/{number}/stall-reason", response={204: None, **ERRORS_WRITE}, summary="填报停滞原因")
def set_stall_reason(request: HttpRequest, number: str, payload: InvestmentStallReasonIn) -> Status[None]:
    project = _project(request, number)
    explain_stall(project, actor=_actor(request), reason=payload.reason, note=payload.note)
    return Status(204, None)


@router.get(
    "/targets",
    response={200: InvestmentAssessmentOut, 403: ERRORS_WRITE[403], **ERRORS_LIST},
    summary="目标考核表（完成、目标、完成率、序时）",
)
def get_targets(request: HttpRequest, year: int, by: str = "township") -> InvestmentAssessmentOut:
    _reports_allowed(request)
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份不正确。", code="investment.invalid", details={"field": "year"})
    table = targets.assessment(year, by=by, on=timezone.localdate(), user=_actor(request))
    return InvestmentAssessmentOut(
        year=table.year,
        by=table.by,
        on=table.on,
        time_share=table.time_share,
        rows=[
            InvestmentAssessmentRowOut(
                label=r.label,
                cells=[
                    InvestmentAssessmentCellOut(
                        figure=c.figure, actual=c.actual, target=c.target, rate=c.rate, behind=c.behind
                    )
                    for c in r.cells
                ],
            )
            for r in table.rows
        ],
    )


@router.post("/targets", response={204: None, **ERRORS_WRITE}, summary="填报考核目标（再次填报即更正）")
def post_target(request: HttpRequest, payload: InvestmentTargetIn) -> Status[None]:
    targets.set_target(
        actor=_actor(request),
        year=payload.year,
        figure=payload.figure,
        value=payload.value,
        township=_by_code(Unit, payload.township, "township", "乡镇") if payload.township else None,
        park=_by_code(Park, payload.park, "park", "园区") if payload.park else None,
        chain=_by_code(Chain, payload.chain, "chain", "产业链") if payload.chain else None,
    )
    return Status(204, None)


@router.post(
    "/parks/outputs/import", response={201: InvestmentOutputImportOut, **ERRORS_WRITE},
    summary="导入园区产值（CSV 或 xlsx，全部正确才导入）",
)  # fmt: skip
def import_output(
    request: HttpRequest, payload: InvestmentOutputImportIn
) -> Status[InvestmentOutputImportOut]:
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "文件内容应为 base64 编码。", code="investment.invalid", details={"field": "content_base64"}
        ) from None
    count = import_outputs(
        actor=_actor(request), name=payload.filename, data=content, today=timezone.localdate()
    )
    return Status(201, InvestmentOutputImportOut(imported=count))

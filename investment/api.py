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

from . import access, reports, services
from .indicators import FIGURES, measure
from .models import Chain, Park, Project, StageReport
from .schemas import (
    InvestmentDocumentIn,
    InvestmentFigureOut,
    InvestmentFundsIn,
    InvestmentPipelineOut,
    InvestmentProjectIn,
    InvestmentProjectOut,
    InvestmentReportIn,
    InvestmentReportOut,
    InvestmentReviewNoteIn,
    InvestmentStageCountOut,
    InvestmentTallyOut,
)
from .stalls import warnings_for

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
        flags=project.flags,
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


def _tallies(rows: list[reports.Tally]) -> list[InvestmentTallyOut]:
    return [
        InvestmentTallyOut(
            label=t.label,
            signed=t.signed,
            amount=t.amount,
            major=t.major,
            started=t.started,
            producing=t.producing,
            funds=t.funds,
        )
        for t in rows
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
    count, amount = reports.reserve()
    return InvestmentPipelineOut(
        year=year,
        funnel=[InvestmentStageCountOut(**row) for row in reports.funnel()],
        reserve_count=count,
        reserve_amount=amount,
        doubling_ratio=reports.doubling(year)["ratio"],
        by_chain=_tallies(reports.tallies(start, end, by="chain")),
        by_park=_tallies(reports.tallies(start, end, by="park")),
        by_township=_tallies(reports.tallies(start, end, by="township")),
        by_month=_tallies(reports.tallies(start, end, by="month")),
    )


@router.get(
    "/figures", response={200: list[InvestmentFigureOut], **ERRORS_LIST}, summary="可供计划指标取数的数据项"
)
def figures(request: HttpRequest) -> list[InvestmentFigureOut]:
    return [
        InvestmentFigureOut(key=k, label=f.label, unit=f.unit, plan=f.plan, value=None)
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
    return InvestmentFigureOut(
        key=key, label=f.label, unit=f.unit, plan=f.plan, value=measure(key, start=start, end=end)
    )

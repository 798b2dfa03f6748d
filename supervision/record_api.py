"""Meeting records → draft tasks → 立项 over JSON, under /api/v1/supervision/records and /drafts.

The same verbs as the review page (supervision.views.records → supervision.services.drafts):
ingest, edit, 补录, merge, split, discard, restore and confirm (the one step that makes a task).
Who may is the verbs' one rule, `drafts.review_refusal` (only the 督查室), asked before a record
is even looked up, as the page does: a 403 says nothing about which records exist.
`POST /extract` (supervision.task_api) stays the dry run that saves nothing.
Registered on supervision.api's router.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Status

from accounts.models import User
from cases.schemas import row_by_id
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, ErrorOut
from mochou.errors import InvalidInput, NotFound
from org.models import Unit
from supervision.api import router
from supervision.record_schemas import (
    DraftAddIn,
    DraftConfirmIn,
    DraftEditIn,
    DraftMergeIn,
    DraftOut,
    DraftSplitIn,
    RecordIn,
    RecordOut,
    RecordSummaryOut,
)
from supervision.services import drafts as ds
from supervision.task_api import task_detail
from supervision.task_forms import leaders
from supervision.task_models import DraftStatus, DraftTask, MeetingRecord, Plan
from supervision.task_schemas import TaskDetailOut

NO_RECORD = "会议纪要不存在"
NO_DRAFT = "待审事项不存在"


def _office(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if (refusal := ds.review_refusal(user)) is not None:
        raise refusal
    return user


def _drafts() -> QuerySet[DraftTask]:
    return DraftTask.objects.select_related("plan", "lead_unit", "task").prefetch_related("co_units")


def _record(record_id: int) -> MeetingRecord:
    item = row_by_id(MeetingRecord.objects.select_related("uploaded_by"), record_id)
    if item is None:
        raise NotFound(NO_RECORD)
    return item


def _draft(draft_id: int) -> DraftTask:
    found = row_by_id(_drafts().select_related("record"), draft_id)
    if found is None:
        raise NotFound(NO_DRAFT)
    return found


def draft_out(d: DraftTask) -> DraftOut:
    return DraftOut(
        id=d.pk,
        record=d.record_id,
        order=d.order,
        sentence=d.sentence,
        title=d.title,
        plan=d.plan.number if d.plan else None,
        lead_unit=d.lead_unit.code if d.lead_unit else None,
        co_units=sorted(u.code for u in d.co_units.all()),
        deadline=d.deadline,
        target=d.target,
        status=d.status,
        status_label=d.get_status_display(),
        task=d.task.number if d.task else None,
    )


def _summary_fields(r: MeetingRecord, drafts: int, pending: int) -> dict[str, object]:
    return {
        "id": r.pk,
        "title": r.title,
        "held_on": r.held_on,
        "filename": r.filename,
        "uploaded_by": r.uploaded_by.name,
        "created_at": r.created_at,
        "drafts": drafts,
        "pending": pending,
    }


def record_out(r: MeetingRecord) -> RecordOut:
    items = list(_drafts().filter(record=r))
    pending = sum(d.status == DraftStatus.PENDING for d in items)
    return RecordOut(
        **_summary_fields(r, len(items), pending),  # type: ignore[arg-type]
        text=r.text,
        items=[draft_out(d) for d in items],
    )


def _plan(number: int | None) -> Plan | None:
    if number is None:
        return None
    plan = Plan.objects.filter(number=number).first()
    if plan is None:
        raise InvalidInput("没有该序号的计划。", code="invalid_input.plan", details={"field": "plan"})
    return plan


def _units(lead: str | None, co: Sequence[str]) -> tuple[Unit | None, list[Unit]]:
    wanted = [c for c in [lead, *co] if c]
    found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
    for field, codes in (("lead_unit", [lead] if lead else []), ("co_units", list(co))):
        if missing := [c for c in codes if c not in found]:
            raise InvalidInput(
                f"没有编码为“{missing[0]}”的单位。", code="invalid_input.unit", details={"field": field}
            )
    return (found[lead] if lead else None), [found[c] for c in dict.fromkeys(co)]


@router.get(
    "/records",
    response={200: list[RecordSummaryOut], **ERRORS_LIST, 403: ErrorOut},
    summary="会议纪要列表（督查室）",
)
def list_records(request: HttpRequest) -> list[RecordSummaryOut]:
    _office(request)
    rows = (
        MeetingRecord.objects.select_related("uploaded_by")
        .annotate(n=Count("drafts"), open=Count("drafts", filter=Q(drafts__status=DraftStatus.PENDING)))
        .order_by("-created_at", "-pk")[:50]
    )
    return [RecordSummaryOut(**_summary_fields(r, r.n, r.open)) for r in rows]  # type: ignore[arg-type]


@router.post(
    "/records",
    response={201: RecordOut, **ERRORS_WRITE},
    summary="上传会议纪要，按规则识别待审事项（督查室）",
    description=(
        "保存纪要和识别出的待审事项；不立项。规则会遗漏承诺，请对照全文用 /records/{id}/drafts 补录。"
    ),
)
def ingest(request: HttpRequest, payload: RecordIn) -> Status[RecordOut]:
    user = _office(request)
    record = ds.ingest_record(actor=user, title=payload.title, text=payload.text, held_on=payload.held_on)
    return Status(201, record_out(_record(record.pk)))


@router.get(
    "/records/{record_id}",
    response={200: RecordOut, **ERRORS_READ, 403: ErrorOut, 422: ErrorOut},
    summary="会议纪要及其待审事项",
)
def get_record(request: HttpRequest, record_id: int) -> RecordOut:
    _office(request)
    return record_out(_record(record_id))


@router.post(
    "/records/{record_id}/drafts",
    response={201: DraftOut, **ERRORS_WRITE},
    summary="补录遗漏事项（原文须摘自本纪要）",
)
def add(request: HttpRequest, record_id: int, payload: DraftAddIn) -> Status[DraftOut]:
    user = _office(request)
    record = _record(record_id)
    lead, co = _units(payload.lead_unit, payload.co_units)
    made = ds.add_draft(
        record,
        actor=user,
        sentence=payload.sentence,
        title=payload.title,
        plan=_plan(payload.plan),
        lead_unit=lead,
        co_units=co,
        deadline=payload.deadline,
        target=payload.target,
    )
    return Status(201, draft_out(_draft(made.pk)))


@router.post(
    "/records/{record_id}/merge",
    response={200: DraftOut, **ERRORS_WRITE},
    summary="合并待审事项（同一承诺的几项并为一项）",
    description=(
        "保留顺序最前的一项，合并原文和单位；其余标为已合并。已处理的事项 409 supervision.draft_done。"
    ),
)
def merge(request: HttpRequest, record_id: int, payload: DraftMergeIn) -> DraftOut:
    user = _office(request)
    record = _record(record_id)
    chosen = list(DraftTask.objects.filter(record=record, pk__in=payload.drafts))
    if len(chosen) != len(set(payload.drafts)):
        raise InvalidInput(
            "所选事项须为本纪要的待审事项。", code="invalid_input.merge", details={"field": "drafts"}
        )
    kept = ds.merge_drafts(chosen, actor=user)
    return draft_out(_draft(kept.pk))


@router.post(
    "/drafts/{draft_id}/save",
    response={200: DraftOut, **ERRORS_WRITE},
    summary="修改待审事项（事项、计划、牵头/协办单位、时限、目标）",
)
def save(request: HttpRequest, draft_id: int, payload: DraftEditIn) -> DraftOut:
    user = _office(request)
    draft = _draft(draft_id)
    lead, co = _units(payload.lead_unit, payload.co_units)
    ds.update_draft(
        draft,
        actor=user,
        title=payload.title,
        plan=_plan(payload.plan),
        lead_unit=lead,
        co_units=co,
        deadline=payload.deadline,
        target=payload.target,
    )
    return draft_out(_draft(draft_id))


@router.post(
    "/drafts/{draft_id}/confirm",
    response={201: TaskDetailOut, **ERRORS_WRITE},
    summary="确认立项：待审事项成为督办事项",
    description="按待审事项现有内容立项（先用 save 修改）；已处理的事项 409 supervision.draft_done。",
)
def confirm(request: HttpRequest, draft_id: int, payload: DraftConfirmIn) -> Status[TaskDetailOut]:
    user = _office(request)
    draft = _draft(draft_id)
    leader = None
    if payload.leader:
        leader = leaders().filter(username=payload.leader).first()
        if leader is None:
            raise InvalidInput("没有该市领导。", code="invalid_input.leader", details={"field": "leader"})
    task = ds.confirm_draft(draft, actor=user, leader=leader)
    return Status(201, task_detail(request, task.number))


@router.post("/drafts/{draft_id}/discard", response={200: DraftOut, **ERRORS_WRITE}, summary="舍弃待审事项")
def discard(request: HttpRequest, draft_id: int) -> DraftOut:
    user = _office(request)
    ds.discard_draft(_draft(draft_id), actor=user)
    return draft_out(_draft(draft_id))


@router.post(
    "/drafts/{draft_id}/restore", response={200: DraftOut, **ERRORS_WRITE}, summary="恢复已舍弃的事项"
)
def restore(request: HttpRequest, draft_id: int) -> DraftOut:
    user = _office(request)
    ds.restore_draft(_draft(draft_id), actor=user)
    return draft_out(_draft(draft_id))


@router.post(
    "/drafts/{draft_id}/split",
    response={200: list[DraftOut], **ERRORS_WRITE},
    summary="拆分待审事项（一句含几项承诺：每项一条，原文相同）",
)
def split(request: HttpRequest, draft_id: int, payload: DraftSplitIn) -> list[DraftOut]:
    user = _office(request)
    made = ds.split_draft(_draft(draft_id), actor=user, titles=payload.titles)
    by_pk = {d.pk: d for d in _drafts().filter(pk__in=[m.pk for m in made])}
    return [draft_out(by_pk[m.pk]) for m in made]

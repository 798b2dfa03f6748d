"""From a meeting record to tasks, through the 督查员's review: the drafts are suggestions only.

ingest → drafts (supervision.extract) → edit / merge / split / discard / add what the rules
missed → confirm (立项: the one step that creates a Task, through create_task). Nothing becomes
a task without that confirmation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import Conflict, InvalidInput, NotPermitted
from org.models import Unit
from supervision.extract_db import extract_from_db
from supervision.services.tasks import create_task
from supervision.task_models import DraftStatus, DraftTask, MeetingRecord, Plan, Task
from supervision.task_workflow import Source


def review_refusal(actor: User) -> NotPermitted | None:
    """Why `actor` may not read or review meeting records and their drafts, or None: the one rule
    the pages, the API and these verbs ask (only the 督查室 works on records)."""
    if not actor.is_active or actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        return NotPermitted("只有督查室可以审核会议纪要的待审事项。", code="permission_denied.role")
    return None


def _office(actor: User) -> None:
    if (refusal := review_refusal(actor)) is not None:
        raise refusal


def _pending(draft: DraftTask) -> None:
    if draft.status != DraftStatus.PENDING:
        raise Conflict(f"该事项已{draft.get_status_display()}，不能再修改。", code="supervision.draft_done")


def ingest_record(
    *,
    actor: User,
    title: str,
    text: str,
    held_on: date | None = None,
    filename: str = "",
    now: datetime | None = None,
) -> MeetingRecord:
    """Store the record and its draft tasks (one per commitment found), for review."""
    _office(actor)
    body = (text or "").strip()
    if len(body) < 20:
        raise InvalidInput(
            "请粘贴或上传会议纪要全文（至少20个字）。", code="invalid_input.text", details={"field": "text"}
        )
    if len(body) > 200_000:
        raise InvalidInput("纪要过长（超过20万字）。", code="invalid_input.text", details={"field": "text"})
    name = (title or "").strip()[:200] or body.splitlines()[0][:60]
    year = held_on.year if held_on else None
    drafts = extract_from_db(body, year=year)
    plans = {p.number: p for p in Plan.objects.all()}
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in={c for d in drafts for c in [d.lead_unit, *d.co_units] if c})
    }
    with transaction.atomic():
        record = MeetingRecord.objects.create(
            title=name,
            held_on=held_on,
            text=body,
            filename=filename[:200],
            uploaded_by=actor,
            created_at=now or timezone.now(),
        )
        for order, found in enumerate(drafts, start=1):
            row = DraftTask.objects.create(
                record=record,
                order=order * 10,
                sentence=found.text[:4000],
                title=found.title[:200],
                plan=plans.get(found.plan) if found.plan else None,
                lead_unit=units.get(found.lead_unit),
                deadline=found.deadline,
                target=found.target[:120],
            )
            row.co_units.set([units[c] for c in found.co_units if c in units])
    return record


def _squeezed(text: str) -> str:
    return "".join(text.split())


def add_draft(
    record: MeetingRecord,
    *,
    actor: User,
    sentence: str,
    title: str = "",
    plan: Plan | None = None,
    lead_unit: Unit | None = None,
    co_units: Sequence[Unit] = (),
    deadline: date | None = None,
    target: str = "",
) -> DraftTask:
    """补录遗漏事项: a commitment the rules missed, added by the 督查员 from the record's own text.

    The extraction misses most commitments on records unlike the one its rules were written on
    (docs/supervision.md, Evaluation), so the reviewer must be able to add what it missed. The
    sentence must be the record's (whitespace aside): a draft always keeps where it came from.
    It is a pending draft like the others: it becomes a task only through confirm_draft.
    """
    _office(actor)
    source = (sentence or "").strip()
    if len(source) < 4:
        raise InvalidInput(
            "请摘录纪要中的原文（至少4个字）。", code="invalid_input.text", details={"field": "sentence"}
        )
    if _squeezed(source) not in _squeezed(record.text):
        raise InvalidInput(
            "原文须摘自本纪要（可在左侧全文中选取复制）。",
            code="invalid_input.sentence",
            details={"field": "sentence"},
        )
    heading = (title or "").strip() or source
    if len(heading) < 4:
        raise InvalidInput("事项至少4个字。", code="invalid_input.text", details={"field": "title"})
    with transaction.atomic():
        last = record.drafts.order_by("-order").values_list("order", flat=True).first() or 0
        row = DraftTask.objects.create(
            record=record,
            order=last + 10,
            sentence=source[:4000],
            title=heading[:200],
            plan=plan,
            lead_unit=lead_unit,
            deadline=deadline,
            target=(target or "").strip()[:120],
        )
        row.co_units.set([u for u in co_units if lead_unit is None or u.pk != lead_unit.pk])
    return row


def update_draft(
    draft: DraftTask,
    *,
    actor: User,
    title: str,
    plan: Plan | None,
    lead_unit: Unit | None,
    co_units: Sequence[Unit] = (),
    deadline: date | None = None,
    target: str = "",
) -> DraftTask:
    _office(actor)
    _pending(draft)
    heading = (title or "").strip()
    if len(heading) < 4:
        raise InvalidInput("事项至少4个字。", code="invalid_input.text", details={"field": "title"})
    draft.title, draft.plan, draft.lead_unit = heading[:200], plan, lead_unit
    draft.deadline, draft.target = deadline, (target or "").strip()[:120]
    draft.save()
    draft.co_units.set([u for u in co_units if lead_unit is None or u.pk != lead_unit.pk])
    return draft


def discard_draft(draft: DraftTask, *, actor: User) -> DraftTask:
    _office(actor)
    _pending(draft)
    draft.status = DraftStatus.DISCARDED
    draft.save(update_fields=["status"])
    return draft


def restore_draft(draft: DraftTask, *, actor: User) -> DraftTask:
    _office(actor)
    if draft.status != DraftStatus.DISCARDED:
        raise Conflict("只有已舍弃的事项可以恢复。", code="supervision.draft_not_discarded")
    draft.status = DraftStatus.PENDING
    draft.save(update_fields=["status"])
    return draft


def merge_drafts(drafts: Sequence[DraftTask], *, actor: User) -> DraftTask:
    """Several drafts that are one commitment: the first keeps all their sentences and units."""
    _office(actor)
    if len(drafts) < 2:
        raise InvalidInput("请至少选择两项进行合并。", code="invalid_input.merge")
    if len({d.record_id for d in drafts}) != 1:
        raise InvalidInput("只能合并同一份纪要中的事项。", code="invalid_input.merge")
    for d in drafts:
        _pending(d)
    keep, *rest = sorted(drafts, key=lambda d: (d.order, d.pk))
    with transaction.atomic():
        keep.sentence = "\n".join([keep.sentence, *(d.sentence for d in rest)])[:4000]
        keep.deadline = keep.deadline or next((d.deadline for d in rest if d.deadline), None)
        keep.target = keep.target or next((d.target for d in rest if d.target), "")
        keep.plan = keep.plan or next((d.plan for d in rest if d.plan), None)
        keep.save()
        co = {u.pk: u for d in drafts for u in d.co_units.all()}
        co.update({d.lead_unit.pk: d.lead_unit for d in rest if d.lead_unit})
        keep.co_units.set([u for pk, u in co.items() if pk != keep.lead_unit_id])
        for d in rest:
            d.status = DraftStatus.MERGED
            d.save(update_fields=["status"])
    return keep


def split_draft(draft: DraftTask, *, actor: User, titles: Sequence[str]) -> list[DraftTask]:
    """One draft that is several commitments: one draft per title, each with the same sentence."""
    _office(actor)
    _pending(draft)
    parts = [t.strip() for t in titles if t.strip()]
    if len(parts) < 2 or any(len(t) < 4 for t in parts):
        raise InvalidInput(
            "拆分须给出至少两项事项，每项至少4个字。", code="invalid_input.split", details={"field": "titles"}
        )
    made = [draft]
    with transaction.atomic():
        draft.title = parts[0][:200]
        draft.save(update_fields=["title"])
        co = list(draft.co_units.all())
        for i, title in enumerate(parts[1:], start=1):
            row = DraftTask.objects.create(
                record=draft.record,
                order=draft.order + i,
                sentence=draft.sentence,
                title=title[:200],
                plan=draft.plan,
                lead_unit=draft.lead_unit,
                deadline=draft.deadline,
                target=draft.target,
            )
            row.co_units.set(co)
            made.append(row)
    return made


def confirm_draft(
    draft: DraftTask,
    *,
    actor: User,
    leader: User | None = None,
    major: bool = False,
    now: datetime | None = None,
) -> Task:
    """立项: the reviewed draft becomes a task (its sentence kept as the task's source text)."""
    _office(actor)
    with transaction.atomic():
        locked = (
            DraftTask.objects.select_for_update(of=("self",))
            .select_related("record", "plan", "lead_unit")
            .get(pk=draft.pk)
        )
        _pending(locked)
        indicators = list(locked.plan.indicators.all()) if locked.plan and locked.target else []
        task = create_task(
            actor=actor,
            title=locked.title,
            body=locked.title,
            source_kind=Source.MEETING,
            source_text=locked.sentence,
            plan=locked.plan,
            target_text=locked.target,
            lead_unit=locked.lead_unit,
            co_units=list(locked.co_units.all()),
            leader=leader or (locked.plan.leader if locked.plan else None),
            deadline=locked.deadline,
            major=major,
            indicators=indicators,
            record_id=locked.record_id,
            now=now,
        )
        locked.status, locked.task = DraftStatus.CONFIRMED, task
        locked.save(update_fields=["status", "task"])
    return task

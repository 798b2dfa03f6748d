"""The verbs of the guide review flow. Every write to a guide goes through here.

    draft ──submit──> submitted ──publish──> published ──archive──> archived
      ^                   │                      │
      └─────return────────┘                      └─edit─> revision draft (a new row, draft_of=…)
                                                          that follows the same flow; publishing
                                                          it replaces the published text in place

Editing a draft keeps it a draft; editing a submitted guide takes it back to draft (it must be
submitted again); editing an archived guide reopens it as a draft. Each verb checks permissions
(knowledge/permissions.py), runs in one transaction and appends a GuideRevision with a snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from knowledge.models import CONTENT_FIELDS, Audience, Guide, GuideRevision, GuideStatus, RevisionAction
from knowledge.permissions import can_edit, can_publish, can_write, is_reviewer
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed

if TYPE_CHECKING:
    from accounts.models import User
    from org.models import Unit

# (status, verb) → new status: the only place the flow is defined.
TRANSITIONS: dict[tuple[str, str], str] = {
    (GuideStatus.DRAFT, "submit"): GuideStatus.SUBMITTED,
    (GuideStatus.SUBMITTED, "publish"): GuideStatus.PUBLISHED,
    (GuideStatus.SUBMITTED, "return"): GuideStatus.DRAFT,
    (GuideStatus.PUBLISHED, "archive"): GuideStatus.ARCHIVED,
}

VERB_LABELS = {"submit": "提交审核", "publish": "发布", "return": "退回", "archive": "归档"}


def next_status(status: str, verb: str) -> str:
    try:
        return TRANSITIONS[(status, verb)]
    except KeyError:
        label = GuideStatus(status).label
        raise TransitionNotAllowed(
            f"指南当前为“{label}”，不能{VERB_LABELS.get(verb, verb)}。",
            code="knowledge.transition_not_allowed",
            details={"status": status, "action": verb},
        ) from None


def _log(guide: Guide, action: str, actor: User | None, note: str = "", source: Guide | None = None) -> None:
    GuideRevision.objects.create(
        guide=guide.root, action=action, actor=actor, note=note, content=(source or guide).content()
    )


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in CONTENT_FIELDS if name in data}
    for name in ("title", "body"):
        if name in values and not str(values[name] or "").strip():
            raise InvalidInput("标题和答复内容不能为空。", code="knowledge.required", details={"field": name})
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end < start:
        raise InvalidInput(
            "失效日期不能早于生效日期。", code="knowledge.bad_dates", details={"field": "valid_until"}
        )
    return values


def _check_unit(actor: User, unit: Unit) -> None:
    if not is_reviewer(actor) and unit.pk != actor.unit_id:
        raise NotPermitted("只能编写本单位的办事指南。", code="knowledge.not_your_unit")


# ---------------------------------------------------------------- writing


@transaction.atomic
def create_guide(*, actor: User, data: Mapping[str, Any], slug: str | None = None) -> Guide:
    if not can_write(actor):
        raise NotPermitted("您没有编写办事指南的权限。", code="knowledge.not_permitted")
    values = _clean(data)
    values.setdefault("unit", actor.unit)
    if values["unit"] is None:
        raise InvalidInput("请选择责任单位。", code="knowledge.required", details={"field": "unit"})
    _check_unit(actor, values["unit"])
    guide = Guide.objects.create(**values, slug=slug, status=GuideStatus.DRAFT, author=actor, editor=actor)
    if not slug:
        guide.slug = f"guide-{guide.pk}"
        guide.save(update_fields=["slug"])
    _log(guide, RevisionAction.CREATED, actor)
    return guide


@transaction.atomic
def edit_guide(guide: Guide, *, actor: User, data: Mapping[str, Any]) -> Guide:
    """Save an edit. Returns the row that holds it: the guide itself, or its revision draft when
    the guide is published (the published text stays live until the revision is approved)."""
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not can_edit(actor, guide):
        raise NotPermitted("只能修改本单位的办事指南。", code="knowledge.not_your_unit")
    values = _clean(data)
    if "unit" in values:
        _check_unit(actor, values["unit"])
    target = guide
    if guide.status == GuideStatus.PUBLISHED:
        target = guide.revision_drafts.first() or _new_revision_draft(guide, actor)
    for name, value in values.items():
        setattr(target, name, value)
    if target.status in (GuideStatus.SUBMITTED, GuideStatus.ARCHIVED):
        target.status = GuideStatus.DRAFT
    target.editor = actor
    target.save()
    _log(target, RevisionAction.EDITED, actor)
    return target


def _new_revision_draft(guide: Guide, actor: User) -> Guide:
    copy = {name: getattr(guide, name) for name in CONTENT_FIELDS}
    return Guide.objects.create(**copy, status=GuideStatus.DRAFT, draft_of=guide, author=actor, editor=actor)


# ---------------------------------------------------------------- the review flow


@transaction.atomic
def submit_guide(guide: Guide, *, actor: User, note: str = "") -> Guide:
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not can_edit(actor, guide):
        raise NotPermitted("只能提交本单位的办事指南。", code="knowledge.not_your_unit")
    guide.status = next_status(guide.status, "submit")
    guide.save(update_fields=["status", "updated_at"])
    _log(guide, RevisionAction.SUBMITTED, actor, note)
    return guide


@transaction.atomic
def publish_guide(guide: Guide, *, actor: User, note: str = "") -> Guide:
    """Approve a submitted guide. A revision draft's content replaces its published guide's text;
    the returned row is the published one."""
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以发布办事指南。", code="knowledge.not_reviewer")
    if not can_publish(actor, guide):
        raise NotPermitted("不能审核发布自己最后修改的版本，请由其他审核人审核。", code="knowledge.four_eyes")
    next_status(guide.status, "publish")
    now = timezone.now()
    target = guide
    if guide.draft_of_id is not None:
        target = Guide.objects.select_for_update().get(pk=guide.draft_of_id)
        for name in CONTENT_FIELDS:
            setattr(target, name, getattr(guide, name))
        target.editor = guide.editor
    target.status = GuideStatus.PUBLISHED
    target.reviewer, target.reviewed_at, target.review_note = actor, now, note
    target.save()
    _log(target, RevisionAction.PUBLISHED, actor, note)
    if target is not guide:
        guide.delete()  # its edits live on in the published row and in the revision log
    return target


@transaction.atomic
def return_guide(guide: Guide, *, actor: User, note: str) -> Guide:
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以退回办事指南。", code="knowledge.not_reviewer")
    if not note.strip():
        raise InvalidInput(
            "退回时请写明修改意见。", code="knowledge.note_required", details={"field": "note"}
        )
    guide.status = next_status(guide.status, "return")
    guide.reviewer, guide.reviewed_at, guide.review_note = actor, timezone.now(), note.strip()
    guide.save(update_fields=["status", "reviewer", "reviewed_at", "review_note", "updated_at"])
    _log(guide, RevisionAction.RETURNED, actor, note.strip())
    return guide


@transaction.atomic
def archive_guide(guide: Guide, *, actor: User, note: str = "") -> Guide:
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以归档办事指南。", code="knowledge.not_reviewer")
    guide.status = next_status(guide.status, "archive")
    guide.save(update_fields=["status", "updated_at"])
    guide.revision_drafts.all().delete()  # a pending edit of a withdrawn guide has no purpose
    _log(guide, RevisionAction.ARCHIVED, actor, note)
    return guide


# ---------------------------------------------------------------- import (seeding)


@transaction.atomic
def import_guide(*, slug: str, data: Mapping[str, Any], actor: User | None = None) -> tuple[Guide, bool]:
    """Create or refresh a published guide from trusted data (the demo seed), logged as 导入.
    An unchanged guide is left alone, so re-running the seed writes nothing."""
    values = _clean(data)
    values.setdefault("audience", Audience.PUBLIC)
    guide = Guide.objects.filter(slug=slug).first()
    if guide is None:
        guide = Guide.objects.create(**values, slug=slug, status=GuideStatus.PUBLISHED, author=actor)
        _log(guide, RevisionAction.IMPORTED, actor)
        return guide, True
    if all(getattr(guide, name) == value for name, value in values.items()):
        return guide, False
    for name, value in values.items():
        setattr(guide, name, value)
    guide.status = GuideStatus.PUBLISHED
    guide.save()
    _log(guide, RevisionAction.IMPORTED, actor)
    return guide, False

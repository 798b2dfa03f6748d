"""The verbs of the templates' review flow, and the record of their use. Every write goes here.

    draft ──submit──> submitted ──publish──> published ──retire──> retired
      ^                   │                      │
      └─────return────────┘                      └─edit─> revision draft (a new row, draft_of=…)
                                                          that follows the same flow; publishing
                                                          it replaces the published text in place

The pattern of knowledge/services.py: editing a submitted template takes it back to draft,
editing a retired one reopens it as a draft. Each verb checks permissions
(replytemplates/permissions.py), runs in one transaction and appends a TemplateRevision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from replytemplates import placeholders
from replytemplates.models import (
    CONTENT_FIELDS,
    ReplyTemplate,
    RevisionAction,
    SmsName,
    TemplateKind,
    TemplateRevision,
    TemplateStatus,
    TemplateUse,
)
from replytemplates.permissions import can_publish, can_write, is_reviewer

if TYPE_CHECKING:
    from accounts.models import User

# (status, verb) → new status: the only place the flow is defined.
TRANSITIONS: dict[tuple[str, str], str] = {
    (TemplateStatus.DRAFT, "submit"): TemplateStatus.SUBMITTED,
    (TemplateStatus.SUBMITTED, "publish"): TemplateStatus.PUBLISHED,
    (TemplateStatus.SUBMITTED, "return"): TemplateStatus.DRAFT,
    (TemplateStatus.PUBLISHED, "retire"): TemplateStatus.RETIRED,
}
VERB_LABELS = {"submit": "提交审核", "publish": "发布", "return": "退回", "retire": "停用"}


def next_status(status: str, verb: str) -> str:
    try:
        return TRANSITIONS[(status, verb)]
    except KeyError:
        raise TransitionNotAllowed(
            f"模板当前为“{TemplateStatus(status).label}”，不能{VERB_LABELS.get(verb, verb)}。",
            code="replytemplates.transition_not_allowed",
            details={"status": status, "action": verb},
        ) from None


def _log(template: ReplyTemplate, action: str, actor: User | None, note: str = "") -> None:
    TemplateRevision.objects.create(
        template=template.root, action=action, actor=actor, note=note, content=template.content()
    )


def clean_content(data: Mapping[str, Any], current: ReplyTemplate | None = None) -> dict[str, Any]:
    """The content as it will be saved: required fields present, the fields of the other kind
    cleared, placeholders checked against what this kind (and SMS) may use."""
    values = {name: data[name] for name in CONTENT_FIELDS if name in data}
    merged = {name: getattr(current, name) if current else None for name in CONTENT_FIELDS} | values
    title = " ".join(str(merged.get("title") or "").split())
    body = str(merged.get("body") or "").strip()
    if not title:
        raise InvalidInput("请填写标题。", code="replytemplates.required", details={"field": "title"})
    if not body:
        raise InvalidInput("请填写模板内容。", code="replytemplates.required", details={"field": "body"})
    kind = merged.get("kind") or TemplateKind.REPLY
    if kind not in TemplateKind.values:
        raise InvalidInput("模板用途不正确。", code="replytemplates.bad_kind", details={"field": "kind"})
    cleaned: dict[str, Any] = {"title": title, "body": body, "kind": kind}
    if kind == TemplateKind.SMS:
        name = merged.get("name") or ""
        if name not in SmsName.values:
            raise InvalidInput(
                "请选择这条模板替换哪一条短信。", code="replytemplates.required", details={"field": "name"}
            )
        cleaned |= {
            "name": name,
            "case_state": merged.get("case_state") or "",
            "category": None,
            "case_kind": "",
        }
    else:
        cleaned |= {
            "name": "",
            "case_state": "",
            "category": merged.get("category"),
            "case_kind": merged.get("case_kind") or "",
        }
    placeholders.check(body, placeholders.allowed_fields(kind, cleaned["name"]))
    return cleaned


def _locked(template: ReplyTemplate) -> ReplyTemplate:
    return ReplyTemplate.objects.select_for_update().get(pk=template.pk)


# ---------------------------------------------------------------- writing


@transaction.atomic
def create_template(*, actor: User, data: Mapping[str, Any]) -> ReplyTemplate:
    if not can_write(actor):
        raise NotPermitted("您没有编写答复模板的权限。", code="replytemplates.not_permitted")
    template = ReplyTemplate.objects.create(
        **clean_content(data), status=TemplateStatus.DRAFT, author=actor, editor=actor
    )
    _log(template, RevisionAction.CREATED, actor)
    return template


@transaction.atomic
def edit_template(template: ReplyTemplate, *, actor: User, data: Mapping[str, Any]) -> ReplyTemplate:
    """Save an edit. Returns the row that holds it: the template itself, or its revision draft
    when the template is published (the published text stays in use until the revision is)."""
    if not can_write(actor):
        raise NotPermitted("您没有修改答复模板的权限。", code="replytemplates.not_permitted")
    template = _locked(template)
    target = template
    if template.status == TemplateStatus.PUBLISHED:
        target = template.revision_drafts.first() or _new_revision_draft(template, actor)
    for name, value in clean_content(data, current=target).items():
        setattr(target, name, value)
    if target.status in (TemplateStatus.SUBMITTED, TemplateStatus.RETIRED):
        target.status = TemplateStatus.DRAFT
    target.editor = actor
    target.save()
    _log(target, RevisionAction.EDITED, actor)
    return target


def _new_revision_draft(template: ReplyTemplate, actor: User) -> ReplyTemplate:
    copy = {name: getattr(template, name) for name in CONTENT_FIELDS}
    return ReplyTemplate.objects.create(
        **copy, status=TemplateStatus.DRAFT, draft_of=template, author=actor, editor=actor
    )


# ---------------------------------------------------------------- the review flow


@transaction.atomic
def submit_template(template: ReplyTemplate, *, actor: User, note: str = "") -> ReplyTemplate:
    template = _locked(template)
    if not can_write(actor):
        raise NotPermitted("您没有提交答复模板的权限。", code="replytemplates.not_permitted")
    template.status = next_status(template.status, "submit")
    template.save(update_fields=["status", "updated_at"])
    _log(template, RevisionAction.SUBMITTED, actor, note)
    return template


@transaction.atomic
def publish_template(template: ReplyTemplate, *, actor: User, note: str = "") -> ReplyTemplate:
    """Approve a submitted template. A revision draft's content replaces its published
    template's text; the returned row is the published one."""
    template = _locked(template)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以发布答复模板。", code="replytemplates.not_reviewer")
    if not can_publish(actor, template):
        raise NotPermitted(
            "不能审核发布自己最后修改的版本，请由其他审核人审核。", code="replytemplates.four_eyes"
        )
    next_status(template.status, "publish")
    target = template if template.draft_of_id is None else _locked(template.root)
    if template.kind == TemplateKind.SMS:
        _one_live_sms(template, keep=target)
    if target is not template:
        for name in CONTENT_FIELDS:
            setattr(target, name, getattr(template, name))
        target.editor = template.editor
    target.status = TemplateStatus.PUBLISHED
    target.reviewer, target.reviewed_at, target.review_note = actor, timezone.now(), note
    target.save()
    _log(target, RevisionAction.PUBLISHED, actor, note)
    if target is not template:
        template.delete()  # its edits live on in the published row and in the revision log
    return target


def _one_live_sms(template: ReplyTemplate, *, keep: ReplyTemplate) -> None:
    clash = (
        ReplyTemplate.objects.published()
        .filter(kind=TemplateKind.SMS, name=template.name, case_state=template.case_state)
        .exclude(pk=keep.pk)
        .first()
    )
    if clash is not None:
        state = f"（{template.case_state_label}）" if template.case_state else ""
        raise Conflict(
            f"“{template.get_name_display()}”{state}已有发布中的短信模板“{clash.title}”，请先停用它再发布这一条。",
            code="replytemplates.sms_taken",
            details={"other": clash.pk},
        )


@transaction.atomic
def return_template(template: ReplyTemplate, *, actor: User, note: str) -> ReplyTemplate:
    template = _locked(template)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以退回答复模板。", code="replytemplates.not_reviewer")
    if not note.strip():
        raise InvalidInput(
            "退回时请写明修改意见。", code="replytemplates.note_required", details={"field": "note"}
        )
    template.status = next_status(template.status, "return")
    template.reviewer, template.reviewed_at, template.review_note = actor, timezone.now(), note.strip()
    template.save(update_fields=["status", "reviewer", "reviewed_at", "review_note", "updated_at"])
    _log(template, RevisionAction.RETURNED, actor, note.strip())
    return template


@transaction.atomic
def retire_template(template: ReplyTemplate, *, actor: User, note: str = "") -> ReplyTemplate:
    template = _locked(template)
    if not is_reviewer(actor):
        raise NotPermitted("只有审核人可以停用答复模板。", code="replytemplates.not_reviewer")
    template.status = next_status(template.status, "retire")
    template.save(update_fields=["status", "updated_at"])
    template.revision_drafts.all().delete()  # a pending edit of a withdrawn template has no purpose
    _log(template, RevisionAction.RETIRED, actor, note)
    return template


# ---------------------------------------------------------------- import (the demo seed)


@transaction.atomic
def import_template(*, data: Mapping[str, Any], actor: User | None = None) -> tuple[ReplyTemplate, bool]:
    """Create or refresh a published template from trusted data, keyed by its title and kind;
    logged as 导入. An unchanged template is left alone, so re-running the seed writes nothing."""
    values = clean_content(data)
    template = ReplyTemplate.objects.roots().filter(title=values["title"], kind=values["kind"]).first()
    if template is None:
        template = ReplyTemplate.objects.create(**values, status=TemplateStatus.PUBLISHED, author=actor)
        _log(template, RevisionAction.IMPORTED, actor)
        return template, True
    if template.status == TemplateStatus.PUBLISHED and all(
        getattr(template, name) == value for name, value in values.items()
    ):
        return template, False
    for name, value in values.items():
        setattr(template, name, value)
    template.status = TemplateStatus.PUBLISHED
    template.save()
    _log(template, RevisionAction.IMPORTED, actor)
    return template, False


# ---------------------------------------------------------------- use (the loop's hook)


def record_use(*, case_id: int, reply_id: int, template_id: int | None, **_: Any) -> TemplateUse | None:
    """Subscriber of cases.hooks.case_reply_submitted: count a reply drafted from a template.

    The id comes from a hidden form field, so it is checked: only a reply template that was
    ever in use (published, or retired since the form was opened) counts, and a reply counts once.
    """
    if template_id is None:
        return None
    from cases.models import Reply

    template = (
        ReplyTemplate.objects.roots()
        .filter(
            pk=template_id,
            kind=TemplateKind.REPLY,
            status__in=[TemplateStatus.PUBLISHED, TemplateStatus.RETIRED],
        )
        .first()
    )
    reply = Reply.objects.filter(pk=reply_id, case_id=case_id).first()
    if template is None or reply is None:
        return None
    use, _created = TemplateUse.objects.get_or_create(
        reply=reply, defaults={"template": template, "case_id": case_id, "at": reply.submitted_at}
    )
    return use

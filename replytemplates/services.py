"""The verbs of the templates' review flow, and the record of their use. Every write goes here.

The flow is the loop core's reviewed content (loop/review.py), as for the guides: draft →
submitted → published → retired, an edit of a published template being a revision draft that
replaces the live text once published. `TEMPLATES` runs it — each verb one transaction that locks
the template, asks the guards (replytemplates/permissions.py) and appends one TemplateRevision.
What is a template's own is here: its content (the fields of the other kind cleared, the
placeholders checked) and, at publishing, one live wording per SMS and case state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from loop.review import Review
from mochou.errors import Conflict, InvalidInput
from replytemplates import placeholders
from replytemplates.models import (
    CONTENT_FIELDS,
    ReplyTemplate,
    SmsName,
    TemplateKind,
    TemplateRevision,
    TemplateStatus,
    TemplateUse,
)
from replytemplates.permissions import GUARDS

if TYPE_CHECKING:
    from accounts.models import User


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


def _one_live_sms(template: ReplyTemplate, keep: ReplyTemplate) -> None:
    """Publishing an SMS wording: no other may be live for the same SMS and case state."""
    if template.kind != TemplateKind.SMS:
        return
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


TEMPLATES: Review[ReplyTemplate, TemplateStatus] = Review(
    model=ReplyTemplate,
    log=TemplateRevision,
    item_field="template",
    guards=GUARDS,
    before_publish=_one_live_sms,
)


# ---------------------------------------------------------------- writing


def create_template(*, actor: User, data: Mapping[str, Any]) -> ReplyTemplate:
    return TEMPLATES.create(actor=actor, values=clean_content(data))


def edit_template(template: ReplyTemplate, *, actor: User, data: Mapping[str, Any]) -> ReplyTemplate:
    """Save an edit. Returns the row that holds it: the template itself, or its revision draft
    when the template is published (the published text stays in use until the revision is)."""
    return TEMPLATES.edit(template, actor=actor, values=lambda target: clean_content(data, current=target))


# ---------------------------------------------------------------- the review flow (loop/review.py)

submit_template = TEMPLATES.submit
publish_template = TEMPLATES.publish  # a revision draft's content replaces the published template's text
return_template = TEMPLATES.send_back  # with the reviewer's note, which is required
retire_template = TEMPLATES.withdraw


# ---------------------------------------------------------------- import (the demo seed)


@transaction.atomic
def import_template(*, data: Mapping[str, Any], actor: User | None = None) -> tuple[ReplyTemplate, bool]:
    """Create or refresh a published template from trusted data, keyed by its title and kind;
    logged as 导入. An unchanged template is left alone, so re-running the seed writes nothing."""
    values = clean_content(data)
    template = ReplyTemplate.objects.roots().filter(title=values["title"], kind=values["kind"]).first()
    if (
        template is not None
        and template.status == TemplateStatus.PUBLISHED
        and TEMPLATES.holds(template, values)
    ):
        return template, False
    return TEMPLATES.import_(template, actor=actor, values=values)


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

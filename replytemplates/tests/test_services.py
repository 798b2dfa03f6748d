"""The review flow, as for the guides: draft → in review → published → retired; an edit of a
published template is a revision draft that replaces the text in place once published."""

from __future__ import annotations

import pytest

from accounts.audit.models import AuditRecord
from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from replytemplates import services
from replytemplates.models import ReplyTemplate, RevisionAction, TemplateKind, TemplateStatus

from .conftest import published

DATA = {"title": "已修复", "kind": TemplateKind.REPLY, "body": "{称呼}：已修复。"}


def test_the_review_flow_with_its_log(city, dispatcher, supervisor) -> None:
    template = services.create_template(actor=dispatcher, data=DATA)
    assert template.status == TemplateStatus.DRAFT
    services.submit_template(template, actor=dispatcher)
    services.return_template(template, actor=supervisor, note="请写明修复时间")
    template = services.edit_template(
        template, actor=dispatcher, data={**DATA, "body": "{称呼}：已于{今天}修复。"}
    )
    services.submit_template(template, actor=dispatcher)
    template = services.publish_template(template, actor=supervisor, note="可以")
    assert template.status == TemplateStatus.PUBLISHED
    services.retire_template(template, actor=supervisor)
    steps = list(template.revisions.values_list("action", flat=True))
    assert steps == ["created", "submitted", "returned", "edited", "submitted", "published", "retired"]
    # Every step is in the one audit log too, with who, why and the content as it stood.
    audited = AuditRecord.objects.filter(
        target_type="replytemplates.replytemplate", target_id=str(template.pk)
    )
    assert list(audited.order_by("at", "pk").values_list("action", flat=True)) == [
        f"content.{s}" for s in steps
    ]
    returned = audited.get(action="content.returned")
    assert (returned.actor, returned.reason) == (supervisor, "请写明修复时间")
    assert audited.get(action="content.published").new["body"] == "{称呼}：已于{今天}修复。"


def test_who_may_do_what(city, dispatcher, supervisor, clerk) -> None:
    with pytest.raises(NotPermitted):
        services.create_template(actor=clerk, data=DATA)
    with pytest.raises(NotPermitted):
        services.create_template(actor=supervisor, data=DATA)  # reviewers review, writers write
    template = services.create_template(actor=dispatcher, data=DATA)
    services.submit_template(template, actor=dispatcher)
    with pytest.raises(NotPermitted):
        services.publish_template(template, actor=dispatcher)
    with pytest.raises(InvalidInput):
        services.return_template(template, actor=supervisor, note=" ")
    with pytest.raises(TransitionNotAllowed):
        services.retire_template(template, actor=supervisor)


def test_four_eyes_except_for_an_admin(city) -> None:
    admin = city.users["admin"]
    template = services.create_template(actor=admin, data=DATA)
    services.submit_template(template, actor=admin)
    assert services.publish_template(template, actor=admin).status == TemplateStatus.PUBLISHED


def test_editing_a_published_template_is_a_revision_draft(city, dispatcher, supervisor) -> None:
    live = published(city, title="已修复", body="{称呼}：已修复。")
    draft = services.edit_template(live, actor=dispatcher, data={**DATA, "body": "{称呼}：已于{今天}修复。"})
    assert draft.pk != live.pk
    assert draft.draft_of_id == live.pk
    live.refresh_from_db()
    assert live.body == "{称呼}：已修复。"  # still what clerks are offered
    services.submit_template(draft, actor=dispatcher)
    result = services.publish_template(draft, actor=supervisor)
    assert result.pk == live.pk
    assert result.body == "{称呼}：已于{今天}修复。"
    assert not ReplyTemplate.objects.filter(pk=draft.pk).exists()
    assert list(live.revisions.values_list("action", flat=True))[-3:] == [
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
        RevisionAction.PUBLISHED,
    ]


def test_one_published_wording_per_sms_and_state(city, dispatcher, supervisor) -> None:
    sms = {"kind": TemplateKind.SMS, "name": "case_received", "body": "已受理，编号{受理编号}"}
    published(city, title="受理短信", **sms)
    second = services.create_template(actor=dispatcher, data={**sms, "title": "另一条"})
    services.submit_template(second, actor=dispatcher)
    with pytest.raises(Conflict, match="已有发布中的短信模板"):
        services.publish_template(second, actor=supervisor)


def test_the_fields_of_the_other_kind_are_cleared(city, dispatcher) -> None:
    template = services.create_template(
        actor=dispatcher,
        data={"title": "短信", "kind": TemplateKind.SMS, "name": "case_replied", "category": city.category,
              "body": "{受理编号}已答复，请{评价提示}：{查看链接}"},
    )  # fmt: skip
    assert template.category is None
    assert template.name == "case_replied"

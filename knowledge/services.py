"""The verbs of the guide review flow. Every write to a guide goes through here.

The flow is the loop core's reviewed content (loop/review.py): draft → submitted → published →
archived, an edit of a published guide being a revision draft that replaces the live text once
published. `GUIDES` runs it — each verb one transaction that locks the guide, asks the guards
(knowledge/permissions.py) and appends one GuideRevision with a snapshot. What is a guide's own
is here: its content checks (title, body, validity dates), that unit staff write only for their
own unit, and the slug a new guide gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from knowledge.models import CONTENT_FIELDS, Audience, Guide, GuideRevision, GuideStatus
from knowledge.permissions import GUARDS, can_write, is_own_unit
from loop.review import Review
from mochou.errors import InvalidInput, NotPermitted

if TYPE_CHECKING:
    from accounts.models import User

GUIDES: Review[Guide, GuideStatus] = Review(model=Guide, log=GuideRevision, item_field="guide", guards=GUARDS)


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


def _check_unit(actor: User, values: Mapping[str, Any]) -> None:
    if "unit" in values and not is_own_unit(actor, values["unit"].pk):
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
    _check_unit(actor, values)
    guide = GUIDES.create(actor=actor, values=values, slug=slug)
    if not slug:
        guide.slug = f"guide-{guide.pk}"
        guide.save(update_fields=["slug"])
    return guide


def edit_guide(guide: Guide, *, actor: User, data: Mapping[str, Any]) -> Guide:
    """Save an edit. Returns the row that holds it: the guide itself, or its revision draft when
    the guide is published (the published text stays live until the revision is approved)."""

    def values(target: Guide) -> dict[str, Any]:
        cleaned = _clean(data)
        _check_unit(actor, cleaned)
        return cleaned

    return GUIDES.edit(guide, actor=actor, values=values)


# ---------------------------------------------------------------- the review flow (loop/review.py)

submit_guide = GUIDES.submit
publish_guide = GUIDES.publish  # a revision draft's content replaces the published guide's text
return_guide = GUIDES.send_back  # with the reviewer's note, which is required
archive_guide = GUIDES.withdraw


# ---------------------------------------------------------------- import (seeding)


@transaction.atomic
def import_guide(*, slug: str, data: Mapping[str, Any], actor: User | None = None) -> tuple[Guide, bool]:
    """Create or refresh a published guide from trusted data (the demo seed), logged as 导入.
    An unchanged guide is left alone, so re-running the seed writes nothing."""
    values = _clean(data)
    values.setdefault("audience", Audience.PUBLIC)
    guide = Guide.objects.filter(slug=slug).first()
    if guide is not None and GUIDES.holds(guide, values):
        return guide, False
    return GUIDES.import_(guide, actor=actor, values=values, slug=slug)

"""For the staff case page: the photos a citizen attached (one query, nothing when there are none)."""

from __future__ import annotations

from django import template

from cases.models import Case
from portal.models import Attachment

register = template.Library()


@register.simple_tag
def case_attachments(case: Case | None) -> list[Attachment]:
    if case is None or not getattr(case, "pk", None):
        return []
    return list(Attachment.objects.filter(case_id=case.pk).order_by("pk"))

"""Legal documents (责令停止建设通知书, 限期拆除决定书, 强制拆除公告, 强制执行决定书), written from templates
(templates/enforcement/documents/<kind>.txt) when the verb that needs them runs, and kept as
issued: a document is what was served, so a later edit of the template changes no issued text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from enforcement.models import AppealKind, Document, Violation
from enforcement.workflow import Action

PREFIX = {
    Document.Kind.STOP: "停",
    Document.Kind.DEMOLISH: "拆",
    Document.Kind.ANNOUNCE: "告",
    Document.Kind.ENFORCE: "强",
}


@dataclass
class AppealRecord:
    """The 复议/诉讼 recorded on a violation, as its documents state it: filed when, which, and
    the ruling (a violation still in 限期自拆 after an appeal had it upheld)."""

    kind: str  # 申请行政复议 / 提起行政诉讼, as the sentence says it
    filed_at: datetime
    filing: str
    ruled_at: datetime | None
    ruling: str


def appeal_record(violation: Violation) -> AppealRecord | None:
    """The last appeal on the log and its ruling, or None when none was recorded."""
    events = list(violation.events.filter(action__in=[Action.APPEAL, Action.UPHOLD]).order_by("seq"))
    filed = next((e for e in reversed(events) if e.action == Action.APPEAL), None)
    if filed is None:
        return None
    ruled = next((e for e in events if e.action == Action.UPHOLD and e.seq > filed.seq), None)
    lawsuit = (filed.payload or {}).get("kind") == AppealKind.LAWSUIT
    return AppealRecord(
        kind="提起行政诉讼" if lawsuit else "申请行政复议",
        filed_at=timezone.localtime(filed.created_at),
        filing=filed.note,
        ruled_at=timezone.localtime(ruled.created_at) if ruled else None,
        ruling=ruled.note if ruled else "",
    )


def issue(violation: Violation, kind: str, *, actor: Any, now: datetime, **extra: Any) -> Document:
    local = timezone.localtime(now)
    document = Document.objects.create(
        violation=violation,
        kind=kind,
        number=f"new-{uuid.uuid4().hex[:16]}",
        body="",
        issued_by=actor,
        issued_at=now,
    )
    number = f"钟控违{PREFIX[Document.Kind(kind)]}〔{local.year}〕{document.pk}号"
    body = render_to_string(
        f"enforcement/documents/{kind}.txt",
        {"v": violation, "number": number, "issued": local, "issuer": violation.township.name, **extra},
    )
    Document.objects.filter(pk=document.pk).update(number=number, body=body.strip())
    document.number, document.body = number, body.strip()
    return document

"""Legal documents (责令停止建设通知书, 限期拆除决定书, 强制执行决定书), written from templates
(templates/enforcement/documents/<kind>.txt) when the verb that needs them runs, and kept as
issued: a document is what was served, so a later edit of the template changes no issued text."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from enforcement.models import Document, Violation

PREFIX = {Document.Kind.STOP: "停", Document.Kind.DEMOLISH: "拆", Document.Kind.ENFORCE: "强"}


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

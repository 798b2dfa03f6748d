"""Intake at the console: the two ways a call ends in a case, each one transaction.

Both go through cases.services (register_case, then answer_at_intake for 直接办结), link the call
to the case and take the call off the agent's screen pop. Everything happens in one transaction,
so a 直接办结 that fails halfway (the answer refused) leaves no case behind; the case's after-commit
work (triage, the acknowledgement SMS) runs only once the whole intake is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.models import Case, Channel, Urgency
from console import kb
from console.calls import wrap_up
from console.models import Call, IntakeAnswer
from mochou.errors import InvalidInput


def intake(
    *,
    actor: User,
    path: str,
    kind: str,
    content: str,
    citizen_name: str = "",
    citizen_phone: str = "",
    township: Any = None,
    address: str = "",
    title: str = "",
    urgent: bool = False,
    answer: str = "",
    guide: int | None = None,
    call: Call | None = None,
    now: datetime | None = None,
) -> Case:
    """Register the caller's request; with path "answer", answer it at once (直接办结)."""
    now = now or timezone.now()
    guide_title = ""
    # Whether this request may be answered at once (a consultation, an agent) is the loop's guard
    # of answer_at_intake: refused there, the whole intake below rolls back.
    if path == "answer" and guide is not None:
        found = kb.guide_title(guide)
        if found is None:
            raise InvalidInput(
                "所选莫愁指南已不存在或已停用，请重新查找。",
                code="invalid_input.guide",
                details={"field": "guide"},
            )
        guide_title = found
    with transaction.atomic():
        case = services.register_case(
            actor=actor,
            channel=Channel.HOTLINE,
            kind=kind,
            content=content,
            title=title,
            citizen_name=citizen_name,
            citizen_phone=citizen_phone,
            address=address,
            township=township,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            now=now,
        )
        if path == "answer":
            case = services.answer_at_intake(case, actor=actor, answer=answer, now=now)
            IntakeAnswer.objects.create(
                case=case,
                call=call,
                guide_id=guide,
                guide_title=guide_title,
                answered_by=actor,
                created_at=now,
            )
        if call is not None:
            wrap_up(call, case=case, now=now)
    return case

"""12345 and 一网通办: a complaint about an application becomes a 12345 case linked to it; a
consultation about a matter is a 12345 case answered from the matter's 莫愁指南 guide.

Through the case loop's own services (cases.services): affairs imports cases, never the reverse.
The link (`CaseLink`) is kept here and shown on the case page through cases.hooks.application_panel.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from affairs.models import Application, CaseLink, LinkKind, Matter
from cases.models import Case, Channel, Kind
from cases.services.common import channel_user
from cases.services.intake import answer_at_intake, register_case
from mochou.errors import InvalidInput, NotPermitted

MIN_TEXT = 5


def complain(
    app: Application, *, text: str, token: str = "", actor: Any = None, now: datetime | None = None
) -> Case:
    """The applicant's complaint about an application (with its tracking code, or taken by a
    staff member on their word): a 12345 投诉 case, linked to the application."""
    if actor is None and not secrets.compare_digest(token, app.token):
        raise NotPermitted("查询码不正确。", code="affairs.token")
    body = text.strip()
    if len(body) < MIN_TEXT:
        raise InvalidInput("请写明投诉的具体内容（至少5个字）。", code="affairs.complaint_text")
    when = now or timezone.now()
    person = app.applicant
    content = (
        f"关于政务服务办件 {app.number}（{app.matter.name}，{app.department.display_name}）的投诉：{body}"
    )
    with transaction.atomic():
        case = register_case(
            actor=actor or channel_user(Channel.WEB),
            channel=Channel.WEB if actor is None else Channel.WINDOW,
            kind=Kind.COMPLAINT, content=content[:2000], title=f"办件投诉：{app.matter.name}"[:120],
            citizen_name=person.name[:40], citizen_phone=person.phone, now=when,
        )  # fmt: skip
        CaseLink.objects.create(
            case=case, kind=LinkKind.COMPLAINT, application=app, matter=app.matter, created_at=when
        )
    return case


def guide_answer(matter: Matter) -> str:
    """The answer a consultation gets: the matter's guide (one text, in the knowledge base), else
    the catalogue's own facts of the matter."""
    guide = matter.guide
    lines = [f"您咨询的“{matter.name}”由{matter.department.display_name}办理。"]
    if guide is not None and guide.status == "published" and guide.audience == "public":
        # The guide's own answer (the knowledge base's text), not a copy kept here.
        lines.append(f"【莫愁指南·{guide.title}】{guide.body.strip()}")
        if guide.phone:
            lines.append(f"咨询电话：{guide.phone}。")
    lines.append(f"承诺时限 {matter.promised_days} 个工作日；收费：{matter.fee or '不收费'}。")
    if matter.materials:
        lines.append("所需材料：" + "、".join(m["name"] for m in matter.materials) + "。")
    if matter.location:
        lines.append(f"办理地点：{matter.location}。")
    return "".join(lines)[:2000]


def consult(
    matter: Matter, *, question: str, name: str = "", phone: str = "", now: datetime | None = None
) -> Case:
    """A consultation about a matter (from its page): a 12345 咨询 case answered at once from its
    guide (直接办结, so it is called back as any answered consultation is)."""
    body = question.strip()
    if len(body) < MIN_TEXT:
        raise InvalidInput("请写明您想咨询的问题（至少5个字）。", code="affairs.consult_text")
    when = now or timezone.now()
    door = channel_user(Channel.WEB)
    with transaction.atomic():
        case = register_case(
            actor=door, channel=Channel.WEB, kind=Kind.CONSULT,
            content=f"咨询“{matter.name}”：{body}"[:2000],
            title=f"事项咨询：{matter.name}"[:120], citizen_name=name.strip()[:40], citizen_phone=phone,
            now=when,
        )  # fmt: skip
        CaseLink.objects.create(case=case, kind=LinkKind.CONSULTATION, matter=matter, created_at=when)
        case = answer_at_intake(case, actor=door, answer=guide_answer(matter), now=when)
    return case

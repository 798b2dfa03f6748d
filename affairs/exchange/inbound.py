"""What a partner region tells us, applied once per message (the receipt).

- `forward`: an application received at the partner's window for a matter we handle: it becomes
  our application (channel 异地代收, `origin` the partner), 待预审 at our window, once per the
  partner's number however often it is sent.
- `progress`: a step of an application we forwarded to the partner (受理, 审批, 办结).
- `delivered`: the partner handed over the result of an application it forwarded to us.

A message id seen before gets the first answer back and changes nothing (a resend after a lost
answer, or a replay within the signature's time window).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from affairs.models import Application, ExchangeReceipt, Matter, Partner
from affairs.services import applications as services
from affairs.services.applications import ApplicantData
from affairs.workflow import Channel
from mochou.errors import InvalidInput, NotFound


def once(partner: Partner, message_id: str, apply: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Apply a message and keep its answer, in one transaction; a seen id gets the kept answer."""
    seen = ExchangeReceipt.objects.filter(partner=partner, message_id=message_id).first()
    if seen is not None:
        return dict(seen.response)
    try:
        with transaction.atomic():
            answer = apply()
            ExchangeReceipt.objects.create(
                partner=partner, message_id=message_id, received_at=timezone.now(), response=answer
            )
    except IntegrityError:
        # The same message twice at once: the other one won; its answer is ours.
        kept = ExchangeReceipt.objects.filter(partner=partner, message_id=message_id).first()
        if kept is None:
            raise
        return dict(kept.response)
    return answer


def _answer(app: Application) -> dict[str, Any]:
    return {"number": app.number, "state": app.state, "state_label": app.get_state_display()}


def receive_application(partner: Partner, body: dict[str, Any]) -> dict[str, Any]:
    remote = str(body.get("number", ""))[:24]
    if not remote:
        raise InvalidInput("缺少收件地办件编号。", code="affairs.exchange.number")
    known = Application.objects.filter(origin=partner, remote_number=remote).first()
    if known is not None:  # the same application forwarded again under a new message id
        return _answer(known)
    matter = Matter.objects.live().filter(code=str(body.get("matter", ""))).first()
    if matter is None or not partner.takes(matter.code):
        raise NotFound("本地没有该通办事项。", code="affairs.exchange.matter")
    a = body.get("applicant") or {}
    person = ApplicantData(
        str(a.get("name", "")), str(a.get("id_number", "")), str(a.get("phone", "")),
        str(a.get("address", "")), bool(a.get("is_enterprise", False)),
    )  # fmt: skip
    provided = [str(m.get("name", "")) for m in body.get("materials") or [] if m.get("provided")]
    # The answers as the origin checked them against its copy of the matter: what our copy knows is
    # checked again; a field it lacks is left for our window's 一次性告知, not a refusal here.
    answers = body.get("answers") or {}
    if not isinstance(answers, dict):
        raise InvalidInput("申请表内容应为对象。", code="affairs.answer_invalid")
    app = services.submit(
        matter, person, provided=provided, channel=Channel.PARTNER, origin=partner, remote_number=remote,
        answers=answers,
        note=f"{partner.name}异地代收（{remote}）。{str(body.get('note', ''))[:1800]}",
    )  # fmt: skip
    return _answer(app)


def _ours(body: dict[str, Any], field: str, **where: Any) -> Application:
    number = str(body.get(field, ""))
    app = Application.objects.filter(number=number, **where).first() if number else None
    if app is None:
        raise NotFound("没有该跨域通办办件。", code="affairs.exchange.unknown")
    return app


def receive_progress(partner: Partner, body: dict[str, Any]) -> dict[str, Any]:
    # The handling region names our application by our number (`remote_number` on its side).
    app = _ours(body, "remote_number", partner=partner)
    app = services.record_remote(
        app, action=str(body.get("action", "")), label=str(body.get("label", ""))[:200],
        note=str(body.get("note", "")), licence_number=str(body.get("licence_number", "")),
        remote_number=str(body.get("number", "")),
    )  # fmt: skip
    return _answer(app)


def receive_delivered(partner: Partner, body: dict[str, Any]) -> dict[str, Any]:
    app = _ours(body, "remote_number", origin=partner)
    app = services.delivered_at_origin(app, delivery=str(body.get("delivery", ""))[:10])
    return _answer(app)

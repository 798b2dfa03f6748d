"""Intake: a request comes into being (登记), is triaged, or is answered on the call (直接办结)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import User
from accounts.phones import normalize_phone
from cases import hooks
from cases.models import Case, CaseEvent, Category, Channel, Kind, LimitVersion, Reply, Urgency
from cases.services.common import CASES, next_number, now_or, tell_citizen, text
from cases.workflow import Action
from mochou.errors import InvalidInput, TransitionNotAllowed
from org.models import Unit


def _check_intake_choices(channel: str, kind: str, urgency: str, township: Unit | None) -> None:
    if channel not in Channel.values:
        raise InvalidInput(
            f"未知的受理渠道：{channel}", code="invalid_input.channel", details={"field": "channel"}
        )
    if kind not in Kind.values:
        raise InvalidInput(f"未知的诉求类型：{kind}", code="invalid_input.kind", details={"field": "kind"})
    if urgency not in Urgency.values:
        raise InvalidInput(
            f"未知的紧急程度：{urgency}", code="invalid_input.urgency", details={"field": "urgency"}
        )
    if township is not None and township.kind != "township":
        raise InvalidInput("所属乡镇不正确。", code="invalid_input.township", details={"field": "township"})


def register_case(
    *,
    actor: User,
    channel: str,
    kind: str,
    content: str,
    title: str = "",
    citizen_name: str = "",
    citizen_phone: str = "",
    address: str = "",
    township: Unit | None = None,
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    now: datetime | None = None,
) -> Case:
    """Register a request from any channel. The one way a case comes into being."""
    CASES.guards.check_actor(actor, Action.REGISTER)
    _check_intake_choices(channel, kind, urgency, township)
    body = text(content, "诉求内容", min_len=5)
    heading = text(title, "标题", required=False, max_len=120) or body.replace("\n", " ")[:30]
    values: dict[str, Any] = {
        "channel": channel,
        "kind": kind,
        "title": heading,
        "content": body,
        "citizen_name": text(citizen_name, "诉求人姓名", required=False, max_len=40),
        "citizen_phone": normalize_phone(citizen_phone),
        "address": text(address, "地址", required=False, max_len=200),
        "township": township,
        "category": category,
        "urgency": urgency,
        "registered_by": actor,
    }
    when = now_or(now)
    values["limit_version"] = LimitVersion.in_force(when)
    with CASES.start(Action.REGISTER, actor, now=when) as step:
        case = CASES.create(step, number=next_number(step.now), created_at=step.now, **values)
        step.record(payload={"channel": channel})
        # Triage and whatever else builds on intake subscribe; the receipt SMS is stored with the
        # case, so a crash after commit cannot lose it.
        hooks.case_registered.send_after_commit(case_id=case.pk)
        tell_citizen(case, "case_received")
    return case


def record_triage(
    case: Case, *, payload: dict[str, Any], note: str = "", urgent: bool = False, now: datetime | None = None
) -> CaseEvent | None:
    """The system's triage of a new case: one event; an urgent finding marks the case urgent.

    Returns None when the case has moved on meanwhile (a dispatcher was faster): triage is advice,
    never a reason to fail.
    """
    try:
        with CASES.verb(case, Action.TRIAGE, None, now=now_or(now), guard=False) as step:
            fields = []
            if urgent and step.item.urgency != Urgency.URGENT:
                step.item.urgency = Urgency.URGENT
                fields.append("urgency")
            event = step.record(note=note, payload=payload, fields=fields)
    except TransitionNotAllowed:  # only a registered case is triaged: it was dispatched meanwhile
        return None
    return event  # type: ignore[return-value]  # the case loop's event model is CaseEvent


def answer_at_intake(case: Case, *, actor: User, answer: str, now: datetime | None = None) -> Case:
    """直接办结: a consultation answered on the call; it still gets a callback before closing."""
    with CASES.verb(case, Action.ANSWER_AT_INTAKE, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        body = text(answer, "答复内容", min_len=5)
        Reply.objects.create(
            case=case, unit=actor.unit, author=actor, body=body, status=Reply.Status.APPROVED,
            submitted_at=now, reviewer=actor, approved_at=now,
        )  # fmt: skip
        case.replied_at = now
        step.record(note=body, fields=["replied_at"])
    return case

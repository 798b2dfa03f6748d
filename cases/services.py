"""The verbs of the case loop. Views, the API and tasks call these; nothing else writes a case's state.

Each verb, in one transaction: lock the case, check the actor's role and unit, ask the state
machine, check the input, write the change and exactly one CaseEvent, and schedule notices
after commit. Errors are DomainError subclasses: 403 role/unit, 409 state, 422 input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from cases.models import (
    Assignment,
    Callback,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Channel,
    Extension,
    Kind,
    Reply,
    Satisfaction,
    SupervisionNotice,
    Urgency,
)
from cases.workflow import Action, State, next_state
from mochou.errors import Conflict, InvalidInput, NotPermitted
from notifications.services import notify_role, notify_unit, queue_sms
from org.models import Unit
from worktime.calendar import add_working_days, add_working_hours

INTAKE_ROLES = (Role.AGENT, Role.DISPATCHER, Role.ADMIN)
DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)
CALLBACK_ROLES = (Role.AGENT, Role.DISPATCHER, Role.ADMIN)
UNIT_HANDLER_ROLES = (Role.CLERK, Role.UNIT_LEADER)
SUPERVISE_ROLES = (Role.SUPERVISOR, Role.ADMIN)
REGISTER_ROLES = (*INTAKE_ROLES, Role.SUPERVISOR)
ANSWER_AT_INTAKE_ROLES = (Role.AGENT, Role.ADMIN)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
MAX_TEXT = 5000


# ---------------------------------------------------------------- helpers


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require_role(actor: User, roles: Iterable[str], what: str) -> None:
    if not actor.is_active or actor.role not in set(roles):
        names = "、".join(Role(r).label for r in roles)
        raise NotPermitted(f"只有{names}可以{what}。", code="permission_denied.role")


def _require_lead_unit(actor: User, case: Case, what: str) -> None:
    _require_role(actor, UNIT_HANDLER_ROLES, what)
    if case.lead_unit_id is None or actor.unit_id != case.lead_unit_id:
        raise NotPermitted(f"只有该工单的主办单位可以{what}。", code="permission_denied.unit")


# The input field (as the API and the forms name it) behind each Chinese label in errors.
FIELD_OF_LABEL = {
    "诉求内容": "content", "标题": "title", "诉求人姓名": "citizen_name", "地址": "address",
    "答复内容": "body", "派单意见": "note", "退单理由": "reason", "延期理由": "reason",
    "审批意见": "note", "协办意见": "body", "办理结果": "result", "审核意见": "note",
    "退回意见": "note", "回访意见": "comment", "结案说明": "note", "重办理由": "reason",
    "合并说明": "note", "转办去向": "target", "转办说明": "note", "督办要求": "body",
}  # fmt: skip


def _text(
    value: str | None, label: str, *, required: bool = True, min_len: int = 1, max_len: int = MAX_TEXT
) -> str:
    """Strip and check a text input; errors name the field (for clients) and its label (for people)."""
    text = (value or "").strip()
    details = {"field": FIELD_OF_LABEL.get(label, label), "label": label}
    if required and len(text) < min_len:
        if text:
            raise InvalidInput(
                f"{label}至少需要{min_len}个字。", code="invalid_input.too_short", details=details
            )
        raise InvalidInput(f"请填写{label}。", code="invalid_input.required", details=details)
    if len(text) > max_len:
        raise InvalidInput(
            f"{label}不能超过{max_len}个字（现为{len(text)}个字）。",
            code="invalid_input.too_long",
            details=details,
        )
    return text


def normalize_phone(raw: str | None, *, required: bool = False) -> str:
    phone = re.sub(r"[\s()（）]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        if required:
            raise InvalidInput(
                "请填写联系电话。", code="invalid_input.required", details={"field": "citizen_phone"}
            )
        return ""
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise InvalidInput(
            "联系电话格式不正确：手机号为11位数字，固定电话如 0724-4222345。",
            code="invalid_input.phone",
            details={"field": "citizen_phone"},
        )
    return phone


def _lock(case: Case | int) -> Case:
    """Re-read the case under a row lock (PostgreSQL); SQLite's IMMEDIATE transactions serialise writers."""
    pk = case.pk if isinstance(case, Case) else case
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    locked = Case.objects.select_for_update(no_key=True, of=("self",))
    return locked.select_related("category", "lead_unit").get(pk=pk)


def _record(
    case: Case,
    action: Action,
    actor: User | None,
    *,
    to_state: State,
    now: datetime,
    note: str = "",
    payload: dict[str, Any] | None = None,
    fields: Sequence[str] = (),
) -> CaseEvent:
    """Append the event, then write the case's state and the given fields in the same transaction."""
    from_state = case.state if case.pk and case.events.exists() else ""
    last = case.events.aggregate(m=Max("seq"))["m"] or 0
    event = CaseEvent.objects.create(
        case=case,
        seq=last + 1,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_unit=actor.unit if actor and actor.unit_id else None,
        note=note,
        payload=payload or {},
        created_at=now,
    )
    case.state = to_state
    case.save(update_fields=["state", "updated_at", *fields])
    return event


def _after_commit(fn: Any, *args: Any, **kwargs: Any) -> None:
    # robust: a failing notice (queue down, …) is logged, never turns the committed action into a 500.
    transaction.on_commit(lambda: fn(*args, **kwargs), robust=True)


def _limits(case: Case) -> tuple[int, int]:
    if case.category_id:
        return case.category.limits_for(case.urgency)
    defaults = Category.DEFAULT_LIMITS
    if case.urgency == Urgency.URGENT:
        return defaults["urgent_accept_hours"], defaults["urgent_handle_days"]
    return defaults["accept_hours"], defaults["handle_days"]


def _triage(case_id: int) -> None:
    from triage.services import triage_new_case  # triage builds on the loop, not the other way round

    triage_new_case(case_id)


def _note_dispatch(case_id: int, actor_id: int) -> None:
    from triage.services import note_dispatch

    try:
        note_dispatch(case_id, actor_id)
    except Exception:  # training data is a by-product: the dispatch itself has been committed
        logging.getLogger(__name__).exception("dispatch of case %s not stored as an example", case_id)


def _next_number(now: datetime) -> str:
    day = timezone.localdate(now)
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(day=day)
    CaseNumberCounter.objects.filter(day=day).update(last=counter.last + 1)
    return f"{day:%Y%m%d}{counter.last + 1:05d}"


# ---------------------------------------------------------------- intake


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
    _require_role(actor, REGISTER_ROLES, "登记工单")
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
    body = _text(content, "诉求内容", min_len=5)
    heading = _text(title, "标题", required=False, max_len=120) or body.replace("\n", " ")[:30]
    if township is not None and township.kind != "township":
        raise InvalidInput("所属乡镇不正确。", code="invalid_input.township", details={"field": "township"})
    now = _now(now)
    with transaction.atomic():
        case = Case.objects.create(
            number=_next_number(now),
            channel=channel,
            kind=kind,
            title=heading,
            content=body,
            citizen_name=_text(citizen_name, "诉求人姓名", required=False, max_len=40),
            citizen_phone=normalize_phone(citizen_phone),
            address=_text(address, "地址", required=False, max_len=200),
            township=township,
            category=category,
            urgency=urgency,
            state=State.REGISTERED,
            registered_by=actor,
            created_at=now,
        )
        next_state(None, Action.REGISTER)
        _record(
            case, Action.REGISTER, actor, to_state=State.REGISTERED, now=now, payload={"channel": channel}
        )
        _after_commit(_triage, case.pk)
        if case.citizen_phone and MOBILE_RE.match(case.citizen_phone):
            queue_sms(  # the link is the citizen's own way in, needing no lookup
                case.citizen_phone,
                f"【钟祥12345】您的诉求已受理，受理编号{case.number}，查看办理进度：{_link(case)}",
                case=case,
            )
    return case


def record_triage(
    case: Case, *, payload: dict[str, Any], note: str = "", urgent: bool = False, now: datetime | None = None
) -> CaseEvent | None:
    """The system's triage of a new case: one event; an urgent finding marks the case urgent.

    Returns None when the case has moved on meanwhile (a dispatcher was faster): triage is advice,
    never a reason to fail.
    """
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        if case.state != State.REGISTERED:
            return None
        to_state = next_state(case.state, Action.TRIAGE)
        fields = []
        if urgent and case.urgency != Urgency.URGENT:
            case.urgency = Urgency.URGENT
            fields.append("urgency")
        return _record(
            case, Action.TRIAGE, None, to_state=to_state, now=now, note=note, payload=payload, fields=fields
        )


def system_user() -> User:
    """The actor of the system's own actions (automatic dispatch), shown as 智能分拣 in the log."""
    from org.models import UnitKind

    centre = Unit.objects.filter(kind=UnitKind.CENTRE).order_by("pk").first()
    user, _ = User.objects.get_or_create(
        username="system",
        defaults={
            "role": Role.DISPATCHER,
            "display_name": "智能分拣（系统）",
            "unit": centre,
            "password": "!",
        },
    )
    return user


def channel_user(channel: str) -> User:
    """The actor that registers requests arriving by a self-service door (mobile page, Open311, …)."""
    from org.models import UnitKind

    label = Channel(channel).label
    centre = Unit.objects.filter(kind=UnitKind.CENTRE).order_by("pk").first()
    user, _ = User.objects.get_or_create(
        username=f"channel-{channel}",
        defaults={"role": Role.AGENT, "display_name": f"{label}（系统）", "unit": centre, "password": "!"},
    )
    return user


def answer_at_intake(case: Case, *, actor: User, answer: str, now: datetime | None = None) -> Case:
    """直接办结: a consultation answered on the call; it still gets a callback before closing."""
    _require_role(actor, ANSWER_AT_INTAKE_ROLES, "直接办结")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.ANSWER_AT_INTAKE)
        if case.kind != Kind.CONSULT:
            raise InvalidInput("只有咨询类诉求可以直接办结。", code="invalid_input.kind")
        body = _text(answer, "答复内容", min_len=5)
        Reply.objects.create(
            case=case,
            unit=actor.unit,
            author=actor,
            body=body,
            status=Reply.Status.APPROVED,
            submitted_at=now,
            reviewer=actor,
            approved_at=now,
        )
        case.replied_at = now
        _record(
            case, Action.ANSWER_AT_INTAKE, actor, to_state=to_state, now=now, note=body, fields=["replied_at"]
        )
    return case


# ---------------------------------------------------------------- dispatch and the unit's work


def dispatch(
    case: Case,
    *,
    actor: User,
    lead_unit: Unit,
    co_units: Iterable[Unit] = (),
    category: Category | None = None,
    urgency: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    _require_role(actor, DISPATCH_ROLES, "派单")
    now = _now(now)
    co_list = list({u.pk: u for u in co_units if u.pk != lead_unit.pk}.values())  # each unit once
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.DISPATCH)
        for unit in [lead_unit, *co_list]:
            if not unit.is_active or unit.kind not in ("department", "township", "village"):
                raise InvalidInput(f"“{unit.name}”不是可派单的承办单位。", code="invalid_input.unit")
        if urgency is not None:
            if urgency not in Urgency.values:
                raise InvalidInput(f"未知的紧急程度：{urgency}", code="invalid_input.urgency")
            case.urgency = urgency
        if category is not None:
            case.category = category
        accept_hours, handle_days = _limits(case)
        case.lead_unit = lead_unit
        case.dispatched_at = now
        case.accept_due_at = add_working_hours(now, accept_hours)
        case.due_at = add_working_days(now, handle_days)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    case=case,
                    unit=lead_unit,
                    role=Assignment.Role.LEAD,
                    dispatched_by=actor,
                    dispatched_at=now,
                )
            ]
            + [
                Assignment(case=case, unit=u, role=Assignment.Role.CO, dispatched_by=actor, dispatched_at=now)
                for u in co_list
            ]
        )
        _record(
            case,
            Action.DISPATCH,
            actor,
            to_state=to_state,
            now=now,
            note=_text(note, "派单意见", required=False),
            payload={
                "lead_unit": lead_unit.code,
                "co_units": [u.code for u in co_list],
                "category": case.category.path if case.category_id else None,
                "accept_due_at": case.accept_due_at.isoformat(),
                "due_at": case.due_at.isoformat(),
            },
            fields=["category", "urgency", "lead_unit", "dispatched_at", "accept_due_at", "due_at"],
        )
        _after_commit(_note_dispatch, case.pk, actor.pk)
        message = f"新工单 {case.number}：{case.title}"
        _after_commit(notify_unit, lead_unit, kind="dispatched", message=message, case=case)
        for unit in co_list:
            _after_commit(notify_unit, unit, kind="co_dispatched", message=f"协办{message}", case=case)
    return case


def accept(case: Case, *, actor: User, now: datetime | None = None) -> Case:
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "签收")
        to_state = next_state(case.state, Action.ACCEPT)
        case.assignments.filter(unit=case.lead_unit, status=Assignment.Status.PENDING).update(
            status=Assignment.Status.ACCEPTED, accepted_at=now
        )
        late = case.accept_due_at is not None and now > case.accept_due_at
        _record(case, Action.ACCEPT, actor, to_state=to_state, now=now, payload={"late": late})
    return case


def return_case(case: Case, *, actor: User, reason: str, now: datetime | None = None) -> Case:
    """退单: the lead unit says the case is not theirs; it goes back to the dispatchers."""
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "退单")
        to_state = next_state(case.state, Action.RETURN)
        why = _text(reason, "退单理由", min_len=4, max_len=500)
        unit = case.lead_unit
        case.assignments.filter(status=Assignment.Status.PENDING).update(
            status=Assignment.Status.RETURNED, return_reason=why
        )
        case.lead_unit = None
        case.accept_due_at = None
        case.due_at = None
        _record(
            case,
            Action.RETURN,
            actor,
            to_state=to_state,
            now=now,
            note=why,
            payload={"unit": unit.code},
            fields=["lead_unit", "accept_due_at", "due_at"],
        )
        _after_commit(
            notify_role,
            [Role.DISPATCHER],
            kind="returned",
            message=f"{unit.name}退回工单 {case.number}：{why}",
            case=case,
        )
    return case


def request_extension(
    case: Case, *, actor: User, days: int, reason: str, now: datetime | None = None
) -> Extension:
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "申请延期")
        to_state = next_state(case.state, Action.REQUEST_EXTENSION)
        if not isinstance(days, int) or not 1 <= days <= 30:
            raise InvalidInput(
                "延期天数应为1至30个工作日。", code="invalid_input.days", details={"field": "days"}
            )
        why = _text(reason, "延期理由", min_len=4, max_len=1000)
        if case.extensions.filter(status=Extension.Status.PENDING).exists():
            raise Conflict("该工单已有待审批的延期申请。", code="case.extension_pending")
        extension = Extension.objects.create(
            case=case, unit=case.lead_unit, requested_by=actor, requested_at=now, days=days, reason=why
        )
        _record(
            case,
            Action.REQUEST_EXTENSION,
            actor,
            to_state=to_state,
            now=now,
            note=why,
            payload={"days": days, "extension": extension.pk},
        )
        _after_commit(
            notify_role,
            [Role.DISPATCHER],
            kind="extension_requested",
            message=f"{case.lead_unit.name}申请工单 {case.number} 延期{days}个工作日",
            case=case,
        )
    return extension


def decide_extension(
    case: Case, *, actor: User, approve: bool, note: str = "", now: datetime | None = None
) -> Extension:
    _require_role(actor, DISPATCH_ROLES, "审批延期申请")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.DECIDE_EXTENSION)
        extension = case.extensions.filter(status=Extension.Status.PENDING).first()
        if extension is None:
            raise Conflict("该工单没有待审批的延期申请。", code="case.no_pending_extension")
        comment = _text(note, "审批意见", required=not approve, max_len=500)
        extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, comment
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        fields: list[str] = []
        payload: dict[str, Any] = {"approved": approve, "days": extension.days}
        if approve:
            case.due_at = add_working_days(case.due_at or now, extension.days)
            fields.append("due_at")
            payload["due_at"] = case.due_at.isoformat()
        _record(
            case,
            Action.DECIDE_EXTENSION,
            actor,
            to_state=to_state,
            now=now,
            note=comment,
            payload=payload,
            fields=fields,
        )
        verdict = "已同意" if approve else "未同意"
        _after_commit(
            notify_unit,
            case.lead_unit,
            kind="extension_decided",
            message=f"工单 {case.number} 的延期申请{verdict}",
            case=case,
        )
    return extension


def contribute(case: Case, *, actor: User, body: str, now: datetime | None = None) -> Case:
    """协办意见: a co-handling unit's contribution, which the lead unit folds into the one answer."""
    _require_role(actor, UNIT_HANDLER_ROLES, "提交协办意见")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        co = case.assignments.filter(unit_id=actor.unit_id, role=Assignment.Role.CO).exclude(
            status=Assignment.Status.RETURNED
        )
        if not co.exists():
            raise NotPermitted("只有该工单的协办单位可以提交协办意见。", code="permission_denied.unit")
        to_state = next_state(case.state, Action.CONTRIBUTE)
        text = _text(body, "协办意见", min_len=4)
        co.update(status=Assignment.Status.DONE, accepted_at=now)
        _record(case, Action.CONTRIBUTE, actor, to_state=to_state, now=now, note=text)
        _after_commit(
            notify_unit,
            case.lead_unit,
            kind="contributed",
            message=f"{actor.unit.name}对工单 {case.number} 提交了协办意见",
            case=case,
        )
    return case


def submit_reply(
    case: Case, *, actor: User, body: str, result: str = "", now: datetime | None = None
) -> Reply:
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "提交答复")
        to_state = next_state(case.state, Action.REPLY)
        text = _text(body, "答复内容", min_len=10)
        reply = Reply.objects.create(
            case=case,
            unit=case.lead_unit,
            author=actor,
            body=text,
            result=_text(result, "办理结果", required=False, max_len=200),
            submitted_at=now,
        )
        _record(case, Action.REPLY, actor, to_state=to_state, now=now, note=text, payload={"reply": reply.pk})
        _after_commit(
            notify_unit,
            case.lead_unit,
            kind="reply_submitted",
            roles=[Role.UNIT_LEADER],
            message=f"工单 {case.number} 的答复待您审核",
            case=case,
        )
    return reply


def _withdraw_pending_extensions(case: Case, actor: User, now: datetime, why: str) -> None:
    """A request for more time lapses once the answer is approved or the case starts over: left
    pending it would block the next request and could later stretch a fresh deadline."""
    case.extensions.filter(status=Extension.Status.PENDING).update(
        status=Extension.Status.REFUSED, decided_by=actor, decided_at=now, decision_note=why
    )


def _pending_reply(case: Case) -> Reply:
    reply = case.replies.filter(status=Reply.Status.SUBMITTED).order_by("-submitted_at").first()
    if reply is None:  # The state machine makes this unreachable; kept as a guard for bad data.
        raise Conflict("该工单没有待审核的答复。", code="case.no_pending_reply")
    return reply


def approve_reply(case: Case, *, actor: User, note: str = "", now: datetime | None = None) -> Reply:
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "审核答复")
        if actor.role != Role.UNIT_LEADER:
            raise NotPermitted("只有单位负责人可以审核答复。", code="permission_denied.role")
        to_state = next_state(case.state, Action.APPROVE_REPLY)
        reply = _pending_reply(case)
        reply.status, reply.reviewer, reply.approved_at = Reply.Status.APPROVED, actor, now
        reply.review_note = _text(note, "审核意见", required=False, max_len=500)
        reply.save(update_fields=["status", "reviewer", "approved_at", "review_note"])
        case.assignments.filter(unit=case.lead_unit, status=Assignment.Status.ACCEPTED).update(
            status=Assignment.Status.DONE
        )
        case.replied_at = now
        case.is_overdue_closed = bool(case.due_at and now > case.due_at)
        _withdraw_pending_extensions(case, actor, now, "答复已审核通过，延期申请失效")
        _record(
            case,
            Action.APPROVE_REPLY,
            actor,
            to_state=to_state,
            now=now,
            note=reply.review_note,
            payload={"reply": reply.pk, "late": case.is_overdue_closed},
            fields=["replied_at", "is_overdue_closed"],
        )
        _after_commit(
            notify_role,
            [Role.AGENT],
            kind="to_callback",
            message=f"工单 {case.number} 已答复，待回访",
            case=case,
        )
        _tell_citizens_of_reply(case)
    return reply


def _link(case: Case) -> str:
    from portal.links import rating_url  # the portal builds on the loop, not the other way round

    return rating_url(case)


def _tell_citizens_of_reply(case: Case) -> None:
    """The citizen of the case, and of every duplicate merged into it, hears of the answer."""
    recipients = [case, *case.duplicates.filter(state=State.MERGED)]
    for each in recipients:
        if each.citizen_phone and MOBILE_RE.match(each.citizen_phone):
            # The rating is the callback, so only the case itself is rated; a duplicate just reads.
            what = "查看并评价" if each.pk == case.pk else "查看"
            queue_sms(
                each.citizen_phone,
                f"【钟祥12345】您的诉求（编号{each.number}）已有答复，请点击{what}：{_link(each)}",
                case=each,
            )


def reject_reply(case: Case, *, actor: User, note: str, now: datetime | None = None) -> Reply:
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        _require_lead_unit(actor, case, "退回答复")
        if actor.role != Role.UNIT_LEADER:
            raise NotPermitted("只有单位负责人可以退回答复。", code="permission_denied.role")
        to_state = next_state(case.state, Action.REJECT_REPLY)
        why = _text(note, "退回意见", min_len=2, max_len=500)
        reply = _pending_reply(case)
        reply.status, reply.reviewer, reply.review_note = Reply.Status.REJECTED, actor, why
        reply.save(update_fields=["status", "reviewer", "review_note"])
        _record(
            case,
            Action.REJECT_REPLY,
            actor,
            to_state=to_state,
            now=now,
            note=why,
            payload={"reply": reply.pk},
        )
        _after_commit(
            notify_users_of_reply_author, reply, message=f"工单 {case.number} 的答复被退回：{why}", case=case
        )
    return reply


def notify_users_of_reply_author(reply: Reply, *, message: str, case: Case) -> None:
    from notifications.services import notify_users

    notify_users([reply.author], kind="reply_rejected", message=message, case=case)


# ---------------------------------------------------------------- callback, close, reopen


def callback(
    case: Case,
    *,
    actor: User,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: str = "",
    comment: str = "",
    now: datetime | None = None,
) -> Callback:
    """回访. A reached citizen gives resolved + satisfaction; unreachable counts an attempt."""
    _require_role(actor, CALLBACK_ROLES, "回访")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.CALLBACK)
        text = _text(comment, "回访意见", required=False, max_len=1000)
        attempts = case.callback_attempts + 1
        if reached:
            if satisfaction not in Satisfaction.values:
                raise InvalidInput(
                    "请选择满意度：满意、基本满意或不满意。", code="invalid_input.satisfaction"
                )
            if resolved is None:
                raise InvalidInput("请选择诉求是否已解决。", code="invalid_input.resolved")
            record = Callback.objects.create(
                case=case,
                by=actor,
                at=now,
                outcome=Callback.Outcome.REACHED,
                resolved=resolved,
                satisfaction=satisfaction,
                comment=text,
            )
            case.satisfaction, case.resolved = satisfaction, resolved
        else:
            record = Callback.objects.create(
                case=case, by=actor, at=now, outcome=Callback.Outcome.UNREACHABLE, comment=text
            )
            if attempts < settings.MOCHOU_CALLBACK_ATTEMPTS:
                to_state = State(case.state)  # Try again later: the case waits in 待回访.
        case.callback_attempts = attempts
        _record(
            case,
            Action.CALLBACK,
            actor,
            to_state=to_state,
            now=now,
            note=text,
            payload={
                "reached": reached,
                "resolved": resolved,
                "satisfaction": satisfaction,
                "attempt": attempts,
            },
            fields=["satisfaction", "resolved", "callback_attempts"],
        )
    return record


def has_callback_outcome(case: Case) -> bool:
    reached = bool(case.satisfaction)
    unreachable = case.callback_attempts >= settings.MOCHOU_CALLBACK_ATTEMPTS
    return reached or unreachable


def close(case: Case, *, actor: User, note: str = "", now: datetime | None = None) -> Case:
    """结案: only with an approved reply and a callback outcome (or unreachable after N attempts)."""
    _require_role(actor, CALLBACK_ROLES, "结案")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.CLOSE)
        if case.replied_at is None or not case.replies.filter(status=Reply.Status.APPROVED).exists():
            raise Conflict("没有经审核的答复，不能结案。", code="case.close_without_reply")
        if not has_callback_outcome(case):
            raise Conflict("没有回访结果，不能结案。", code="case.close_without_callback")
        # Closing over an unsatisfied citizen needs a stated reason (e.g. 诉求不合理、政策不支持).
        why = _text(
            note, "结案说明", required=case.satisfaction == Satisfaction.UNSATISFIED, min_len=4, max_len=500
        )
        case.closed_at = now
        _record(case, Action.CLOSE, actor, to_state=to_state, now=now, note=why, fields=["closed_at"])
    return case


def reopen(case: Case, *, actor: User, reason: str, now: datetime | None = None) -> Case:
    """重办: back to the lead unit with a fresh handling deadline."""
    _require_role(actor, CALLBACK_ROLES, "重办")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.REOPEN)
        if case.lead_unit_id is None:
            raise Conflict(
                "该工单未派给承办单位（直接办结件），请重新登记派单。", code="case.reopen_without_unit"
            )
        why = _text(reason, "重办理由", min_len=4, max_len=500)
        _, handle_days = _limits(case)
        case.due_at = add_working_days(now, handle_days)
        case.reopen_count += 1
        case.satisfaction, case.resolved, case.callback_attempts = "", None, 0
        case.closed_at = None
        # The previous answer was not accepted: the case is unanswered again until a new one is approved.
        case.replied_at, case.is_overdue_closed = None, False
        _withdraw_pending_extensions(case, actor, now, "工单重办，原延期申请失效")
        case.assignments.filter(unit=case.lead_unit, role=Assignment.Role.LEAD).exclude(
            status=Assignment.Status.RETURNED
        ).update(status=Assignment.Status.ACCEPTED)
        _record(
            case,
            Action.REOPEN,
            actor,
            to_state=to_state,
            now=now,
            note=why,
            payload={"due_at": case.due_at.isoformat(), "reopen_count": case.reopen_count},
            fields=[
                "due_at",
                "reopen_count",
                "satisfaction",
                "resolved",
                "callback_attempts",
                "closed_at",
                "replied_at",
                "is_overdue_closed",
            ],
        )
        _after_commit(
            notify_unit, case.lead_unit, kind="reopened", message=f"工单 {case.number} 重办：{why}", case=case
        )
    return case


# ---------------------------------------------------------------- merge, transfer, supervise


def merge(case: Case, *, actor: User, parent: Case, note: str = "", now: datetime | None = None) -> Case:
    """合并: a duplicate joins its parent; its citizen will get the parent's answer."""
    _require_role(actor, DISPATCH_ROLES, "合并工单")
    now = _now(now)
    if parent.pk == case.pk:
        raise InvalidInput(
            "不能把工单合并到它自己。", code="invalid_input.parent", details={"field": "parent"}
        )
    with transaction.atomic():
        # Both rows locked, in id order: two dispatchers merging A into B and B into A at once
        # would otherwise each see the other still open and leave both merged, handled by nobody.
        locked = (
            Case.objects.select_for_update(no_key=True).filter(pk__in=[case.pk, parent.pk]).order_by("pk")
        )
        rows = {c.pk: c for c in locked}
        case, parent = _lock(case), rows[parent.pk]
        to_state = next_state(case.state, Action.MERGE)
        if parent.state in (State.MERGED, State.TRANSFERRED):
            raise InvalidInput(
                f"主工单 {parent.number} 的状态为“{parent.state_label}”，不能作为合并目标。",
                code="invalid_input.parent",
                details={"field": "parent"},
            )
        case.parent = parent
        # Duplicates merged into this case follow it, so their citizens still hear the one answer.
        carried = list(case.duplicates.values_list("number", flat=True))
        case.duplicates.update(parent=parent)
        _record(
            case,
            Action.MERGE,
            actor,
            to_state=to_state,
            now=now,
            note=_text(note, "合并说明", required=False, max_len=500),
            payload={"parent": parent.number, "carried": carried},
            fields=["parent"],
        )
        if parent.replied_at and case.citizen_phone and MOBILE_RE.match(case.citizen_phone):
            queue_sms(
                case.citizen_phone,
                f"【钟祥12345】您的诉求（编号{case.number}）与已办理的诉求相同，答复请点击查看：{_link(case)}",
                case=case,
            )
    return case


def transfer(case: Case, *, actor: User, target: str, note: str = "", now: datetime | None = None) -> Case:
    """转办: to another jurisdiction's platform; the case stays here for tracking."""
    _require_role(actor, DISPATCH_ROLES, "转办")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.TRANSFER)
        case.transferred_to = _text(target, "转办去向", min_len=2, max_len=100)
        _record(
            case,
            Action.TRANSFER,
            actor,
            to_state=to_state,
            now=now,
            note=_text(note, "转办说明", required=False, max_len=500),
            payload={"target": case.transferred_to},
            fields=["transferred_to"],
        )
    return case


def supervise(
    case: Case, *, actor: User, body: str, respond_days: int = 2, now: datetime | None = None
) -> SupervisionNotice:
    """督办单 to the lead unit (or, before dispatch, to the centre's dispatchers)."""
    _require_role(actor, SUPERVISE_ROLES, "督办")
    now = _now(now)
    with transaction.atomic():
        case = _lock(case)
        to_state = next_state(case.state, Action.SUPERVISE)
        text = _text(body, "督办要求", min_len=4, max_len=2000)
        if not 1 <= respond_days <= 30:
            raise InvalidInput("反馈期限应为1至30个工作日。", code="invalid_input.days")
        unit = case.lead_unit or actor.unit
        if unit is None:
            raise InvalidInput("该工单尚无承办单位，无法督办。", code="invalid_input.unit")
        notice = SupervisionNotice.objects.create(
            case=case,
            unit=unit,
            supervisor=actor,
            body=text,
            respond_by=add_working_days(now, respond_days),
            created_at=now,
        )
        _record(
            case,
            Action.SUPERVISE,
            actor,
            to_state=to_state,
            now=now,
            note=text,
            payload={"notice": notice.pk, "unit": unit.code, "respond_by": notice.respond_by.isoformat()},
        )
        _after_commit(
            notify_unit, unit, kind="supervised", message=f"督办：工单 {case.number}——{text[:60]}", case=case
        )
        leader_phones = list(
            unit.staff.filter(role=Role.UNIT_LEADER, is_active=True)
            .exclude(mobile="")
            .values_list("mobile", flat=True)
        )
        for phone in leader_phones:
            queue_sms(phone, f"【钟祥12345督办】工单{case.number}：{text[:60]}", case=case)
    return notice

"""督办单: issued to a unit on a case, signed for, answered by a clerk, approved by the leader,
escalated (蓝 → 黄 → 红) by the sweep when unanswered at its 反馈期限."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils import timezone

from accounts.models import Role, User
from cases.guards import refusal as case_refusal
from cases.models import Case, Urgency
from cases.services.common import text
from cases.services.supervision import may_record_supervision, record_supervision
from cases.workflow import Action as CaseAction
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_role, notify_unit, notify_users, queue_sms
from notifications.texts import sms_text
from org.models import Unit
from supervision import deadlines
from supervision.models import Notice
from supervision.services.common import SUPERVISION
from supervision.workflow import OPEN_STATES, Action, Colour, State, next_colour
from worktime.calendar import add_working_days, add_working_hours


def _text(value: str | None, label: str, field: str, *, min_len: int, max_len: int) -> str:
    """The case loop's text check (cases.services.common.text), with this form's field name."""
    try:
        return text(value, label, min_len=min_len, max_len=max_len)
    except InvalidInput as error:
        error.details["field"] = field
        raise


def notice_number(notice: Notice) -> str:
    """督办单编号: the year it was issued and its id (unique without a counter to lock)."""
    return f"DB{timezone.localtime(notice.created_at).year}-{notice.pk:05d}"


def _leader_of(unit: Unit) -> User | None:
    leaders = User.objects.filter(unit=unit, role=Role.UNIT_LEADER, is_active=True).order_by("pk")
    return leaders.first()


def _check_colour(case: Case, colour: Colour, *, major: bool, previous: Notice | None) -> None:
    if previous is None and colour != Colour.BLUE and not (major or case.urgency == Urgency.URGENT):
        raise InvalidInput(
            "黄色、红色督办单在前一级督办单逾期未反馈时由系统升级发出；重大或紧急事项方可直接发黄色或红色督办单。",
            code="invalid_input.colour",
            details={"field": "colour"},
        )


def issue_notice(
    case: Case,
    *,
    actor: User | None,
    body: str,
    respond_days: int | None = None,
    colour: str = Colour.BLUE,
    major: bool = False,
    now: datetime | None = None,
    previous: Notice | None = None,
) -> Notice:
    """Issue a 督办单 on `case` to its unit, and record the case's 督办 event with it.

    `actor=None` with `previous` is the system's escalation (escalate_notice): the next colour,
    to the same unit, addressed to its leader, in the name of the first notice's supervisor.
    """
    system = actor is None
    with SUPERVISION.start(Action.ISSUE, actor, now=now, guard=not system) as step:
        now = step.now
        if actor is not None:
            refused = case_refusal(actor, case, CaseAction.SUPERVISE)
            if refused is not None:
                raise refused
        elif previous is None:
            raise RuntimeError("only an escalation issues a notice without an actor")
        demand = _text(body, "督办要求", "body", min_len=4, max_len=2000)
        try:
            tone = Colour(colour)
        except ValueError:
            raise InvalidInput(
                "督办单颜色应为蓝色、黄色或红色。", code="invalid_input.colour", details={"field": "colour"}
            ) from None
        _check_colour(case, tone, major=major, previous=previous)
        days = respond_days if respond_days is not None else deadlines.respond_days(tone)
        if not 1 <= days <= 30:
            raise InvalidInput(
                "反馈期限应为1至30个工作日。", code="invalid_input.days", details={"field": "respond_days"}
            )
        unit = previous.unit if previous is not None else (case.lead_unit or getattr(actor, "unit", None))
        if unit is None:  # the case's guard asks for a lead unit or the supervisor's own
            raise RuntimeError(f"case {case.number} has nobody to supervise")
        # The case's row lock makes "one open notice per case and unit" hold for two supervisors
        # issuing at once (the second waits, then sees the first).
        Case.objects.select_for_update().filter(pk=case.pk).first()
        still_open = Notice.objects.filter(case=case, unit=unit, state__in=OPEN_STATES)
        if previous is not None:
            still_open = still_open.exclude(pk=previous.pk)
        if (pending := still_open.first()) is not None:
            raise Conflict(
                f"该工单已有未办结的督办单 {pending.number}（{pending.get_state_display()}），"
                "逾期未反馈时将自动升级，无需重复督办。",
                code="supervision.open_notice",
                details={"notice": pending.number},
            )
        supervisor = previous.supervisor if previous is not None else actor
        notice = SUPERVISION.create(
            step,
            number=f"new-{uuid.uuid4().hex[:16]}",  # replaced below, once the id is known
            case=case,
            unit=unit,
            supervisor=supervisor,
            colour=tone,
            major=major,
            body=demand,
            addressed_to=_leader_of(unit) if tone != Colour.BLUE else None,
            previous=previous,
            created_at=now,
            sign_by=add_working_hours(now, deadlines.sign_hours()),
            respond_by=add_working_days(now, days),
        )
        notice.number = notice_number(notice)
        Notice.objects.filter(pk=notice.pk).update(number=notice.number)
        payload = {
            "notice": notice.number,
            "colour": tone.value,
            "unit": unit.code,
            "respond_by": notice.respond_by.isoformat() if notice.respond_by else None,
            **({"escalated_from": previous.number} if previous is not None else {}),
        }
        step.record(note=demand, payload=payload)
        locked_case = Case.objects.get(pk=case.pk)
        if actor is not None or may_record_supervision(locked_case):
            # The case's own log says it was supervised (a closed case takes no 督办 event: the
            # escalation of a notice on it is recorded on the notice alone).
            record_supervision(
                locked_case,
                actor=actor,
                body=demand,
                respond_days=days,
                now=now,
                payload=payload,
                unit=unit,
                notify=False,
            )
        step.after_commit(_tell_issued, notice.pk)
    return notice


def _tell_issued(notice_id: int) -> None:
    notice = Notice.objects.select_related("case", "unit", "supervisor", "previous").get(pk=notice_id)
    case, tone = notice.case, notice.get_colour_display()
    message = f"{tone}督办单 {notice.number}：工单 {case.number}——{notice.body[:50]}"
    notify_unit(notice.unit, kind="supervised", message=message, case=case)
    leaders = notice.unit.staff.filter(role=Role.UNIT_LEADER, is_active=True).exclude(mobile="")
    for phone in leaders.values_list("mobile", flat=True):
        queue_sms(phone, sms_text("case_supervised", number=case.number, body=notice.body), case=case)
    if notice.previous is not None:
        escalated = (
            f"督办单 {notice.previous.number} 逾期未反馈，已升级为{tone}督办单 {notice.number}"
            f"（工单 {case.number}，{notice.unit.display_name}）"
        )
        notify_users([notice.supervisor], kind="supervision_escalated", message=escalated, case=case)
        if notice.colour == Colour.RED:
            # 红色督办单 reaches the city's leaders (领导: 市领导 and the centre's leadership).
            notify_role([Role.LEADER], kind="supervision_escalated", message=escalated, case=case)


def sign_notice(notice: Notice | int, *, actor: User, now: datetime | None = None) -> Notice:
    """The unit signs for the notice (签收); after the 签收期限 it is signed late, and says so."""
    with SUPERVISION.verb(notice, Action.SIGN, actor, now=now) as step:
        item = step.item
        item.signed_at, item.signed_by = step.now, actor
        step.record(payload={"late": item.signed_late}, fields=["signed_at", "signed_by"])
    return item


def answer_notice(notice: Notice | int, *, actor: User, body: str, now: datetime | None = None) -> Notice:
    """A clerk drafts the 反馈 (what was done about the case); it goes to the unit's leader."""
    with SUPERVISION.verb(notice, Action.ANSWER, actor, now=now) as step:
        item = step.item
        item.answer = _text(body, "反馈内容", "body", min_len=10, max_len=5000)
        item.answered_at, item.answered_by, item.return_note = step.now, actor, ""
        step.record(note=item.answer, fields=["answer", "answered_at", "answered_by", "return_note"])
        step.after_commit(
            notify_unit,
            item.unit,
            roles=[Role.UNIT_LEADER, Role.ADMIN],
            kind="supervision_answer",
            message=f"督办单 {item.number} 的反馈待您审核（工单 {item.case.number}）",
            case=item.case,
        )
    return item


def approve_answer(
    notice: Notice | int, *, actor: User, note: str = "", now: datetime | None = None
) -> Notice:
    """The unit's leader approves the 反馈: the notice is answered (late if past its 反馈期限)."""
    with SUPERVISION.verb(notice, Action.APPROVE, actor, now=now) as step:
        item = step.item
        remark = _text(note, "审核意见", "note", min_len=0, max_len=500) if note.strip() else ""
        item.approved_at, item.approved_by = step.now, actor
        step.record(note=remark, payload={"late": item.answered_late}, fields=["approved_at", "approved_by"])
        late = "（逾期反馈）" if item.answered_late else ""
        step.after_commit(
            notify_users,
            [item.supervisor],
            kind="supervision_answered",
            message=f"督办单 {item.number} 已反馈{late}：{item.answer[:60]}",
            case=item.case,
        )
    return item


def return_answer(notice: Notice | int, *, actor: User, note: str, now: datetime | None = None) -> Notice:
    """退回修改: the leader sends the draft back to the clerk with the reason."""
    with SUPERVISION.verb(notice, Action.RETURN, actor, now=now) as step:
        item = step.item
        item.return_note = _text(note, "退回意见", "note", min_len=4, max_len=500)
        step.record(note=item.return_note, fields=["return_note"])
        if item.answered_by is not None:
            step.after_commit(
                notify_users,
                [item.answered_by],
                kind="supervision_returned",
                message=f"督办单 {item.number} 的反馈被退回修改：{item.return_note[:60]}",
                case=item.case,
            )
    return item


def escalate_notice(notice: Notice | int, *, now: datetime | None = None) -> Notice:
    """The system's: an unsigned or unanswered notice at its 反馈期限 gives way to the next colour.

    One transaction: this notice becomes 已升级 and the next one is issued (to the unit's leader,
    with the supervisor told, and the city's leaders for 红), recorded on the case.
    """
    with SUPERVISION.verb(notice, Action.ESCALATE, None, now=now, guard=False) as step:
        item = step.item
        tone = next_colour(item.colour)
        if tone is None:
            raise Conflict("红色督办单已是最高一级，不再升级。", code="supervision.top_colour")
        what = "签收" if item.state == State.ISSUED else "反馈"
        body = (
            f"{item.get_colour_display()}督办单 {item.number} 逾期未{what}，升级督办。原督办要求：{item.body}"
        )
        following = issue_notice(
            item.case,
            actor=None,
            body=body[:2000],
            colour=tone,
            major=item.major,
            previous=item,
            now=step.now,
        )
        step.record(
            note=f"逾期未{what}，升级为{tone.label}督办单 {following.number}",
            payload={"next": following.number, "colour": tone.value},
        )
    return following

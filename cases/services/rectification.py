"""差评整改 (国办发〔2019〕51号): a 差评 opens a rectification of the lead unit, with a deadline
(MOCHOU_RECTIFY_DAYS working days, the RECTIFY clock of cases.deadlines: countdown, 临期/超期,
swept); the unit reports what it rectified; the centre verifies (核实). Accepted, the case is
called back again and that callback's result stands (one rectification per answer); not accepted,
it goes back to the unit with the centre's note, its deadline unchanged (a return gives no time).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from accounts.models import User
from cases.models import Callback, Case, Rectification
from cases.services.common import CASES, now_or, tell_citizen, text
from cases.workflow import Action
from mochou.errors import Conflict
from notifications.services import notify_unit
from worktime.calendar import add_working_days


def rectify_days() -> int:
    return int(settings.MOCHOU_RECTIFY_DAYS)


def open_rectification(case: Case, record: Callback, actor: User, now: datetime) -> Rectification:
    """Inside the callback's verb: the 差评's rectification and the case's rectification clock.
    The caller records the event (action RECTIFY) with `rectify_due_at` among its fields."""
    if case.lead_unit is None:  # rectification_due() checked it; kept for bad data
        raise RuntimeError(f"case {case.number} has no lead unit to rectify")
    due = add_working_days(now, rectify_days())
    rectification = Rectification.objects.create(
        case=case, unit=case.lead_unit, reply=case.approved_reply, callback=record,
        satisfaction=record.satisfaction, opened_by=actor, opened_at=now, due_at=due,
    )  # fmt: skip
    case.rectify_due_at = due
    return rectification


def notify_rectification(case: Case, rectification: Rectification, why: str) -> None:
    """After commit: the lead unit hears of the 差评 and its deadline."""
    due = rectification.due_at.astimezone().strftime("%m-%d %H:%M")
    rating = rectification.get_satisfaction_display()
    notify_unit(
        rectification.unit, kind="rectification_opened", case=case,
        message=f"工单 {case.number} 回访{rating}，请于 {due} 前整改并报告整改情况{why}",
    )  # fmt: skip


def _live(case: Case, status: str) -> Rectification:
    rectification = case.rectifications.filter(status=status).order_by("-opened_at").first()
    if rectification is None:  # the state machine makes this unreachable; kept for bad data
        raise Conflict("该工单没有进行中的整改。", code="case.no_rectification")
    return rectification


def report_rectification(
    case: Case, *, actor: User, report: str, now: datetime | None = None
) -> Rectification:
    """报告整改情况: the lead unit's account of what it put right; late when past its deadline."""
    with CASES.verb(case, Action.REPORT_RECTIFICATION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        body = text(report, "整改情况", min_len=10, max_len=2000)
        rectification = _live(case, Rectification.Status.OPEN)
        rectification.status, rectification.report = Rectification.Status.REPORTED, body
        rectification.reported_by, rectification.reported_at = actor, now
        rectification.late = now > rectification.due_at
        rectification.save(update_fields=["status", "report", "reported_by", "reported_at", "late"])
        step.record(
            note=body,
            payload={"rectification": rectification.pk, "late": rectification.late},
        )
    return rectification


def verify_rectification(
    case: Case, *, actor: User, accepted: bool, note: str = "", now: datetime | None = None
) -> Rectification:
    """核实整改: accepted, the case goes back to 待回访 (the pool) for a new callback; not
    accepted (a note is required), back to the unit, its deadline unchanged."""
    with CASES.verb(case, Action.VERIFY_RECTIFICATION, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        comment = text(note, "核实意见", required=not accepted, min_len=4, max_len=500)
        rectification = _live(case, Rectification.Status.REPORTED)
        rectification.verified_by, rectification.verified_at = actor, now
        rectification.verify_note = comment
        payload = {"rectification": rectification.pk, "accepted": accepted}
        if accepted:
            rectification.status = Rectification.Status.ACCEPTED
            # Called back again from scratch: the 差评 is history (its Callback row and events).
            case.rectify_due_at = None
            case.satisfaction, case.resolved, case.callback_attempts = "", None, 0
            rectification.save(update_fields=["status", "verified_by", "verified_at", "verify_note"])
            step.record(
                note=comment, payload=payload,
                fields=["rectify_due_at", "satisfaction", "resolved", "callback_attempts"],
            )  # fmt: skip
            tell_citizen(case, "case_rectified", rate=True)
            return rectification
        rectification.status = Rectification.Status.OPEN
        rectification.returns += 1
        rectification.save(update_fields=["status", "returns", "verified_by", "verified_at", "verify_note"])
        step.record(action=Action.RETURN_RECTIFICATION, note=comment, payload=payload)
        step.after_commit(
            notify_unit, rectification.unit, kind="rectification_returned", case=case,
            message=f"工单 {case.number} 的整改情况核实未通过：{comment}",
        )  # fmt: skip
    return rectification


def withdraw_rectification(case: Case, actor: User, now: datetime, why: str) -> None:
    """重办 instead of rectifying: the live rectification lapses and its clock stops."""
    live = (Rectification.Status.OPEN, Rectification.Status.REPORTED)
    case.rectifications.filter(status__in=live).update(
        status=Rectification.Status.WITHDRAWN, verified_by=actor, verified_at=now, verify_note=why
    )
    case.rectify_due_at = None

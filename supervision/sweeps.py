"""The 督办单 sweep: reminders near a deadline, and escalation at the 反馈期限.

Walks the loop's deadline ladder (supervision.deadlines.CLOCKS). A unique
NoticeReminder(notice, kind, deadline) row claims each rung, so a second run, two workers or a
worker restarted mid-sweep never remind or escalate twice; a stopped worker only delays. At
反馈超期 a notice still unsigned or unanswered (已下发/已签收) below 红 is escalated (one verb: it
becomes 已升级 and the next colour is issued); a 红 one, or an answer still waiting for the
leader, is brought to the unit's leader and the supervisor instead.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role
from cases.workflow import OPEN_STATES as CASE_OPEN_STATES
from mochou.errors import DomainError
from notifications.services import notify_role, notify_unit, notify_users
from supervision.deadlines import CLOCKS
from supervision.models import Notice, NoticeReminder
from supervision.services import escalate_notice
from supervision.workflow import Colour, State

K = NoticeReminder.Kind
_MESSAGES: dict[str, str] = {
    K.SIGN_NEAR: "督办单 {number}（工单 {case}）即将超过签收期限（{due}），请尽快签收",
    K.SIGN_OVERDUE: "督办单 {number}（工单 {case}）已超过签收期限（{due}），请立即签收",
    K.RESPOND_NEAR: "督办单 {number}（工单 {case}）即将到反馈期限（{due}），请及时反馈",
    K.RESPOND_OVERDUE: "督办单 {number}（工单 {case}）已逾期未反馈（期限 {due}）",
}


def sweep_notices(now: datetime | None = None) -> dict[str, int]:
    """Everything due at `now` and not done yet; counts per rung, and `escalated`."""
    now = now or timezone.now()
    done = {kind: 0 for kind in K.values} | {"escalated": 0}
    for clock, rung, on_rung in CLOCKS.ladder(now):
        kind = f"{clock.kind}_{rung}"
        claimed = NoticeReminder.objects.filter(
            notice=OuterRef("pk"), kind=kind, deadline=OuterRef(clock.field)
        )
        pending = Notice.objects.filter(on_rung).exclude(Exists(claimed)).order_by(clock.field, "pk")
        for notice_id, deadline in list(pending.values_list("pk", clock.field)):
            outcome = _claim_and_act(notice_id, kind, deadline, now)
            if outcome:
                done[kind] += 1
                done["escalated"] += outcome == "escalated"
    return done


def _claim_and_act(notice_id: int, kind: str, deadline: datetime, now: datetime) -> str:
    """The claim and its action commit together: a crash in between neither loses nor doubles one."""
    try:
        with transaction.atomic():
            NoticeReminder.objects.create(notice_id=notice_id, kind=kind, deadline=deadline)
            notice = Notice.objects.select_related("case", "unit", "supervisor").get(pk=notice_id)
            if notice.case.state not in CASE_OPEN_STATES:
                return ""  # closed, merged or transferred since: nobody is chased about it
            if _escalates(notice, kind):
                escalate_notice(notice, now=now)
                return "escalated"
            _remind(notice, kind, deadline)
            return "reminded"
    except IntegrityError:
        return ""  # another sweep claimed it first
    except DomainError:
        return ""  # answered or escalated meanwhile: the verb's lock saw the newer state


def _escalates(notice: Notice, kind: str) -> bool:
    return (
        kind == K.RESPOND_OVERDUE
        and notice.state in (State.ISSUED, State.SIGNED)
        and notice.colour != Colour.RED
    )


def _remind(notice: Notice, kind: str, deadline: datetime) -> None:
    due = timezone.localtime(deadline).strftime("%m-%d %H:%M")
    message = _MESSAGES[kind].format(number=notice.number, case=notice.case.number, due=due)
    if kind == K.RESPOND_OVERDUE:
        # Overdue and not escalated (红, or a draft the leader has not approved): the unit's
        # leader, the supervisor and, for 红, the city's leaders.
        notify_unit(
            notice.unit, roles=[Role.UNIT_LEADER], kind=f"notice_{kind}", message=message, case=notice.case
        )
        notify_users([notice.supervisor], kind=f"notice_{kind}", message=message, case=notice.case)
        if notice.colour == Colour.RED:
            notify_role([Role.LEADER], kind=f"notice_{kind}", message=message, case=notice.case)
        return
    notify_unit(notice.unit, kind=f"notice_{kind}", message=message, case=notice.case)

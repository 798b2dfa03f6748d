"""The deadline sweep: near-due and overdue notices, each sent once.

Deadline states are derived from the data (cases.deadlines); the sweep only tells people.
A unique DeadlineNotice(case, kind, deadline) row claims each notice, so two workers, or a
worker restarted mid-sweep, never send one twice; a stopped worker only delays notices.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role
from cases.deadlines import CLOCKS
from cases.models import Case, DeadlineNotice
from notifications.services import notify_role, notify_unit, queue_sms
from notifications.texts import sms_text

K = DeadlineNotice.Kind
_MESSAGES: dict[str, str] = {
    K.ACCEPT_NEAR: "工单 {number} 即将超过签收时限，请尽快签收",
    K.ACCEPT_OVERDUE: "工单 {number} 已超过签收时限",
    K.HANDLE_NEAR: "工单 {number} 即将超过办理时限（{due}）",
    K.HANDLE_OVERDUE: "工单 {number} 已超期（期限 {due}）",
    K.SUSPEND_NEAR: "工单 {number} 的挂起即将到期（{due}），请及时恢复办理或说明情况",
    K.SUSPEND_OVERDUE: "工单 {number} 已超过挂起期限（{due}），请恢复办理",
    K.RECTIFY_NEAR: "工单 {number} 的差评整改即将到期（{due}），请及时报告整改情况",
    K.RECTIFY_OVERDUE: "工单 {number} 的差评整改已超期（期限 {due}）",
}


def sweep_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Send every notice that is due at `now` and not sent yet. Returns counts per kind."""
    now = now or timezone.now()
    sent = {kind: 0 for kind in K.values}
    for clock, rung, on_rung in CLOCKS.ladder(now):
        kind = f"{clock.kind}_{rung}"
        already = DeadlineNotice.objects.filter(
            case=OuterRef("pk"), kind=kind, deadline=OuterRef(clock.field)
        )
        pending = Case.objects.filter(on_rung).exclude(Exists(already)).select_related("lead_unit")
        for case in pending.order_by(clock.field).iterator(chunk_size=500):
            if _claim_and_send(case, kind, getattr(case, clock.field)):
                sent[kind] += 1
    return sent


def _claim_and_send(case: Case, kind: str, deadline: datetime) -> bool:
    """The claim and the notices commit together: a crash in between neither loses nor doubles one."""
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(case=case, kind=kind, deadline=deadline)
            _send(case, kind, deadline)
    except IntegrityError:
        return False
    return True


def _send(case: Case, kind: str, deadline: datetime) -> None:
    due = timezone.localtime(deadline).strftime("%m-%d %H:%M")
    message = _MESSAGES[kind].format(number=case.number, due=due)
    if case.lead_unit is not None:
        notify_unit(case.lead_unit, kind=kind, message=message, case=case)
    if kind.endswith("overdue"):
        # Overdue cases reach the centre's supervisors and the unit leader's phone.
        notify_role([Role.SUPERVISOR, Role.DISPATCHER], kind=kind, message=message, case=case)
        if case.lead_unit is not None:
            phones = case.lead_unit.staff.filter(role=Role.UNIT_LEADER, is_active=True).exclude(mobile="")
            for phone in phones.values_list("mobile", flat=True):
                queue_sms(phone, sms_text("deadline_notice", message=message), case=case)

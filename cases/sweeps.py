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
from cases.deadlines import near_thresholds
from cases.models import Case, DeadlineNotice
from cases.workflow import HANDLING_STATES, State
from notifications.services import notify_role, notify_unit, queue_sms

K = DeadlineNotice.Kind
_MESSAGES = {
    K.ACCEPT_NEAR: "工单 {number} 即将超过签收时限，请尽快签收",
    K.ACCEPT_OVERDUE: "工单 {number} 已超过签收时限",
    K.HANDLE_NEAR: "工单 {number} 即将超过办理时限（{due}）",
    K.HANDLE_OVERDUE: "工单 {number} 已超期（期限 {due}）",
}


def sweep_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Send every notice that is due at `now` and not sent yet. Returns counts per kind."""
    now = now or timezone.now()
    accept_limit, handle_limit = near_thresholds(now)
    accepting = Case.objects.filter(state=State.DISPATCHED)
    handling = Case.objects.filter(state__in=HANDLING_STATES)
    passes = [
        (K.ACCEPT_OVERDUE, "accept_due_at", accepting.filter(accept_due_at__lte=now)),
        (
            K.ACCEPT_NEAR,
            "accept_due_at",
            accepting.filter(accept_due_at__gt=now, accept_due_at__lte=accept_limit),
        ),
        (K.HANDLE_OVERDUE, "due_at", handling.filter(due_at__lte=now)),
        (K.HANDLE_NEAR, "due_at", handling.filter(due_at__gt=now, due_at__lte=handle_limit)),
    ]
    sent = {kind: 0 for kind in K.values}
    for kind, field, cases in passes:
        already = DeadlineNotice.objects.filter(case=OuterRef("pk"), kind=kind, deadline=OuterRef(field))
        pending = cases.exclude(Exists(already)).select_related("lead_unit").order_by(field)
        for case in pending.iterator(chunk_size=500):
            if _claim_and_send(case, kind, getattr(case, field)):
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
                queue_sms(phone, f"【钟祥12345】{message}", case=case)

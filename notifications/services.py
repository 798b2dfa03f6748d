"""Writing notifications and queueing SMS. Sending happens in the worker, never in a request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mochou import leases
from notifications.models import Notification, SmsMessage

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case
    from org.models import Unit


def notify_users(users: Iterable[User], *, kind: str, message: str, case: Case | None = None) -> int:
    rows = [Notification(user=u, case=case, kind=kind, message=message[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_unit(
    unit: Unit, *, kind: str, message: str, case: Case | None = None, roles: Iterable[str] = ()
) -> int:
    staff = unit.staff.filter(is_active=True)
    if roles:
        staff = staff.filter(role__in=list(roles))
    return notify_users(staff, kind=kind, message=message, case=case)


def notify_role(roles: Iterable[str], *, kind: str, message: str, case: Case | None = None) -> int:
    from accounts.models import User

    return notify_users(
        User.objects.filter(role__in=list(roles), is_active=True), kind=kind, message=message, case=case
    )


def queue_sms(phone: str, body: str, *, case: Case | None = None) -> SmsMessage | None:
    """Store the message, and hand it to the worker once the surrounding transaction commits."""
    if not phone:
        return None
    sms = SmsMessage.objects.create(phone=phone, body=body[:500], case=case)

    def enqueue() -> None:
        from notifications.tasks import deliver_sms

        deliver_sms(sms.pk)

    transaction.on_commit(enqueue, robust=True)  # a queue outage delays the message, never the request
    return sms


# How long a worker may hold a message while it sends: well past the gateway's 10 s timeout, so a
# live sender never loses it; a sender killed mid-send is replaced after this.
SEND_LEASE_SECONDS = 120


def deliver(sms_id: int) -> bool:
    """Send one queued message through the configured backend, once. Raises on failure so huey retries.

    The message may reach several tasks (the handover sweep re-enqueues a message whose first
    task it cannot see); a lease claims it, so two workers never send it at once, and after the
    send the message is marked sent before the lease is given back.
    """
    from notifications.sms import get_backend

    claimed = SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.Status.QUEUED)
    if not claimed.exists():
        return False
    lease = leases.take("sms.deliver", sms_id, seconds=SEND_LEASE_SECONDS)
    if lease is None:
        return False  # another worker is sending it right now
    try:
        # Read again under the lease: the previous holder may have sent it since our first look.
        sms = claimed.first()
        if sms is None:
            return False
        backend = get_backend()
        try:
            backend.send(sms.phone, sms.body)
        except Exception as exc:
            SmsMessage.objects.filter(pk=sms_id).update(attempts=sms.attempts + 1, error=str(exc)[:300])
            raise
        # Conditional update: two workers never both mark the same message sent.
        return bool(
            claimed.update(
                status=SmsMessage.Status.SENT,
                backend=backend.name,
                attempts=sms.attempts + 1,
                sent_at=timezone.now(),
            )
        )
    finally:
        # Sent (and marked) or failed (and huey will retry): either way the next try may claim it.
        leases.release("sms.deliver", sms_id, lease)


def mark_failed(sms_id: int, error: str) -> None:
    SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.Status.QUEUED).update(
        status=SmsMessage.Status.FAILED, error=error[:300]
    )


# A message its worker has not taken within this was most likely never handed over (the web
# process died between the commit and the enqueue, or the queue was down).
HANDOVER_GRACE = timedelta(minutes=2)


def stuck_messages(
    now: datetime | None = None,
    *,
    after: timedelta = timedelta(minutes=30),
    grace: timedelta = HANDOVER_GRACE,
) -> list[int]:
    """Messages the periodic task hands to the worker again: never tried and older than `grace`
    (never handed over, or the worker was down: a second task for one message is harmless, see
    `deliver`), or still queued well after huey's own retries would have ended (`after`)."""
    now = now or timezone.now()
    never_tried = Q(attempts=0, created_at__lt=now - grace)
    stuck = SmsMessage.objects.filter(
        never_tried | Q(created_at__lt=now - after), status=SmsMessage.Status.QUEUED
    )
    return list(stuck.order_by("pk").values_list("pk", flat=True)[:1000])

"""Writing notifications and queueing SMS. Sending happens in the worker, never in a request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

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


def deliver(sms_id: int) -> bool:
    """Send one queued message through the configured backend. Raises on failure so huey retries."""
    from notifications.sms import get_backend

    claimed = SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.Status.QUEUED)
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


def mark_failed(sms_id: int, error: str) -> None:
    SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.Status.QUEUED).update(
        status=SmsMessage.Status.FAILED, error=error[:300]
    )


def stuck_messages(now: datetime | None = None, *, after: timedelta = timedelta(minutes=30)) -> list[int]:
    """Messages still queued well after huey's own retries would have ended (the queue was down when
    they were stored, or a worker died): the periodic task hands them to the worker again."""
    now = now or timezone.now()
    stuck = SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED, created_at__lt=now - after)
    return list(stuck.order_by("pk").values_list("pk", flat=True)[:1000])

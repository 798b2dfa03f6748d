"""The applicant's SMS of a 一次性告知: what to send in for 补正, once.

Sent right after the notice commits (a huey task, `affairs.tasks.send_notice_sms`) and, if the
worker was down or the queue lost it, by the application sweep — the 办结 SMS's pattern: the
marker `notice_sms_at` is claimed by a conditional update in the transaction that stores the
message, so the two never both send it. A 一件事's parts notified together get one message for
the package (the claim takes every notified part of the joint at once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from affairs.models import Application
from affairs.workflow import State
from notifications.services import queue_sms
from notifications.texts import sms_text

MAX_ITEMS_TEXT = 120  # an SMS is short: the full list is on the applicant's page
# The sweep sends a lost notice SMS within this time; an older notice (one from before the SMS
# existed) is not sent days late.
RECOVER_WITHIN = timedelta(days=2)


def waiting(now: datetime) -> QuerySet[Application]:
    """Notified applications whose SMS is not out yet (an application a partner sent us is told
    by the partner: its window has the applicant)."""
    return Application.objects.filter(
        state=State.CORRECTING, notified_at__gte=now - RECOVER_WITHIN, notice_sms_at__isnull=True,
        origin__isnull=True,
    )  # fmt: skip


def tell_notice(app_pk: int, now: datetime | None = None) -> bool:
    """Send the 一次性告知 SMS of one application (or of its package), unless already sent."""
    now = now or timezone.now()
    with transaction.atomic():
        app = (
            Application.objects.filter(pk=app_pk, origin__isnull=True)
            .select_related("matter", "applicant", "joint__bundle")
            .first()
        )
        if app is None or app.state != State.CORRECTING or app.notified_at is None:
            return False
        claimed = Application.objects.filter(notice_sms_at__isnull=True, state=State.CORRECTING)
        if app.joint_id is not None:
            parts = claimed.filter(joint_id=app.joint_id, notified_at__isnull=False)
            items = list(dict.fromkeys(i for p in parts.order_by("stage", "pk") for i in p.notice_items))
            if not parts.update(notice_sms_at=now):
                return False
            assert app.joint is not None  # noqa: S101 (joint_id is set)
            name, number = app.joint.bundle.name, app.joint.number
        else:
            if not claimed.filter(pk=app.pk).update(notice_sms_at=now):
                return False
            items, name, number = list(app.notice_items), app.matter.name, app.number
        listed = "、".join(items)
        if len(listed) > MAX_ITEMS_TEXT:
            listed = listed[:MAX_ITEMS_TEXT] + "等"
        queue_sms(app.applicant.phone, sms_text("affairs_notice", matter=name, number=number, items=listed))
    return True

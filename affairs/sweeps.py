"""The application sweeps: 临期 and 超期 to the department, 一次性告知 and 办结 to the applicant —
each once.

Each message is claimed by a conditional update of its marker (`near_notified_at`,
`overdue_notified_at`, `result_notified_at`) in the transaction that writes it, so a sweep run
twice, or two at once, sends it once; a crash before the commit leaves the marker unset and the
next sweep sends it. Nothing is kept in memory: recoverable from the data alone.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from affairs.models import Application, Outcome
from affairs.notices import tell_notice, waiting
from affairs.services.applications import CLOCKS
from affairs.workflow import State
from notifications.services import notify_unit, queue_sms
from notifications.texts import sms_text

LIMIT = 500
PROMISE = CLOCKS.clocks[0]  # 承诺办结 (the first clock)


def _claim(app: Application, marker: str, now: datetime) -> bool:
    # Not a loop state: the sweep's own marker that this message went out.
    return bool(Application.objects.filter(pk=app.pk, **{f"{marker}__isnull": True}).update(**{marker: now}))


def _leaders(app: Application) -> QuerySet[User]:
    return app.department.staff.filter(role=Role.UNIT_LEADER, is_active=True).exclude(mobile="")


def _deadline(app: Application, marker: str, now: datetime) -> bool:
    assert app.promised_due_at is not None  # noqa: S101 (filtered on it)
    due = timezone.localtime(app.promised_due_at).strftime("%m-%d %H:%M")
    overdue = marker == "overdue_notified_at"
    word = "已超期" if overdue else "临近承诺期限"
    message = f"办件{app.number}“{app.matter.name}”{word}（承诺办结 {due}），请尽快审批。"
    with transaction.atomic():
        if not _claim(app, marker, now):
            return False
        notify_unit(app.department, kind="affairs_overdue" if overdue else "affairs_near", message=message)
        if overdue:
            for phone in _leaders(app).values_list("mobile", flat=True):
                queue_sms(str(phone), sms_text("affairs_deadline", message=message))
    return True


def _result(app: Application, now: datetime) -> bool:
    outcome = Outcome(app.outcome).label if app.outcome else app.get_state_display()
    how = "请携带身份证件到政务大厅统一出件窗口领取，" if app.state == State.GRANTED else ""
    with transaction.atomic():
        if not _claim(app, "result_notified_at", now):
            return False
        queue_sms(
            app.applicant.phone,
            sms_text("affairs_result", matter=app.matter.name, number=app.number, outcome=outcome, how=how),
        )
    return True


def sweep_applications(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    sent: Counter[str] = Counter()
    approving = Application.objects.filter(
        state=State.APPROVING, promised_due_at__isnull=False
    ).select_related("matter", "department")
    for app in approving.filter(promised_due_at__lte=now, overdue_notified_at__isnull=True)[:LIMIT]:
        sent["overdue"] += _deadline(app, "overdue_notified_at", now)
    near = approving.filter(PROMISE.near_q(now), promised_due_at__gt=now, near_notified_at__isnull=True)
    for app in near[:LIMIT]:
        sent["near"] += _deadline(app, "near_notified_at", now)
    # 办结 and waiting for 出件 here (an application a partner forwarded to us is handed over there).
    ready = Application.objects.filter(
        state__in=[State.GRANTED, State.DENIED], origin__isnull=True, result_notified_at__isnull=True
    ).select_related("matter", "applicant")
    for app in ready[:LIMIT]:
        sent["result"] += _result(app, now)
    # 一次性告知 whose SMS did not go out after commit (the worker was down).
    for pk in list(waiting(now).order_by("pk").values_list("pk", flat=True)[:LIMIT]):
        sent["notice"] += tell_notice(pk, now)
    return dict(sent)
